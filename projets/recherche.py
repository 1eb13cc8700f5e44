"""The text search of the dossier list (page, API and exports), as a French user expects it.

Each dossier keeps two columns written on save (`Projet.save`) and whenever what they repeat
changes: its communes (`projets.services`), its maître d'ouvrage's name or its measure's title
(the receivers below); the bulk writers call `actualiser_recherche`.

- `recherche`: the words of the reference, title, maître d'ouvrage (name, acronym, the
  contract's wording), communes (names and INSEE codes) and measure (code and title);
- `recherche_titre`: the words of the title alone, for the ranking.

Words are lower-case, without accents, split on hyphens and apostrophes (`socle.recherche`).
A query matches a dossier when each of its words begins one of the dossier's words (« equip »
finds « Équipement », « V.2.1 » finds V.2.1 and V.2.1.a but not IV.2.1); the small words
(« de », « l' »…) only count for the ranking, unless nothing else is typed. The results are
ranked: the reference typed (or its beginning) first, then the titles that contain the words
in that order, then the titles that contain them all, then the rest; the reference breaks
ties. On PostgreSQL a GIN trigram index (`pg_trgm`, migration `projets.0006`) serves the
`LIKE '% mot%'`; the embedded SQLite reads the column without an index, with the same results.
"""

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When

from socle.recherche import mots, normaliser

LOT = 2000
MOTS_VIDES = frozenset(
    {"a", "au", "aux", "d", "de", "des", "du", "en", "et", "l", "la", "le", "les"}
    | {"par", "pour", "sur", "un", "une"}
)


def textes(
    *,
    reference: str,
    titre: str,
    maitre_ouvrage: Iterable[str | None],
    mesure: Iterable[str | None],
    communes: Iterable[str | None],
) -> tuple[str, str]:
    """The two search columns of a dossier, from its texts."""
    tout = normaliser(reference, titre, *maitre_ouvrage, *communes, *mesure)
    # A leading space, so that « % mot% » finds the words that begin with the word typed.
    return f" {tout}", f" {normaliser(titre)}"


def textes_du_projet(projet: Any) -> tuple[str, str]:
    """The search columns of a dossier about to be saved (its communes read from the base)."""
    from projets.models import CommuneProjet  # the model's save calls this module

    organisation = projet.maitre_ouvrage if projet.maitre_ouvrage_id else None
    mesure = projet.mesure if projet.mesure_id else None
    communes: list[str] = []
    if projet.pk is not None:
        for nom, code in CommuneProjet.objects.filter(projet_id=projet.pk).values_list(
            "nom", "code_insee"
        ):
            communes += [nom, code]
    return textes(
        reference=projet.reference,
        titre=projet.titre,
        maitre_ouvrage=(
            organisation.nom if organisation else None,
            organisation.sigle if organisation else None,
            projet.maitre_ouvrage_texte,
        ),
        mesure=(mesure.code if mesure else None, mesure.titre if mesure else None),
        communes=communes,
    )


def actualiser_recherche(projets: "QuerySet[Any]", communes: "QuerySet[Any] | None" = None) -> int:
    """Rewrite the search columns of these dossiers, in batches; the number rewritten.

    For the writers that bypass `save` (bulk creation, the communes' replacement) and for the
    migration that adds the columns (which passes its own models)."""
    if communes is None:
        from projets.models import CommuneProjet

        communes = CommuneProjet.objects.all()
    modele = projets.model
    colonnes = [
        *("pk", "reference", "titre", "maitre_ouvrage__nom", "maitre_ouvrage__sigle"),
        *("maitre_ouvrage_texte", "mesure__code", "mesure__titre"),
    ]
    identifiants = list(projets.order_by("pk").values_list("pk", flat=True))
    total = 0
    for debut in range(0, len(identifiants), LOT):
        lot = identifiants[debut : debut + LOT]
        par_projet: dict[int, list[str]] = defaultdict(list)
        for projet_id, nom, code in communes.filter(projet_id__in=lot).values_list(
            "projet_id", "nom", "code_insee"
        ):
            par_projet[projet_id] += [nom, code]
        objets = []
        for (
            pk,
            reference,
            titre,
            nom,
            sigle,
            texte,
            code,
            titre_mesure,
        ) in modele._default_manager.filter(pk__in=lot).values_list(*colonnes):
            tout, du_titre = textes(
                reference=reference,
                titre=titre,
                maitre_ouvrage=(nom, sigle, texte),
                mesure=(code, titre_mesure),
                communes=par_projet[pk],
            )
            objets.append(modele(pk=pk, recherche=tout, recherche_titre=du_titre))
        modele._default_manager.bulk_update(objets, ["recherche", "recherche_titre"])
        total += len(objets)
    return total


def rechercher(projets: "QuerySet[Any]", texte: str) -> "QuerySet[Any]":
    """The dossiers whose words contain each word of the text, ranked (`pertinence`, 0 best).

    A text without any word (only punctuation) leaves the list as it is."""
    termes = [f" {terme}" for terme in mots(texte)]
    if not termes:
        return projets
    # « de », « la », « l' »… would match every dossier: they only count for the ranking.
    filtrants = [t for t in termes if t.strip() not in MOTS_VIDES] or termes
    for terme in filtrants:
        projets = projets.filter(recherche__contains=terme)
    phrase = "".join(termes)
    pertinence = Case(
        When(recherche__startswith=phrase, then=Value(0)),  # the reference, or its beginning
        When(recherche_titre__contains=phrase, then=Value(1)),
        When(Q(*(Q(recherche_titre__contains=t) for t in filtrants)), then=Value(2)),
        default=Value(3),
        output_field=IntegerField(),
    )
    return projets.annotate(pertinence=pertinence).order_by("pertinence", "reference")


def est_classe_par_pertinence(projets: "QuerySet[Any]") -> bool:
    return "pertinence" in projets.query.annotations


def _organisation_enregistree(sender, instance, created, raw=False, **kwargs) -> None:
    """A maître d'ouvrage renamed (or its acronym changed): its dossiers' search columns."""
    if not created and not raw:
        from projets.models import Projet

        actualiser_recherche(Projet.objects.filter(maitre_ouvrage_id=instance.pk))


def _noeud_enregistre(sender, instance, created, raw=False, **kwargs) -> None:
    """A measure's code or title changed: the search columns of the dossiers under it."""
    if not created and not raw:
        from projets.models import Projet

        actualiser_recherche(Projet.objects.filter(mesure_id=instance.pk))


def brancher() -> None:
    """Connect the receivers that keep the search columns (`ProjetsConfig.ready`)."""
    from django.db.models.signals import post_save

    from axes.models import Noeud
    from comptes.models import Organisation

    post_save.connect(_organisation_enregistree, sender=Organisation, dispatch_uid="recherche-mo")
    post_save.connect(_noeud_enregistre, sender=Noeud, dispatch_uid="recherche-mesure")
