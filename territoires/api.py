"""Read-only API of the territories: the list of territories and the figures of one.

Anyone may read it; the figures count the dossiers the caller may see (anonymous: the public
ones), with the rules of `territoires.selectors`.
"""

from decimal import Decimal

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from projets.models import Projet
from socle.api import Pagination
from territoires import selectors
from territoires.referentiel import referentiel

ETIQUETTE = "Territoires"
NIVEAUX_LISTE = (selectors.REGION, selectors.DEPARTEMENT, selectors.EPCI, selectors.SPECIAL)


def _montant(aide: str) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=16, decimal_places=2, help_text=aide)


class MontantsTerritoireSerializer(serializers.Serializer):
    prevu = _montant("Prévu aux plans de financement, en euros (chaîne décimale).")
    programme = _montant("Programmé (registre, lignes CPER), en euros.")
    engage = _montant("Engagé, en euros.")
    paye = _montant("Payé, en euros.")


class TerritoireSerializer(serializers.Serializer):
    cle = serializers.CharField(help_text="Clé du territoire : niveau-code (ex. commune-59350).")
    niveau = serializers.ChoiceField(
        choices=list(selectors.NIVEAUX.items()), help_text="Niveau du territoire."
    )
    code = serializers.CharField(help_text="Code INSEE, SIREN ou code du territoire du contrat.")
    nom = serializers.CharField(help_text="Nom du territoire.")
    population = serializers.IntegerField(
        allow_null=True, help_text="Population légale (INSEE) ; null si inconnue."
    )


class FinanceurTerritoireSerializer(serializers.Serializer):
    nature = serializers.ChoiceField(
        choices=selectors.NATURES_CHOIX, help_text="Nature du financement."
    )
    code_financeur = serializers.CharField(
        source="financeur", help_text="Code du signataire ou de l'autre source."
    )
    financeur = serializers.CharField(source="libelle", help_text="Nom du financeur.")
    montants = MontantsTerritoireSerializer(help_text="Montants sur le territoire.")


class AxeTerritoireSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Code de l'axe ou de la mesure.")
    libelle = serializers.CharField(help_text="Intitulé.")
    montants = MontantsTerritoireSerializer(help_text="Montants sur le territoire.")


class AnneeTerritoireSerializer(serializers.Serializer):
    annee = serializers.IntegerField(help_text="Année (programmation, budget, paiement).")
    montants = MontantsTerritoireSerializer(
        help_text="Montants de l'année (prévu toujours à zéro)."
    )


class SousTerritoireSerializer(serializers.Serializer):
    cle = serializers.CharField(help_text="Clé du territoire inclus.")
    nom = serializers.CharField(help_text="Nom du territoire inclus.")
    montants = MontantsTerritoireSerializer(help_text="Sa part des montants.")


class DossierTerritoireSerializer(serializers.Serializer):
    reference = serializers.CharField(help_text="Référence du dossier.")
    titre = serializers.CharField(help_text="Titre du dossier.")
    statut = serializers.CharField(help_text="Statut du dossier.")
    lieu = serializers.CharField(
        help_text="Où l'argent du dossier est tenu : commune, departement ou region."
    )
    communes = serializers.ListField(
        child=serializers.CharField(),
        help_text="Codes INSEE des communes entre qui il est réparti.",
    )
    montants = MontantsTerritoireSerializer(help_text="Part du dossier sur le territoire.")


class BilanTerritoireSerializer(serializers.Serializer):
    territoire = TerritoireSerializer(help_text="Le territoire.")
    cle_repartition = serializers.ChoiceField(
        choices=list(selectors.CLES.items()),
        help_text="Clé de répartition entre les communes d'un dossier (réglage du secrétariat).",
    )
    public = MontantsTerritoireSerializer(help_text="Total de l'argent public.")
    total = MontantsTerritoireSerializer(
        help_text="Total de tous les financements (privé compris)."
    )
    tenu = MontantsTerritoireSerializer(
        help_text="Part tenue au niveau du territoire lui-même (département : dossiers sans "
        "commune sur ce seul département ; région : dossiers sans commune sur aucun ou "
        "plusieurs départements)."
    )
    prevu_par_habitant = serializers.DecimalField(
        max_digits=16,
        decimal_places=2,
        allow_null=True,
        help_text="Prévu (public) par habitant, en euros ; null sans population.",
    )
    par_financeur = FinanceurTerritoireSerializer(many=True, help_text="Par nature et financeur.")
    par_axe = AxeTerritoireSerializer(many=True, help_text="Par axe du contrat.")
    par_mesure = AxeTerritoireSerializer(many=True, help_text="Par mesure du contrat.")
    par_annee = AnneeTerritoireSerializer(many=True, help_text="Par année.")
    sous_territoires = SousTerritoireSerializer(
        many=True, help_text="Départements (région) ou communes avec un dossier."
    )
    nombre_dossiers = serializers.IntegerField(
        help_text="Nombre de dossiers et d'opérations ayant une part sur le territoire "
        "(leur liste : /api/v1/territoires/{cle}/dossiers/)."
    )
    regles = serializers.ListField(
        child=serializers.CharField(), help_text="Les règles de calcul, en français."
    )


def _territoire(t: selectors.Territoire) -> dict:
    return {
        "cle": t.cle,
        "niveau": t.niveau,
        "code": t.code,
        "nom": t.nom,
        "population": t.population,
    }


def _sous_territoires(bilan: selectors.Bilan) -> list[dict]:
    ref = referentiel()
    if bilan.territoire.niveau == selectors.REGION:
        return [
            {
                "cle": f"departement-{code}",
                "nom": d.nom,
                "montants": bilan.par_departement.get(code, selectors.Montants()).en_dict(),
            }
            for code, d in ref.departements.items()
        ]
    if bilan.territoire.niveau == selectors.COMMUNE:
        return []
    return [
        {"cle": f"commune-{code}", "nom": ref.communes[code].nom, "montants": m.en_dict()}
        for code, m in sorted(bilan.par_commune.items())
    ]


def _en_euros(centimes: int) -> str:
    return f"{Decimal(centimes).scaleb(-2):.2f}"


def _dossiers(lignes_dossiers: list[selectors.LigneDossier]) -> list[dict]:
    """Dossiers in the serializer's shape (decimal strings)."""
    projets = {
        pk: (reference, titre, statut)
        for pk, reference, titre, statut in Projet.objects.filter(
            pk__in=[d.projet_id for d in lignes_dossiers]
        ).values_list("pk", "reference", "titre", "statut")
    }
    return [
        {
            "reference": projets[d.projet_id][0],
            "titre": projets[d.projet_id][1],
            "statut": projets[d.projet_id][2],
            "lieu": d.niveau,
            "communes": list(d.communes),
            "montants": dict(
                zip(
                    selectors.GENRES,
                    (f"{Decimal(c).scaleb(-2):.2f}" for c in d.centimes),
                    strict=True,
                )
            ),
        }
        for d in lignes_dossiers
    ]


def donnees_bilan(bilan: selectors.Bilan) -> dict:
    return {
        "territoire": _territoire(bilan.territoire),
        "cle_repartition": selectors.cle_repartition(),
        "public": bilan.public.en_dict(),
        "total": bilan.total.en_dict(),
        "tenu": bilan.tenu.en_dict(),
        "prevu_par_habitant": bilan.prevu_par_habitant,
        "par_financeur": [
            {
                "nature": ligne.nature,
                "financeur": ligne.financeur,
                "libelle": ligne.libelle,
                "montants": ligne.montants.en_dict(),
            }
            for ligne in bilan.par_financeur
        ],
        "par_axe": [
            {"code": a.code, "libelle": a.libelle, "montants": a.montants.en_dict()}
            for a in bilan.par_axe
        ],
        "par_mesure": [
            {"code": a.code, "libelle": a.libelle, "montants": a.montants.en_dict()}
            for a in bilan.par_mesure
        ],
        "par_annee": [{"annee": annee, "montants": m.en_dict()} for annee, m in bilan.par_annee],
        "sous_territoires": _sous_territoires(bilan),
        "nombre_dossiers": len(bilan.dossiers),
        "regles": selectors.regles(),
    }


def liste_territoires(niveau: str | None) -> list[selectors.Territoire]:
    ref = referentiel()
    territoires: list[selectors.Territoire] = []
    if niveau in (None, selectors.REGION):
        territoires.append(selectors.region())
    if niveau in (None, selectors.DEPARTEMENT):
        territoires += [selectors.departement(code) for code in ref.departements]
    if niveau in (None, selectors.EPCI):
        territoires += [selectors.epci(siren) for siren in sorted(ref.epcis)]
    if niveau in (None, selectors.SPECIAL):
        territoires += [selectors.special(t.code) for t in selectors.territoires_speciaux()]
    if niveau == selectors.COMMUNE:
        territoires += [selectors.commune(code) for code in sorted(ref.communes)]
    return territoires


class TerritoireListApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        summary="Les territoires",
        description="La région, ses départements, ses intercommunalités (EPCI) et les "
        "territoires spécifiques du contrat, avec leur population ; les 3 700 communes avec "
        "`niveau=commune`. Source : INSEE et DGCL via @etalab/decoupage-administratif "
        "(Licence Ouverte 2.0).",
        parameters=[
            OpenApiParameter(
                "niveau",
                OpenApiTypes.STR,
                enum=list(selectors.NIVEAUX),
                description="Ne lister qu'un niveau (commune : toutes les communes).",
            )
        ],
        responses=TerritoireSerializer(many=True),
        tags=[ETIQUETTE],
    )
    def get(self, request):
        niveau = request.query_params.get("niveau") or None
        if niveau is not None and niveau not in selectors.NIVEAUX:
            return Response(
                {"niveau": [f"Niveau inconnu : choisissez parmi {', '.join(selectors.NIVEAUX)}."]},
                status=400,
            )
        return Response(
            TerritoireSerializer(
                [_territoire(t) for t in liste_territoires(niveau)], many=True
            ).data
        )


class TerritoireDetailApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        summary="Tout l'argent public sur un territoire",
        description="Par nature et financeur, axe, mesure, année ; les départements ou communes "
        "qu'il contient ; les dossiers avec leur part. `cle` : region-32, departement-59, "
        "epci-<SIREN>, commune-<code INSEE>, special-<code>. Les règles de calcul sont "
        "dans `regles` : un dossier sur plusieurs communes répartit ses montants entre elles "
        "au centime (clé égale par défaut, ou population) ; un dossier sans commune est tenu au "
        "niveau de son département, ou au niveau régional s'il en nomme aucun ou plusieurs.",
        parameters=[
            OpenApiParameter(
                "cle",
                OpenApiTypes.STR,
                OpenApiParameter.PATH,
                description="Clé du territoire : region-32, departement-59, epci-<SIREN>, "
                "commune-<code INSEE>, special-<code> (voir la liste des territoires).",
            )
        ],
        responses=BilanTerritoireSerializer,
        tags=[ETIQUETTE],
    )
    def get(self, request, cle: str):
        territoire = selectors.territoire_par_cle(cle)
        donnees, _ = selectors.lire_ou_calculer(
            territoire,
            utilisateur=request.user,
            quoi="api",
            calculer=lambda: dict(
                BilanTerritoireSerializer(
                    donnees_bilan(selectors.bilan(territoire, utilisateur=request.user))
                ).data
            ),
            frais=True,  # a client gets the current figures, never the previous ones
        )
        return Response(donnees)


class TerritoireDossiersApi(generics.ListAPIView):
    """The dossiers of a territory, paginated like every list of the API."""

    permission_classes = [AllowAny]
    pagination_class = Pagination
    filter_backends: list = []
    serializer_class = DossierTerritoireSerializer
    queryset = Projet.objects.none()  # the schema's; the rows are the territory's dossiers

    @extend_schema(
        summary="Les dossiers et opérations d'un territoire, avec leur part",
        description="Par page de 50 (`taille` jusqu'à 500), les plus dotés d'abord : chaque "
        "dossier avec ce qui lui revient sur le territoire (sa part quand il est réparti entre "
        "plusieurs communes), où son argent est tenu et ses communes.",
        parameters=[
            OpenApiParameter(
                "cle",
                OpenApiTypes.STR,
                OpenApiParameter.PATH,
                description="Clé du territoire : region-32, departement-59, epci-<SIREN>, "
                "commune-<code INSEE>, special-<code>.",
            )
        ],
        tags=[ETIQUETTE],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def list(self, request, *args, **kwargs):
        territoire = selectors.territoire_par_cle(self.kwargs["cle"])
        bilan = selectors.bilan(territoire, utilisateur=request.user)
        # DRF pages any sequence; its stubs only name querysets.
        page: list[selectors.LigneDossier] = (
            self.paginate_queryset(bilan.dossiers)  # type: ignore[arg-type]
            or []
        )
        return self.get_paginated_response(_dossiers(list(page)))
