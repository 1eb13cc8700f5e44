from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import quote

from django.contrib.auth.models import AnonymousUser
from django.core.paginator import Page, Paginator
from django.db import models
from django.db.models import Count, Q, QuerySet, Window
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.dateparse import parse_date, parse_datetime

from axes.models import Contrat, Noeud
from comptes.models import Utilisateur
from projets.models import (
    EvenementPiece,
    LignePlanFinancement,
    NatureFinancement,
    Projet,
    SourceFinancement,
    Statut,
)
from projets.recherche import est_classe_par_pertinence
from projets.workflow import A_INSTRUIRE, EN_EXECUTION
from socle.montants import format_euros, format_nombre
from socle.textes import titre_court


def projets_publics(*, utilisateur: Utilisateur | AnonymousUser) -> QuerySet[Projet]:
    """The dossiers a public page (or public API) lists for this person: to an anonymous
    visitor only what is public — programmed and later, and the contract's listed operations
    (`projets.workflow.PUBLICS`) —, never a draft nor a dossier under instruction; to a
    logged-in person, also what the portal lets them see."""
    return Projet.objects.visibles_en_public_par(utilisateur)


def projets_du_noeud(*, noeud: Noeud, utilisateur: Utilisateur | AnonymousUser) -> QuerySet[Projet]:
    """Projects attached to a node or to any node below it (codes nest: `I.3` ⊃ `I.3.2.a`),
    among those the public page may show the person (`projets_publics`)."""
    return (
        projets_publics(utilisateur=utilisateur)
        .filter(Noeud.q_sous(noeud, prefixe="mesure"))
        .select_related("mesure", "maitre_ouvrage")
        .order_by("mesure__position", "reference")
    )


def projets_du_departement(
    *, code_insee: str, utilisateur: Utilisateur | AnonymousUser
) -> QuerySet[Projet]:
    """The operations and dossiers on a département, among those the public page may show the
    person (`projets_publics`), in the programme's order."""
    return (
        projets_publics(utilisateur=utilisateur)
        .filter(departements__code_insee=code_insee)
        .select_related("mesure", "maitre_ouvrage")
        .order_by("mesure__position", "reference")
    )


def projets_visibles(*, utilisateur: Utilisateur | AnonymousUser) -> QuerySet[Projet]:
    """The dossiers the person may see (a porteur: its organisation's)."""
    return Projet.objects.visibles_par(utilisateur)


def projets_pour_liste(*, utilisateur: Utilisateur | AnonymousUser) -> QuerySet[Projet]:
    """The dossiers of the list the person sees (page, API, export), with what a row shows."""
    return Projet.objects.visibles_par(utilisateur).pour_liste()


def projets_pour_la_liste_api(*, utilisateur: Utilisateur | AnonymousUser) -> QuerySet[Projet]:
    """The dossiers of the API list (the same as `projets_pour_liste`), with only the columns a
    row shows: its plan and départements are read apart, in one query each, as plain rows
    (`lignes_et_departements_de`): the per-dossier querysets of a prefetch cost more than the
    page's queries (issue 14)."""
    return (
        Projet.objects.visibles_par(utilisateur)
        .select_related("mesure", "maitre_ouvrage")
        .only(
            *("reference", "titre", "statut", "origine", "cout_total_ht"),
            *("mesure", "maitre_ouvrage", "mesure__code", "maitre_ouvrage__nom"),
        )
    )


def lignes_et_departements_de(
    projets_pk: list[int],
) -> tuple[dict[int, list[dict[str, Any]]], dict[int, list[str]]]:
    """For each dossier, its plan's lines (in the plan's order, each as a row: financeur,
    signataire's code, source, nature, montant) and the INSEE codes of its départements (in
    their order): two queries whatever the number of dossiers."""
    libelles_sources = {valeur: str(libelle) for valeur, libelle in SourceFinancement.choices}
    lignes: dict[int, list[dict[str, Any]]] = {pk: [] for pk in projets_pk}
    for projet, nom, code, source, nature, montant in (
        LignePlanFinancement.objects.filter(projet_id__in=projets_pk)
        .order_by("projet", "ordre", "pk")
        .values_list(
            "projet_id", "signataire__nom", "signataire__code", "source", "nature", "montant"
        )
    ):
        lignes[projet].append(
            {
                "financeur": nom if code is not None else libelles_sources.get(source, source),
                "signataire": code,
                "source": source,
                "nature": nature,
                "montant": montant,
            }
        )
    departements: dict[int, list[str]] = {pk: [] for pk in projets_pk}
    for projet, code_insee in (
        Projet.departements.through.objects.filter(projet_id__in=projets_pk)
        .order_by("departement__code_insee")
        .values_list("projet_id", "departement__code_insee")
    ):
        departements[projet].append(code_insee)
    return lignes, departements


def projets_pour_la_page_liste(*, utilisateur: Utilisateur | AnonymousUser) -> QuerySet[Projet]:
    """The dossiers of the list page; `lignes_de_la_liste` reads, for the page's 50, only what
    a row shows (neither the financing plan the API lists nor the long texts, issue 14)."""
    return Projet.objects.visibles_par(utilisateur)


# What a row of the list page shows, read in one query (values, not models: the page's 50
# dossiers, their measures and maîtres d'ouvrage cost no model instance to build).
COLONNES_DE_LA_LISTE = (
    *("pk", "reference", "titre", "statut", "cout_total_ht"),
    *("mesure__code", "maitre_ouvrage__nom"),
)
LIBELLES_DES_STATUTS = dict(Statut.choices)
LONGUEUR_DU_TITRE = 90


def lignes_de_la_liste(
    projets: "QuerySet[Projet]", ordre: list[int] | None = None
) -> list[dict[str, Any]]:
    """The rows of the list page, as its table prints them: each text already formatted
    (the title cut at 90 characters, the amount in euros, the départements' codes), so that the
    template writes strings only (issue 14: a page of 50 rows through the ORM's related managers
    and the template's filters cost 10 ms). Two queries: the dossiers, their départements
    (none when the page is empty). Each row keeps `pk` and `statut` for the instruction's
    state (`gouvernance`'s `instructions_de`). With `ordre` (identifiers), the rows come in
    that order."""
    adresse_liste = reverse("projets:liste")
    lignes = [
        {
            "pk": pk,
            "reference": reference,
            "adresse": f"{adresse_liste}{quote(reference)}/",
            "titre": titre_court(titre, LONGUEUR_DU_TITRE),
            "statut": statut,
            "libelle_statut": LIBELLES_DES_STATUTS.get(statut, statut),
            "cout": format_euros(cout),
            "mesure": code_mesure,
            "maitre_ouvrage": nom_maitre_ouvrage or "—",
            "departements": "",
        }
        for pk, reference, titre, statut, cout, code_mesure, nom_maitre_ouvrage in (
            projets.values_list(*COLONNES_DE_LA_LISTE)
        )
    ]
    if not lignes:
        return lignes
    if ordre is not None:
        rang = {pk: i for i, pk in enumerate(ordre)}
        lignes.sort(key=lambda ligne: rang[ligne["pk"]])
    codes: dict[int, list[str]] = {}
    for projet_id, code_insee in (
        Projet.departements.through.objects.filter(projet_id__in=[ligne["pk"] for ligne in lignes])
        .order_by("departement__code_insee")
        .values_list("projet_id", "departement__code_insee")
    ):
        codes.setdefault(projet_id, []).append(code_insee)
    for ligne in lignes:
        if departements := codes.get(ligne["pk"]):
            pluriel = "s" if len(departements) != 1 else ""
            ligne["departements"] = f" · département{pluriel} {', '.join(departements)}"
    return lignes


class _PaginationComptee(Paginator):  # type: ignore[type-arg]
    """A paginator told how many items there are (read with the page's identifiers)."""

    def __init__(self, objets: "QuerySet[Projet]", par_page: int, nombre: int) -> None:
        super().__init__(objets, par_page)
        self.__dict__["count"] = nombre  # `count` is a cached property: no COUNT query


def page_de_la_liste(
    projets: "QuerySet[Projet]", numero: Any, taille: int
) -> "tuple[Page[Projet], list[dict[str, Any]]]":
    """The page `numero` of the list (`Paginator.get_page`'s rules: not a number, the first
    page; beyond the last, the last) and its rows (`lignes_de_la_liste`).

    A text search sorts every dossier it matches (by relevance, `projets.recherche`), so its
    count and its page's identifiers are read in one pass over the trigram index (a window
    count), then the page's 50 rows by identifier: the same three queries as a count, a page and
    its départements, but the matches are read once instead of twice (issue 14). A list without
    search keeps COUNT then LIMIT, which reads 50 dossiers in the order of an index."""
    if not est_classe_par_pertinence(projets):
        page = Paginator(projets, taille).get_page(numero)
        return page, lignes_de_la_liste(page.object_list)  # type: ignore[arg-type]
    try:
        rang = int(numero) if numero is not None else 1
    except ValueError:
        rang = 1
    if rang >= 1:
        debut = (rang - 1) * taille
        trouves = list(
            projets.annotate(nombre_trouve=Window(Count("pk"))).values_list("pk", "nombre_trouve")[
                debut : debut + taille
            ]
        )
        if trouves or rang == 1:
            nombre = trouves[0][1] if trouves else 0
            page = _PaginationComptee(projets, taille, nombre).page(rang)
            identifiants = [pk for pk, _nombre in trouves]
            return page, lignes_de_la_liste(
                Projet.objects.filter(pk__in=identifiants), identifiants
            )
    # Beyond the last page (or below the first): counted, then the last page.
    page = Paginator(projets, taille).get_page(numero)
    return page, lignes_de_la_liste(page.object_list)  # type: ignore[arg-type]


def projet_pour(*, utilisateur: Utilisateur | AnonymousUser, reference: str) -> Projet:
    """The dossier if the person may see it; otherwise 404, as if it did not exist."""
    projet: Projet = get_object_or_404(
        Projet.objects.visibles_par(utilisateur).select_related(
            "mesure", "mesure__axe", "maitre_ouvrage", "cree_par"
        ),
        reference=reference,
    )
    return projet


def _valeur_lisible(champ: "models.Field[Any, Any]", valeur: Any) -> object:
    """A history value as people read it: names for relations, labels for choices, French
    dates and amounts, « oui »/« non » — never « 2026-12-01 23:13:40.486256+00:00 »."""
    modele = champ.related_model if isinstance(champ.related_model, type) else None
    if valeur is None or valeur == "":
        return "—"
    if champ.many_to_many and modele is not None:
        ids = [ligne[modele._meta.model_name] for ligne in valeur or []]
        return ", ".join(str(o) for o in modele._default_manager.filter(pk__in=ids)) or "—"
    if champ.choices:
        return dict(champ.flatchoices).get(valeur, valeur)
    if modele is not None:
        return str(modele._default_manager.filter(pk=valeur).first() or valeur)
    return _scalaire_lisible(champ, valeur)


def _scalaire_lisible(champ: "models.Field[Any, Any]", valeur: Any) -> object:
    if isinstance(champ, models.DateTimeField):
        moment = valeur if isinstance(valeur, datetime) else parse_datetime(str(valeur))
        if moment is None:
            return valeur
        if timezone.is_aware(moment):
            moment = timezone.localtime(moment)
        return date_format(moment, "j F Y à H:i")
    if isinstance(champ, models.DateField):
        jour = valeur if isinstance(valeur, date) else parse_date(str(valeur))
        return date_format(jour, "j F Y") if jour else valeur
    if isinstance(champ, models.BooleanField):
        return "oui" if valeur else "non"
    if isinstance(champ, models.DecimalField):
        montant = Decimal(str(valeur))
        return format_euros(montant) if champ.decimal_places == 2 else format_nombre(montant, 2)
    return valeur


# Historical rows are models django-simple-history builds at run time: typed `Any`.
def _precedente(versions: list[Any], rang: int, tronquee: bool) -> Any:
    """`versions[rang].prev_record` (the same row's latest version before it) read from the
    versions already fetched, newest first: a query only when the list was cut before it."""
    version = versions[rang]
    for autre in versions[rang + 1 :]:
        if autre.id == version.id and autre.history_date < version.history_date:
            return autre
    return version.prev_record if tronquee else None


def _changements(
    version: Any, modele: type[models.Model], precedente: Any
) -> list[dict[str, object]]:
    if precedente is None:
        return []
    changements = []
    for changement in version.diff_against(precedente).changes:
        champ = modele._meta.get_field(changement.field)
        if changement.field in {"modifie_le", "ordre"} or not isinstance(champ, models.Field):
            continue
        changements.append(
            {
                "champ": str(champ.verbose_name),
                "avant": _valeur_lisible(champ, changement.old),
                "apres": _valeur_lisible(champ, changement.new),
            }
        )
    return changements


def historique_projet(*, projet: Projet, limite: int = 50) -> list[dict[str, Any]]:
    """Who changed what, when, from which value, newest first: the dossier, its financing
    plan lines (the plan's history is kept line by line) and its pieces (each upload,
    replacement, withdrawal and request for more pieces is an event of its own)."""
    entrees = []
    # One version more than shown: the previous record of each version is read from the list
    # (one query per version otherwise, `prev_record`).
    versions = list(
        projet.historique.select_related("history_user").order_by("-history_date", "-history_id")[
            : limite + 1
        ]
    )
    tronquee = len(versions) > limite
    for rang, version in enumerate(versions[:limite]):
        entrees.append(
            {
                "le": version.history_date,
                "par": version.history_user,
                "type": version.get_history_type_display(),
                "motif": version.history_change_reason or "",
                "changements": _changements(version, Projet, _precedente(versions, rang, tronquee)),
                "dossier": True,
            }
        )
    lignes = LignePlanFinancement.historique.filter(projet_id=projet.pk).select_related(
        "history_user", "signataire"
    )
    versions = list(lignes.order_by("-history_date", "-history_id")[: limite + 1])
    tronquee = len(versions) > limite
    for rang, version in enumerate(versions[:limite]):
        financeur = (
            version.signataire.nom if version.signataire_id else version.get_source_display()
        )
        entrees.append(
            {
                "le": version.history_date,
                "par": version.history_user,
                "type": version.get_history_type_display(),
                "motif": f"plan de financement : {financeur}, {format_euros(version.montant)}",
                "changements": _changements(
                    version, LignePlanFinancement, _precedente(versions, rang, tronquee)
                )
                if version.history_type == "~"
                else [],
                "dossier": False,
            }
        )
    pieces = EvenementPiece.objects.filter(projet_id=projet.pk).select_related("par")
    for evenement in pieces.order_by("-le", "-pk")[:limite]:
        entrees.append(
            {
                "le": evenement.le,
                "par": evenement.par,
                "type": evenement.get_genre_display(),
                "motif": evenement.detail,
                "changements": [],
                "dossier": False,
                "seul": True,
            }
        )
    entrees.sort(key=lambda e: e["le"], reverse=True)
    return _par_evenement(entrees)[:limite]


# Rows written by one save (the dossier and its plan lines) are one event for the reader.
MEME_EVENEMENT = timedelta(seconds=2)


def _par_evenement(entrees: list[dict[str, Any]]) -> list[dict[str, Any]]:
    evenements: list[dict[str, Any]] = []
    for entree in entrees:
        dernier = evenements[-1] if evenements else None
        if (
            dernier is not None
            and dernier["par"] == entree["par"]
            and dernier["le"] - entree["le"] <= MEME_EVENEMENT
            and not (dernier["dossier"] and entree["dossier"])
            and not (dernier.get("seul") or entree.get("seul"))
        ):
            dernier["dossier"] = dernier["dossier"] or entree["dossier"]
            dernier["changements"].extend(entree["changements"])
            if entree["motif"] and entree["motif"] not in dernier["motifs"]:
                dernier["motifs"].append(entree["motif"])
            continue
        evenements.append(
            {**entree, "changements": list(entree["changements"]), "motifs": _motifs(entree)}
        )
    for evenement in evenements:
        evenement["motif"] = " ; ".join(evenement.pop("motifs"))
    return evenements


def _motifs(entree: dict[str, Any]) -> list[str]:
    return [entree["motif"]] if entree["motif"] else []


def operations_inscrites_par_departement(*, contrat: Contrat) -> dict[str, Decimal]:
    """Operations the contract names (status « inscrit au contrat »), counted per département
    they concern; an operation over several départements counts in each. One query."""
    lignes = (
        Projet.objects.publics()
        .filter(
            mesure__contrat=contrat,
            statut=Statut.INSCRIT_CONTRAT,
            departements__isnull=False,
        )
        .values("departements__code_insee")
        .annotate(nombre=Count("pk", distinct=True))
        .order_by()
    )
    return {ligne["departements__code_insee"]: Decimal(ligne["nombre"]) for ligne in lignes}


# --- What waits for each role (the dashboard, the weekly e-mail) ---------------------------


def projets_a_instruire() -> QuerySet[Projet]:
    """Dossiers deposited or under instruction, the oldest deposit first."""
    return (
        Projet.objects.filter(statut__in=A_INSTRUIRE)
        .select_related("mesure", "maitre_ouvrage")
        .order_by("depose_le")
    )


def dossiers_concernant(*, organisation_id: int) -> QuerySet[Projet]:
    """Dossiers with a CPER line of the organisation's signatory, or with no CPER line at all
    (those concern every signatory until their plan names one)."""
    avec_ligne_cper = Projet.objects.filter(lignes_financement__nature=NatureFinancement.CPER)
    return (
        Projet.objects.filter(
            Q(
                lignes_financement__nature=NatureFinancement.CPER,
                lignes_financement__signataire__organisation_id=organisation_id,
            )
            | ~Q(pk__in=avec_ligne_cper.values("pk"))
        )
        .distinct()
        .order_by("depose_le", "reference")
    )


@dataclass(frozen=True)
class DossiersAInstruire:
    deposes: list[Projet]
    en_instruction: list[Projet]


def dossiers_a_instruire_pour(*, organisation_id: int) -> DossiersAInstruire:
    """What the organisation's agents have to instruct: dossiers concerning it (see
    `dossiers_concernant`) that are filed, and those under instruction."""
    dossiers = dossiers_concernant(organisation_id=organisation_id)
    return DossiersAInstruire(
        deposes=list(dossiers.filter(statut=Statut.DEPOSE)),
        en_instruction=list(dossiers.filter(statut=Statut.EN_INSTRUCTION)),
    )


def depots_en_attente(*, avant: datetime) -> QuerySet[Projet]:
    """Dossiers « déposé » since before `avant`, nobody having started their instruction."""
    return (
        Projet.objects.filter(statut=Statut.DEPOSE, depose_le__lt=avant)
        .select_related("maitre_ouvrage")
        .order_by("depose_le")
    )


def fins_depassees(*, le: date) -> QuerySet[Projet]:
    """Dossiers still in execution whose planned end date is before `le`."""
    return Projet.objects.filter(date_fin__lt=le, statut__in=EN_EXECUTION).order_by("date_fin")


def projets_recents_de(*, utilisateur: Utilisateur) -> QuerySet[Projet]:
    """The dossiers the person may see, the last modified first."""
    return Projet.objects.visibles_par(utilisateur).select_related("mesure").order_by("-modifie_le")
