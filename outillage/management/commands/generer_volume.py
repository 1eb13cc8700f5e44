"""Generate a realistic volume of data, deterministic from a seed, for the benchmark.

    manage.py generer_volume --seed 42 --dossiers 20000

Run on a base where `charger_cper` has loaded the contract. Rows are inserted in batches
(`bulk_create`); the ledger rows (lignes programmées, engagements, paiements) fire the database
triggers like any other writer, so the running totals stay the sums of their rows and the CHECK
constraints hold: programmed amounts are drawn within each envelope, commitments within the
programmed line, payments within the commitment. Without explicit sizes, everything scales
with `--dossiers` (20 000 dossiers: 100 000 plan lines, 60 000 commitments, 60 000 payments,
300 sessions, 3 000 users).
"""

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import DateTimeField, ExpressionWrapper, OuterRef, Subquery
from django.db.models.functions import Least, Now
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from axes.models import Contrat, Departement, Niveau, Noeud, Signataire
from comptes.models import Organisation, Role, TypeOrganisation, Utilisateur
from financement.models import (
    Engagement,
    Enveloppe,
    JournalFinancier,
    LigneProgrammee,
    Paiement,
    TypeActe,
    TypeMouvement,
    TypePaiement,
)
from gouvernance.models import (
    ROLES_VOTANTS,
    ChoixVote,
    Comite,
    Decision,
    EtatSeance,
    Membre,
    PointOrdreDuJour,
    Presence,
    Resultat,
    RoleMembre,
    Seance,
    StatutPresence,
    Vote,
)
from projets.models import (
    CommuneProjet,
    CompteurReference,
    LignePlanFinancement,
    NatureFinancement,
    Origine,
    Projet,
    SourceFinancement,
    Statut,
    TransitionProjet,
)
from projets.recherche import actualiser_recherche, textes_du_projet
from suivi import fraicheur as fraicheur_suivi
from territoires.fraicheur import avancer
from territoires.referentiel import referentiel

LOT = 2000
MOT_DE_PASSE = "cper-bench-2027"

VILLES = [
    "Lille", "Amiens", "Roubaix", "Tourcoing", "Dunkerque", "Calais", "Villeneuve-d'Ascq",
    "Saint-Quentin", "Beauvais", "Valenciennes", "Boulogne-sur-Mer", "Arras", "Douai",
    "Lens", "Compiègne", "Creil", "Cambrai", "Maubeuge", "Laon", "Soissons", "Abbeville",
    "Béthune", "Liévin", "Armentières", "Hazebrouck", "Saint-Omer", "Noyon", "Senlis",
    "Château-Thierry", "Péronne", "Montdidier", "Chauny", "Hirson", "Avesnes-sur-Helpe",
    "Berck", "Étaples", "Le Touquet-Paris-Plage", "Wattrelos", "Marcq-en-Barœul", "Hénin-Beaumont",
]  # fmt: skip
TYPES_ORGANISATION = [
    ("Commune de {v}", TypeOrganisation.COMMUNE),
    ("Communauté d'agglomération de {v}", TypeOrganisation.AGGLOMERATION),
    ("Communauté de communes du pays de {v}", TypeOrganisation.EPCI),
    ("Centre hospitalier de {v}", TypeOrganisation.OPERATEUR),
    ("Lycée professionnel de {v}", TypeOrganisation.OPERATEUR),
    ("Association des acteurs de {v}", TypeOrganisation.ASSOCIATION),
    ("Office de tourisme de {v}", TypeOrganisation.ASSOCIATION),
    ("Syndicat mixte des transports de {v}", TypeOrganisation.EPCI),
    ("Pôle universitaire de {v}", TypeOrganisation.ENSEIGNEMENT_RECHERCHE),
    ("Société d'aménagement de {v}", TypeOrganisation.ENTREPRISE),
]
ACTIONS = [
    "Réhabilitation", "Extension", "Construction", "Modernisation", "Rénovation énergétique",
    "Aménagement", "Requalification", "Création", "Mise en accessibilité", "Étude préalable à",
]  # fmt: skip
OBJETS = [
    "du campus", "de la halle de sports", "du pôle d'échanges multimodal", "de la piste cyclable",
    "du centre de santé", "de la médiathèque", "de la friche industrielle", "du port de plaisance",
    "du laboratoire de recherche", "de la maison France services", "du réseau de chaleur",
    "de la station d'épuration", "du tiers-lieu numérique", "de la gare routière",
    "du musée", "de la zone humide", "du quartier prioritaire", "de l'incubateur d'entreprises",
]  # fmt: skip
PRENOMS = [
    "Camille", "Léa", "Manon", "Chloé", "Inès", "Jeanne", "Louise", "Alice", "Sarah", "Julie",
    "Lucas", "Hugo", "Louis", "Gabriel", "Arthur", "Jules", "Nathan", "Paul", "Victor", "Adam",
]  # fmt: skip
NOMS = [
    "Martin", "Bernard", "Dubois", "Lefebvre", "Leroy", "Lemaire", "Dupont", "Delattre",
    "Lefèvre", "Vandamme", "Deschamps", "Caron", "Duhamel", "Lecomte", "Mercier", "Bouchez",
]  # fmt: skip

# Where dossiers are in their lifecycle (weights, %).
STATUTS = [
    (Statut.BROUILLON, 8),
    (Statut.DEPOSE, 7),
    (Statut.INCOMPLET, 3),
    (Statut.EN_INSTRUCTION, 9),
    (Statut.INSTRUIT, 7),
    (Statut.INSCRIT_ORDRE_DU_JOUR, 3),
    (Statut.RETENU, 3),
    (Statut.REJETE, 5),
    (Statut.AJOURNE, 3),
    (Statut.PROGRAMME, 18),
    (Statut.EN_COURS, 24),
    (Statut.SOLDE, 7),
    (Statut.ABANDONNE, 3),
]
# The benchmark measures the minutes and the closing of a session this long (issue 14).
POINTS_GRANDE_SEANCE = 50
PROGRAMMES = {Statut.PROGRAMME, Statut.EN_COURS, Statut.SOLDE}
DELAI_PROGRAMMATION = timedelta(days=60)  # from the filing to the programming
# Share of each envelope the generated programming may use at most.
PART_ENVELOPPE = Decimal("0.85")
CENT = Decimal("0.01")


def _centimes(montant: Decimal) -> int:
    return int((montant / CENT).to_integral_value())


def _euros(centimes: int) -> Decimal:
    return Decimal(centimes) * CENT


def _repartir(rng: random.Random, total: int, parts: int) -> list[int]:
    """Split `total` cents into `parts` positive amounts (each ≥ 1 cent)."""
    parts = max(1, min(parts, total))
    poids = [rng.uniform(0.5, 1.5) for _ in range(parts)]
    somme = sum(poids)
    montants = [max(1, int(total * p / somme)) for p in poids]
    montants[-1] = total - sum(montants[:-1])
    while montants[-1] < 1:  # rounding took too much: give it back from the largest
        plus_grand = max(range(parts - 1), key=montants.__getitem__)
        montants[plus_grand] -= 1
        montants[-1] += 1
    return montants


def _par_lots(modele, objets: list) -> None:
    """Insert ledger rows one batch per transaction (the triggers update the totals)."""
    for debut in range(0, len(objets), LOT):
        with transaction.atomic():
            modele.objects.bulk_create(objets[debut : debut + LOT])


class Command(BaseCommand):
    help = "Génère un volume réaliste et déterministe (graine) pour le banc de mesure."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=42)
        parser.add_argument("--dossiers", type=int, default=20000)
        parser.add_argument("--lignes", type=int, help="lignes de plan (défaut : 5 × dossiers)")
        parser.add_argument("--engagements", type=int, help="défaut : 3 × dossiers")
        parser.add_argument("--paiements", type=int, help="défaut : 3 × dossiers")
        parser.add_argument("--seances", type=int, help="défaut : dossiers / 66,7")
        parser.add_argument("--utilisateurs", type=int, help="défaut : 15 % des dossiers")
        parser.add_argument(
            "--points-grande-seance",
            type=int,
            default=POINTS_GRANDE_SEANCE,
            help="points de chacune des deux longues séances (défaut : 50)",
        )

    def handle(self, *args, **options):
        n = options["dossiers"]
        self.tailles = {
            "dossiers": n,
            "lignes": options["lignes"] or 5 * n,
            "engagements": options["engagements"] or 3 * n,
            "paiements": options["paiements"] or 3 * n,
            "seances": options["seances"] or max(3, n * 3 // 200),
            "utilisateurs": options["utilisateurs"] or max(30, n * 3 // 20),
        }
        if self.tailles["lignes"] < 2 * n:
            raise CommandError("Il faut au moins deux lignes de plan par dossier.")
        self.rng = random.Random(options["seed"])  # noqa: S311 - reproducible data, not secrets
        # The communes of the dossiers draw from their own sequence, so that adding them left
        # every other generated figure as it was for a given seed.
        self.rng_communes = random.Random(options["seed"] + 1)  # noqa: S311 - as above
        # The two 50-item sessions too (added later): the rest is unchanged for a given seed.
        self.rng_seances = random.Random(options["seed"] + 2)  # noqa: S311 - as above
        self.contrat = Contrat.objects.first()
        if self.contrat is None:
            raise CommandError("Chargez d'abord le contrat : manage.py charger_cper.")
        if Projet.objects.filter(origine=Origine.DEPOT).exists():
            raise CommandError(
                "La base contient déjà des dossiers déposés : partez d'une base vide."
            )
        self.maintenant = timezone.now()
        # One transaction per stage, and per batch in the ledger: a row updated by triggers
        # thousands of times in one transaction (the nine envelopes) keeps every version alive,
        # and each update walks them all. `make bench` drops a half-generated base.
        with transaction.atomic():
            self._utilisateurs()
            self._dossiers()
            self._plans()
        self._registre()
        with transaction.atomic():
            self._gouvernance()
            self._seances_de_cinquante_points(options["points_grande_seance"])
        # Bulk writes send no signal: the territories' and the review's cached figures are stale.
        avancer()
        fraicheur_suivi.avancer()
        self.stdout.write(
            "Volume généré : " + ", ".join(f"{cle} {val}" for cle, val in self.tailles.items())
        )

    # --- Two sessions of 50 items -----------------------------------------------------------
    def _seances_de_cinquante_points(self, points_par_seance: int = POINTS_GRANDE_SEANCE):
        """Two sessions of the programming committee with 50 items each, on dossiers no other
        session has on its agenda: one closed (votes and decisions, for its minutes), one open
        (attendance taken, every present voter has voted, the dossiers « inscrits à l'ordre du
        jour »), ready to be closed. Built from the base as it is, with their own random
        sequence: nothing else generated changes."""
        rng = self.rng_seances
        comite = Comite.objects.filter(pouvoir_programmer=True).order_by("ordre", "pk").first()
        if comite is None:
            return
        membres = list(Membre.objects.filter(comite=comite, fin__isnull=True).order_by("pk"))
        libres = Projet.objects.filter(origine=Origine.DEPOT, points_odj__isnull=True).order_by(
            "pk"
        )
        a_inscrire = list(
            libres.filter(statut=Statut.INSCRIT_ORDRE_DU_JOUR).values_list("pk", flat=True)
        )
        a_inscrire = sorted(rng.sample(a_inscrire, min(points_par_seance, len(a_inscrire))))
        decides = list(
            libres.exclude(statut=Statut.BROUILLON)
            .exclude(pk__in=a_inscrire)
            .values_list("pk", flat=True)
        )
        decides = sorted(rng.sample(decides, min(points_par_seance, len(decides))))
        close_le = timezone.make_aware(datetime.combine(date(2023, 6, 15), time(9)))
        ouverte_le = timezone.make_aware(datetime.combine(date(2026, 1, 15), time(14)))
        close = Seance.objects.create(
            comite=comite,
            date=close_le,
            lieu="Hôtel de Région, salle des séances",
            etat=EtatSeance.CLOSE,
            convoquee_le=close_le - timedelta(days=15),
            ouverte_le=close_le,
            close_le=close_le + timedelta(hours=4),
            votants_attendus=sum(m.role in ROLES_VOTANTS for m in membres),
            votants_presents=0,  # counted below
            cree_par=self.administrateur,
        )
        ouverte = Seance.objects.create(
            comite=comite,
            date=ouverte_le,
            lieu="Hôtel de Région, salle des séances",
            etat=EtatSeance.OUVERTE,
            convoquee_le=ouverte_le - timedelta(days=15),
            ouverte_le=ouverte_le,
            cree_par=self.administrateur,
        )
        presents = {}
        for seance, projets in ((close, decides), (ouverte, a_inscrire)):
            points = PointOrdreDuJour.objects.bulk_create(
                PointOrdreDuJour(seance=seance, projet_id=pk, ordre=rang)
                for rang, pk in enumerate(projets, start=1)
            )
            # Two members excused, the others present: the quorum is reached.
            excuses = set(rng.sample(range(len(membres)), min(2, len(membres))))
            Presence.objects.bulk_create(
                Presence(
                    seance=seance,
                    membre=membre,
                    statut=StatutPresence.EXCUSE if rang in excuses else StatutPresence.PRESENT,
                )
                for rang, membre in enumerate(membres)
            )
            votants = [
                m
                for rang, m in enumerate(membres)
                if rang not in excuses and m.role in ROLES_VOTANTS
            ]
            presents[seance.pk] = len(votants)
            votes, decisions = [], []
            for point in points:
                compte = dict.fromkeys(ChoixVote.values, 0)
                for membre in votants:
                    choix = rng.choices(ChoixVote.values, weights=[70, 15, 15])[0]
                    compte[choix] += 1
                    votes.append(Vote(point=point, membre=membre, exprime_par=membre, choix=choix))
                if seance.etat == EtatSeance.CLOSE:
                    decisions.append(
                        Decision(
                            point=point,
                            resultat=Resultat.RETENU
                            if compte["pour"] > compte["contre"]
                            else Resultat.AJOURNE
                            if compte["pour"] == compte["contre"]
                            else Resultat.REJETE,
                            pour=compte["pour"],
                            contre=compte["contre"],
                            abstention=compte["abstention"],
                            quorum_atteint=True,
                            motif="Majorité simple des suffrages exprimés.",
                        )
                    )
            Vote.objects.bulk_create(votes, batch_size=LOT)
            Decision.objects.bulk_create(decisions, batch_size=LOT)
        close.votants_presents = presents[close.pk]
        close.save(update_fields=["votants_presents"])
        self.tailles["seances"] += 2

    # --- Organisations and users ----------------------------------------------------------
    def _utilisateurs(self):
        rng = self.rng
        noms = [modele.format(v=ville) for ville in VILLES for modele, _ in TYPES_ORGANISATION]
        types = [t for _ in VILLES for _, t in TYPES_ORGANISATION]
        existants = set(Organisation.objects.values_list("nom", flat=True))
        Organisation.objects.bulk_create(
            [
                Organisation(nom=nom, type=type_)
                for nom, type_ in zip(noms, types, strict=True)
                if nom not in existants
            ],
            batch_size=LOT,
        )
        self.porteurs = list(Organisation.objects.filter(nom__in=noms).order_by("pk"))
        self.signataires = list(Signataire.objects.filter(contrat=self.contrat).order_by("ordre"))
        secretariat, _ = Organisation.objects.get_or_create(
            nom="Secrétariat du CPER", defaults={"type": TypeOrganisation.ETAT}
        )
        mot_de_passe = make_password(MOT_DE_PASSE)
        total = self.tailles["utilisateurs"]
        repartition = [
            (Role.ADMINISTRATEUR, max(1, total // 300)),
            (Role.AGENT, total * 12 // 100),
            (Role.MEMBRE_COMITE, total * 10 // 100),
            (Role.LECTEUR, total * 8 // 100),
        ]
        repartition.append((Role.PORTEUR, total - sum(nombre for _, nombre in repartition)))
        utilisateurs = []
        for role, nombre in repartition:
            for rang in range(nombre):
                if role == Role.AGENT:
                    organisation = self.signataires[rang % len(self.signataires)].organisation
                elif role == Role.MEMBRE_COMITE:
                    organisation = rng.choice(self.signataires).organisation
                elif role == Role.PORTEUR:
                    organisation = self.porteurs[rang % len(self.porteurs)]
                else:
                    organisation = secretariat
                # The first of each role is the account the benchmark logs in with.
                identifiant = f"bench.{role}" if rang == 0 else f"bench.{role}.{rang:04d}"
                utilisateurs.append(
                    Utilisateur(
                        username=identifiant,
                        first_name=rng.choice(PRENOMS),
                        last_name=rng.choice(NOMS),
                        email=f"{identifiant}@exemple.invalid",
                        password=mot_de_passe,
                        organisation=organisation,
                        role=role,
                        is_staff=role == Role.ADMINISTRATEUR,
                    )
                )
        # The benchmark's agent acts for the Région, which funds the most lines.
        Utilisateur.objects.bulk_create(utilisateurs, batch_size=LOT)
        region = next(s for s in self.signataires if s.code == "region")
        Utilisateur.objects.filter(username="bench.agent").update(organisation=region.organisation)
        self.par_role = {
            role: list(Utilisateur.objects.filter(role=role, username__startswith="bench."))
            for role, _ in repartition
        }
        self.administrateur = Utilisateur.objects.get(username="bench.administrateur")

    # --- Dossiers -------------------------------------------------------------------------
    def _communes(self, projet, departements):
        """Three dossiers in four name one to four communes of their départements (the
        territory pages split them); the others none (held at département or regional level)."""
        rng = self.rng_communes
        if rng.random() >= 0.75:
            return []
        ref = referentiel()
        codes = [c for d in departements for c in ref.departements[d.code_insee].communes]
        return [
            CommuneProjet(projet_id=projet.pk, code_insee=code, nom=ref.communes[code].nom)
            for code in rng.sample(codes, rng.choice((1, 1, 2, 3, 4)))
        ]

    def _dossiers(self):
        rng = self.rng
        mesures = list(
            Noeud.objects.filter(contrat=self.contrat, niveau__gt=Niveau.AXE).order_by("position")
        )
        departements = list(Departement.objects.order_by("code_insee"))
        statuts, poids = zip(*STATUTS, strict=True)
        porteurs_utilisateurs = {}
        for utilisateur in self.par_role[Role.PORTEUR]:
            porteurs_utilisateurs.setdefault(utilisateur.organisation_id, utilisateur)
        compteurs: dict[int, int] = {}
        projets = []
        for _ in range(self.tailles["dossiers"]):
            annee = rng.randint(2021, 2026)
            compteurs[annee] = compteurs.get(annee, 0) + 1
            statut = rng.choices(statuts, weights=poids)[0]
            organisation = rng.choice(self.porteurs)
            ville = organisation.nom.rsplit(" de ", 1)[-1]
            debut = date(annee, rng.randint(1, 12), rng.randint(1, 28))
            projets.append(
                Projet(
                    reference=f"HDF-{annee}-{compteurs[annee]:04d}",
                    titre=f"{rng.choice(ACTIONS)} {rng.choice(OBJETS)} de {ville}",
                    description="Dossier généré pour le banc de mesure.",
                    mesure=rng.choice(mesures),
                    origine=Origine.DEPOT,
                    statut=statut,
                    maitre_ouvrage=organisation,
                    contact_nom=f"{rng.choice(PRENOMS)} {rng.choice(NOMS)}",
                    contact_courriel="contact@exemple.invalid",
                    date_debut=debut,
                    date_fin=debut + timedelta(days=rng.randint(180, 1800)),
                    justification_fin_tardive="Calendrier des travaux.",
                    motif_abandon="Projet retiré par le maître d'ouvrage."
                    if statut == Statut.ABANDONNE
                    else "",
                    depose_le=None
                    if statut == Statut.BROUILLON
                    else timezone.make_aware(datetime.combine(debut, time(10))),
                    cree_par=porteurs_utilisateurs.get(organisation.pk),
                )
            )
        for projet in projets:  # `bulk_create` bypasses `save`, which writes them
            projet.recherche, projet.recherche_titre = textes_du_projet(projet)
        bulk_create_with_history(projets, Projet, batch_size=LOT, default_user=self.administrateur)
        for annee, dernier in compteurs.items():
            CompteurReference.objects.update_or_create(annee=annee, defaults={"dernier": dernier})
        self.projets = list(
            Projet.objects.filter(origine=Origine.DEPOT)
            .order_by("pk")
            .only("pk", "statut", "depose_le")
        )
        lien = Projet.departements.through
        liens = []
        communes = []
        for projet in self.projets:
            choisis = rng.sample(departements, rng.choice((1, 1, 1, 2)))
            for departement in choisis:
                liens.append(lien(projet_id=projet.pk, departement_id=departement.pk))
            communes += self._communes(projet, choisis)
        lien.objects.bulk_create(liens, batch_size=LOT)
        CommuneProjet.objects.bulk_create(communes, batch_size=LOT)
        # The search finds a dossier by its communes too: rewrite the columns of those named.
        actualiser_recherche(Projet.objects.filter(pk__in={c.projet_id for c in communes}))
        TransitionProjet.objects.bulk_create(
            [
                TransitionProjet(
                    projet_id=projet.pk,
                    action="deposer",
                    de_statut=Statut.BROUILLON,
                    vers_statut=Statut.DEPOSE,
                    par=self.administrateur,
                )
                for projet in self.projets
                if projet.statut != Statut.BROUILLON
            ],
            batch_size=LOT,
        )

    # --- Financing plans ------------------------------------------------------------------
    def _plans(self):
        rng = self.rng
        n = len(self.projets)
        # Number of plan lines per dossier: at least 2 (one CPER, own funds), the rest spread.
        nombres = [2] * n
        for _ in range(self.tailles["lignes"] - 2 * n):
            nombres[rng.randrange(n)] += 1
        # Choose the funders first, then draw the programmed amounts within each envelope.
        plans = []
        programmees: dict[int, int] = {s.pk: 0 for s in self.signataires}
        poids_signataires = [4, 4, 2, 2, 1, 1, 1, 1, 1][: len(self.signataires)]
        for projet, nombre in zip(self.projets, nombres, strict=True):
            nb_cper = max(1, min(len(self.signataires), (nombre - 1 + 1) // 2))
            cper = []
            while len(cper) < nb_cper:
                signataire = rng.choices(self.signataires, weights=poids_signataires)[0]
                if signataire not in cper:
                    cper.append(signataire)
            autres = nombre - 1 - nb_cper
            plans.append((projet, cper, autres))
            if projet.statut in PROGRAMMES:
                for signataire in cper:
                    programmees[signataire.pk] += 1
        enveloppes = {e.signataire_id: e for e in Enveloppe.objects.all()}
        budget = {
            pk: _centimes(
                (enveloppes[pk].montant - enveloppes[pk].montant_programme) * PART_ENVELOPPE
            )
            for pk in programmees
        }
        moyenne = {pk: budget[pk] // max(1, nb) for pk, nb in programmees.items()}
        sources = [
            s
            for s in SourceFinancement.values
            if s not in (SourceFinancement.FONDS_PROPRES, SourceFinancement.AUTRE_PUBLIC)
        ]
        lignes = []
        couts = []
        for projet, cper, autres in plans:
            montants_cper = []
            for signataire in cper:
                montant = max(100, int(moyenne[signataire.pk] * rng.uniform(0.3, 1.5)))
                if projet.statut in PROGRAMMES:
                    montant = max(1, min(montant, budget[signataire.pk]))
                    budget[signataire.pk] -= montant
                montants_cper.append(montant)
            total_cper = sum(montants_cper)
            cout = max(int(total_cper / rng.uniform(0.35, 0.6)), total_cper + 100 * (autres + 1))
            propres = max(1, int(cout * rng.uniform(0.2, 0.3)))
            reste = max(autres, cout - total_cper - propres)
            cout = total_cper + propres + reste
            montants_autres = _repartir(rng, reste, autres) if autres else []
            if not autres:
                propres += reste
            ordre = 0
            for signataire, montant in zip(cper, montants_cper, strict=True):
                lignes.append(
                    LignePlanFinancement(
                        projet_id=projet.pk,
                        signataire=signataire,
                        nature=NatureFinancement.CPER,
                        montant=_euros(montant),
                        ordre=ordre,
                    )
                )
                ordre += 1
            for montant in montants_autres:
                lignes.append(
                    LignePlanFinancement(
                        projet_id=projet.pk,
                        source=rng.choice(sources),
                        nature=rng.choice(
                            (NatureFinancement.HORS_CPER, NatureFinancement.VALORISE)
                        ),
                        montant=_euros(montant),
                        ordre=ordre,
                    )
                )
                ordre += 1
            lignes.append(
                LignePlanFinancement(
                    projet_id=projet.pk,
                    source=SourceFinancement.FONDS_PROPRES,
                    nature=NatureFinancement.HORS_CPER,
                    montant=_euros(propres),
                    ordre=ordre,
                )
            )
            couts.append(Projet(pk=projet.pk, cout_total_ht=_euros(cout)))
        LignePlanFinancement.objects.bulk_create(lignes, batch_size=LOT)
        Projet.objects.bulk_update(couts, ["cout_total_ht"], batch_size=LOT)

    # --- Ledger: programmed lines, commitments, payments ----------------------------------
    def _registre(self):
        rng = self.rng
        statuts = {p.pk: p.statut for p in self.projets}
        plan = (
            LignePlanFinancement.objects.filter(
                nature=NatureFinancement.CPER, projet__origine=Origine.DEPOT
            )
            .select_related("projet")
            .order_by("pk")
        )
        programmees = [
            LigneProgrammee(
                ligne_plan=ligne,
                projet_id=ligne.projet_id,
                signataire_id=ligne.signataire_id,
                noeud_id=ligne.projet.mesure_id,
                montant_programme=ligne.montant,
                par=self.administrateur,
            )
            for ligne in plan
            if statuts[ligne.projet_id] in PROGRAMMES
        ]
        _par_lots(LigneProgrammee, programmees)
        # Programmed some weeks after the filing (never later than today); a commitment follows
        # the programming of its line, as the ledger requires of any other writer.
        aujourd_hui = timezone.localdate()
        programmation = {
            p.pk: min(timezone.localdate(p.depose_le) + DELAI_PROGRAMMATION, aujourd_hui)
            for p in self.projets
            if p.depose_le is not None
        }
        LigneProgrammee.objects.filter(projet__origine=Origine.DEPOT).update(
            programme_le=Least(
                ExpressionWrapper(
                    Subquery(Projet.objects.filter(pk=OuterRef("projet_id")).values("depose_le"))
                    + DELAI_PROGRAMMATION,
                    output_field=DateTimeField(),
                ),
                Now(),
            )
        )
        lignes = list(
            LigneProgrammee.objects.filter(projet__origine=Origine.DEPOT)
            .order_by("pk")
            .values_list("pk", "projet_id", "signataire_id", "montant_programme")
        )
        if not lignes:
            return
        # How many commitments each line gets; a soldé dossier's lines are fully committed.
        nombres = [0] * len(lignes)
        for _ in range(self.tailles["engagements"]):
            nombres[rng.randrange(len(lignes))] += 1
        agents = self.par_role[Role.AGENT]
        engagements = []
        for (pk, projet_id, signataire_id, programme), nombre in zip(lignes, nombres, strict=True):
            if not nombre:
                continue
            part = 1.0 if statuts[projet_id] == Statut.SOLDE else rng.uniform(0.2, 0.95)
            total = min(_centimes(programme), max(nombre, int(_centimes(programme) * part)))
            if total < 1:
                continue
            programmee_le = programmation[projet_id]
            for montant in _repartir(rng, total, nombre):
                acte = programmee_le + timedelta(
                    days=rng.randint(0, (aujourd_hui - programmee_le).days)
                )
                annee = acte.year
                engagements.append(
                    Engagement(
                        ligne_id=pk,
                        signataire_id=signataire_id,
                        date_acte=acte,
                        type_acte=rng.choice(TypeActe.values),
                        reference=f"CONV-{annee}-{len(engagements) + 1:06d}",
                        montant=_euros(montant),
                        annee_budgetaire=annee,
                        par=rng.choice(agents),
                    )
                )
        _par_lots(Engagement, engagements)
        engages = list(
            Engagement.objects.filter(ligne__projet__origine=Origine.DEPOT)
            .order_by("pk")
            .values_list("pk", "montant", "date_acte", "ligne__projet_id", "signataire_id")
        )
        nombres = [0] * len(engages)
        for _ in range(self.tailles["paiements"]):
            nombres[rng.randrange(len(engages))] += 1
        paiements = []
        for (pk, montant, date_acte, _, _), nombre in zip(engages, nombres, strict=True):
            if not nombre:
                continue
            total = max(nombre, int(_centimes(montant) * rng.uniform(0.1, 1.0)))
            total = min(total, _centimes(montant))
            for rang, part in enumerate(_repartir(rng, total, nombre)):
                paiements.append(
                    Paiement(
                        engagement_id=pk,
                        date=date_acte + timedelta(days=30 * (rang + 1)),
                        montant=_euros(part),
                        type=TypePaiement.SOLDE
                        if rang == nombre - 1 and total == _centimes(montant)
                        else TypePaiement.ACOMPTE,
                        reference=f"MANDAT-{len(paiements) + 1:07d}",
                        par=rng.choice(agents),
                    )
                )
        _par_lots(Paiement, paiements)
        journal = [
            JournalFinancier(
                type=TypeMouvement.PROGRAMMATION,
                signataire_id=signataire_id,
                projet_id=projet_id,
                montant=programme,
                par=self.administrateur,
            )
            for _, projet_id, signataire_id, programme in lignes
        ]
        journal += [
            JournalFinancier(
                type=TypeMouvement.ENGAGEMENT,
                signataire_id=signataire_id,
                projet_id=projet_id,
                montant=montant,
                details={"engagement": pk},
                par=self.administrateur,
            )
            for pk, montant, _, projet_id, signataire_id in engages
        ]
        JournalFinancier.objects.bulk_create(journal, batch_size=LOT)

    # --- Governance: members, sessions, agenda, attendance, votes, decisions --------------
    def _gouvernance(self):
        rng = self.rng
        comites = list(Comite.objects.order_by("ordre", "pk"))
        if not comites:
            return
        membres_possibles = self.par_role[Role.MEMBRE_COMITE] + self.par_role[Role.AGENT][:50]
        debut = date(2022, 1, 1)
        membres = []
        for rang, comite in enumerate(comites):
            choisis = rng.sample(membres_possibles, min(14, len(membres_possibles)))
            if rang == 0:  # the benchmark's member sits on the general committee
                benchmark = next(
                    u for u in membres_possibles if u.username == "bench.membre_comite"
                )
                choisis = [benchmark, *[u for u in choisis if u != benchmark][:13]]
            roles = [RoleMembre.PRESIDENT, RoleMembre.SECRETARIAT, RoleMembre.ASSOCIE]
            for position, utilisateur in enumerate(choisis):
                membres.append(
                    Membre(
                        comite=comite,
                        utilisateur=utilisateur,
                        organisation_id=utilisateur.organisation_id,
                        role=roles[position - 1] if 1 <= position <= 3 else RoleMembre.VOTANT,
                        debut=debut,
                    )
                )
        Membre.objects.bulk_create(membres, batch_size=LOT)
        par_comite: dict[int, list[Membre]] = {}
        for membre in Membre.objects.filter(debut=debut).order_by("pk"):
            par_comite.setdefault(membre.comite_id, []).append(membre)
        candidats = [p.pk for p in self.projets if p.statut not in (Statut.BROUILLON,)]
        rng.shuffle(candidats)
        total = self.tailles["seances"]
        seances = []
        for rang in range(total):
            comite = comites[rang % len(comites)]
            jour = debut + timedelta(days=int(rang * 1600 / total))
            moment = timezone.make_aware(datetime.combine(jour, time(14)))
            etat = EtatSeance.CLOSE if rang < total - 2 else EtatSeance.PLANIFIEE
            seances.append(
                Seance(
                    comite=comite,
                    date=moment,
                    lieu=f"Hôtel de Région, salle {rang % 12 + 1}",
                    etat=etat,
                    convoquee_le=moment - timedelta(days=15),
                    ouverte_le=moment if etat == EtatSeance.CLOSE else None,
                    close_le=moment + timedelta(hours=2) if etat == EtatSeance.CLOSE else None,
                    votants_attendus=11 if etat == EtatSeance.CLOSE else None,
                    votants_presents=0 if etat == EtatSeance.CLOSE else None,
                    cree_par=self.administrateur,
                )
            )
        Seance.objects.bulk_create(seances, batch_size=LOT)
        points, presences = [], []
        for seance in seances:
            for ordre in range(1, 11):
                if not candidats:
                    break
                points.append(
                    PointOrdreDuJour(seance=seance, projet_id=candidats.pop(), ordre=ordre)
                )
            membres_seance = par_comite[seance.comite_id]
            for membre in membres_seance:
                statut = rng.choices(
                    [StatutPresence.PRESENT, StatutPresence.EXCUSE], weights=[85, 15]
                )[0]
                presences.append(Presence(seance=seance, membre=membre, statut=statut))
        PointOrdreDuJour.objects.bulk_create(points, batch_size=LOT)
        Presence.objects.bulk_create(presences, batch_size=LOT)
        presents: dict[int, list[Membre]] = {}
        for presence in presences:
            if presence.statut == StatutPresence.PRESENT and presence.membre.role in ROLES_VOTANTS:
                presents.setdefault(presence.seance.pk, []).append(presence.membre)
        votes, decisions = [], []
        for point in points:
            if point.seance.etat != EtatSeance.CLOSE:
                continue
            compte = dict.fromkeys(ChoixVote.values, 0)
            for membre in presents.get(point.seance.pk, []):
                choix = rng.choices(ChoixVote.values, weights=[70, 15, 15])[0]
                compte[choix] += 1
                votes.append(Vote(point=point, membre=membre, exprime_par=membre, choix=choix))
            resultat = (
                Resultat.RETENU
                if compte["pour"] > compte["contre"]
                else Resultat.AJOURNE
                if compte["pour"] == compte["contre"]
                else Resultat.REJETE
            )
            decisions.append(
                Decision(
                    point=point,
                    resultat=resultat,
                    pour=compte["pour"],
                    contre=compte["contre"],
                    abstention=compte["abstention"],
                    quorum_atteint=True,
                    motif="Majorité simple des suffrages exprimés.",
                )
            )
        Vote.objects.bulk_create(votes, batch_size=LOT)
        Decision.objects.bulk_create(decisions, batch_size=LOT)
        for seance in seances:
            if seance.etat == EtatSeance.CLOSE:
                seance.votants_presents = len(presents.get(seance.pk, []))
        Seance.objects.bulk_update(seances, ["votants_presents"], batch_size=LOT)
