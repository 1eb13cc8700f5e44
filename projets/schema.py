"""The dossier's input, described once: every field a form or the API may send.

Each `Champ` names the column it fills, its kind, its French label (the form's) and its
descriptions (the form's help text, the API's). The form (`projets.forms.ProjetForm`), the
API's input serializer (`projets.api.ProjetEntreeSerializer`), the values a stored dossier
gives them back (`valeurs_enregistrees`), what they hand to the services
(`projets.services.DonneesProjet`) and the services' write of the dossier's own columns are
all built from `CHAMPS`. Adding a plain column to the dossier therefore touches the model, its
migration, this list and the form's template; `tests/projets/test_schema.py` fails when a
form or a serializer built by hand leaves it behind (`ecarts`).

Types, lengths, choices, validators and "blank/null" come from the model column itself; the
schema only says what the model cannot: labels for people, descriptions for API clients, and
how the field is keyed (a measure by its code, a département by its INSEE code).
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from django import forms
from django.db import models

from axes.models import Noeud
from comptes.models import Organisation
from projets.models import Projet

# What the form appends to the label of a field required at filing (« Description * »).
MARQUE_OBLIGATOIRE = " *"


class Genre(StrEnum):
    SIMPLE = "simple"  # a column of the dossier, copied as is
    CLE = "cle"  # a foreign key of the dossier
    PLUSIEURS = "plusieurs"  # a many-to-many relation of the dossier
    LISTE = "liste"  # a nested list of rows (communes, financing plan, phases)


@dataclass(frozen=True)
class Champ:
    """One input field of the dossier."""

    nom: str
    genre: Genre
    libelle: str  # the form's label
    description: str  # the API's description (OpenAPI), a sentence ending with a full stop
    aide: str = ""  # the form's help text
    # The column it fills, as `field` of `modele`; `modele=None`: a nested list of rows.
    colonne: str | None = None
    modele: type[models.Model] | None = Projet
    # False: the services derive the column from this input by a rule (maître d'ouvrage).
    copie: bool = True
    # Relations: the field by which the API names a row ("pk" for its identifier), and the
    # rows that may be chosen (every row of the related model when None).
    cle: str = "pk"
    choix: Callable[[], models.QuerySet] | None = None
    rangees: int = 2  # height of a text area in the form
    message_absent: str = ""  # the form's message when a required field is left empty
    masque_au_porteur: bool = False  # a porteur files for its own organisation
    # In the API's output: shown (with `description_sortie`, when it says it differently).
    sortie: bool = False
    description_sortie: str = ""

    @property
    def colonne_modele(self) -> models.Field | None:
        """The model field this input fills (or is checked against), if any."""
        if self.modele is None:
            return None
        champ = self.modele._meta.get_field(self.colonne or self.nom)
        if not isinstance(champ, models.Field):
            raise TypeError(f"{self.nom} : « {champ.name} » n'est pas une colonne du modèle.")
        return champ

    @property
    def sur_le_dossier(self) -> bool:
        """Stored on the dossier itself (a column or a relation of `Projet`)."""
        return self.modele is Projet and self.genre is not Genre.LISTE

    @property
    def obligatoire(self) -> bool:
        """Required when its column of the dossier may not be left blank (an input for
        another row, the new maître d'ouvrage, never is: the services decide)."""
        champ = self.colonne_modele
        return self.modele is Projet and champ is not None and not champ.blank

    @property
    def aide_sortie(self) -> str:
        return self.description_sortie or self.description

    def defaut(self) -> object:
        """The value an absent input stands for: empty text, no date, no row."""
        if self.genre in (Genre.PLUSIEURS, Genre.LISTE):
            return []
        champ = self.colonne_modele
        if champ is None or champ.null or champ.is_relation:
            return None
        return ""


def _principe(nom: str, libelle: str, court: str) -> list[Champ]:
    """A cross-cutting principle of the contract: the applicant's rating, then why."""
    return [
        Champ(nom, Genre.SIMPLE, libelle, f"Appréciation du porteur : {court}.", sortie=True),
        Champ(
            f"{nom}_justification",
            Genre.SIMPLE,
            f"Justification ({court})",
            f"Justification ({court}).",
            sortie=True,
        ),
    ]


CHAMPS: list[Champ] = [
    Champ(
        "titre",
        Genre.SIMPLE,
        "Titre du projet",
        "Titre du projet.",
        sortie=True,
        description_sortie="Titre.",
    ),
    Champ(
        "description",
        Genre.SIMPLE,
        "Description",
        "Description du projet.",
        rangees=5,
        sortie=True,
    ),
    Champ(
        "mesure",
        Genre.CLE,
        "Mesure du contrat",
        "Code du sous-axe, de la mesure ou de la sous-mesure (ex. IV.2.1.a).",
        aide="Sous-axe, mesure ou sous-mesure à laquelle le projet répond.",
        cle="code",
        choix=lambda: Noeud.objects.numerotes().order_by("position"),
        message_absent="Choisissez la mesure du contrat à laquelle répond le projet.",
    ),
    Champ(
        "maitre_ouvrage",
        Genre.CLE,
        "Maître d'ouvrage",
        "Identifiant de l'organisation maître d'ouvrage (agents et administrateurs).",
        aide="Choisissez une organisation connue, ou indiquez-en une nouvelle ci-dessous.",
        copie=False,
        masque_au_porteur=True,
    ),
    Champ(
        "maitre_ouvrage_nom",
        Genre.SIMPLE,
        "Nouveau maître d'ouvrage",
        "Nom du maître d'ouvrage, s'il n'est pas encore une organisation connue.",
        colonne="nom",
        modele=Organisation,
        copie=False,
        masque_au_porteur=True,
    ),
    Champ(
        "maitre_ouvrage_siret",
        Genre.SIMPLE,
        "SIRET du nouveau maître d'ouvrage",
        "SIRET du maître d'ouvrage (14 chiffres, clé vérifiée).",
        aide="Facultatif : 14 chiffres, vérifiés.",
        colonne="siret",
        modele=Organisation,
        copie=False,
        masque_au_porteur=True,
    ),
    Champ(
        "contact_nom",
        Genre.SIMPLE,
        "Nom du contact",
        "Nom de la personne à contacter (donnée personnelle, jamais publiée).",
    ),
    Champ(
        "contact_courriel",
        Genre.SIMPLE,
        "Courriel du contact",
        "Courriel du contact (jamais publié).",
    ),
    Champ(
        "contact_telephone",
        Genre.SIMPLE,
        "Téléphone du contact",
        "Téléphone du contact (jamais publié).",
    ),
    Champ(
        "departements",
        Genre.PLUSIEURS,
        "Départements",
        "Codes INSEE des départements concernés (02, 59, 60, 62, 80).",
        cle="code_insee",
    ),
    Champ(
        "territoires_speciaux",
        Genre.PLUSIEURS,
        "Territoires spécifiques du contrat",
        "Codes des territoires spécifiques du contrat.",
        cle="code",
    ),
    Champ(
        "communes",
        Genre.LISTE,
        "Communes",
        "Communes concernées (code INSEE et nom).",
        aide="Une commune par ligne : code INSEE puis nom, par exemple « 59350 Lille ».",
        modele=None,
    ),
    Champ(
        "date_debut",
        Genre.SIMPLE,
        "Date de début",
        "Date de début (AAAA-MM-JJ).",
        sortie=True,
    ),
    Champ("date_fin", Genre.SIMPLE, "Date de fin", "Date de fin (AAAA-MM-JJ).", sortie=True),
    Champ(
        "justification_fin_tardive",
        Genre.SIMPLE,
        "Justification d'une fin après le 31 décembre 2027",
        "Justification d'une fin après le 31 décembre 2027.",
        sortie=True,
    ),
    Champ(
        "cout_total_ht",
        Genre.SIMPLE,
        "Coût total éligible HT (€)",
        "Coût total éligible HT, en euros (chaîne décimale).",
        aide="En euros, par exemple 1 250 000,00.",
        sortie=True,
        description_sortie="Coût total éligible HT, en euros.",
    ),
    *_principe("decarbonation", "Décarbonation", "décarbonation"),
    *_principe("impact_environnemental", "Impact environnemental", "impact environnemental"),
    *_principe(
        "egalite_femmes_hommes", "Égalité entre les femmes et les hommes", "égalité femmes-hommes"
    ),
    Champ(
        "lignes",
        Genre.LISTE,
        "Plan de financement",
        "Plan de financement : remplace toutes les lignes existantes.",
        modele=None,
    ),
    Champ(
        "phases",
        Genre.LISTE,
        "Calendrier par phases",
        "Calendrier par phases : remplace toutes les phases existantes.",
        modele=None,
    ),
]


def champ(nom: str) -> Champ:
    """The schema's entry for one input field."""
    for entree in CHAMPS:
        if entree.nom == nom:
            return entree
    raise KeyError(nom)


def du_genre(*genres: Genre) -> list[Champ]:
    return [c for c in CHAMPS if c.genre in genres]


def copies() -> list[Champ]:
    """The dossier's own columns the services write as they are given (simple and keys)."""
    return [c for c in CHAMPS if c.sur_le_dossier and c.copie and c.genre is not Genre.PLUSIEURS]


def valeurs_enregistrees(projet: Projet, *, identifiants: bool = False) -> dict[str, object]:
    """The stored value of each input kept on the dossier itself (columns, keys, relations),
    so that a form or a PATCH starts from it; `identifiants`: keys as ids, not rows. The
    nested lists are left to each side, which shows them in its own format."""
    valeurs: dict[str, object] = {}
    for entree in CHAMPS:
        if not entree.sur_le_dossier:
            continue
        colonne = entree.colonne or entree.nom
        if entree.genre is Genre.PLUSIEURS:
            valeurs[entree.nom] = list(getattr(projet, colonne).all())
        elif entree.genre is Genre.CLE and identifiants:
            valeurs[entree.nom] = getattr(projet, f"{colonne}_id")
        else:
            valeurs[entree.nom] = getattr(projet, colonne)
    return valeurs


# --- Consistency ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Decrit:
    """How one side (a form, a serializer) describes a field: what the check compares."""

    libelle: str
    aide: str
    obligatoire: bool


def ecarts(
    cote: str,
    decrits: Mapping[str, Decrit],
    attendus: Iterable[Champ],
    *,
    libelle: Callable[[Champ], str] | None = None,
    aide: Callable[[Champ], str] | None = None,
    obligatoire: bool = True,
) -> list[str]:
    """Every disagreement between one side and the schema, as sentences naming the side and
    the field: a field missing or extra, another label, help text or required flag."""
    attendus = list(attendus)
    noms = {c.nom for c in attendus}
    messages = [
        f"{cote} : le champ « {c.nom} » du schéma manque (ajoutez-le ou dérivez {cote} du schéma)."
        for c in attendus
        if c.nom not in decrits
    ]
    messages += [
        f"{cote} : le champ « {nom} » n'est pas dans le schéma des dossiers (projets.schema)."
        for nom in decrits
        if nom not in noms
    ]
    for c in attendus:
        if c.nom not in decrits:
            continue
        d = decrits[c.nom]
        if libelle is not None and d.libelle != libelle(c):
            messages.append(
                f"{cote} : « {c.nom} » a le libellé « {d.libelle} » au lieu de « {libelle(c)} »."
            )
        if aide is not None and d.aide != aide(c):
            messages.append(f"{cote} : « {c.nom} » a l'aide « {d.aide} » au lieu de « {aide(c)} ».")
        if obligatoire and d.obligatoire != c.obligatoire:
            attendu = "obligatoire" if c.obligatoire else "facultatif"
            messages.append(f"{cote} : « {c.nom} » devrait être {attendu}.")
    return messages


def decrits_formulaire(classe: type[forms.BaseForm]) -> dict[str, Decrit]:
    """What a Django form class says of each of its fields."""
    return {
        nom: Decrit(
            str(f.label or "").removesuffix(MARQUE_OBLIGATOIRE),
            str(f.help_text or ""),
            bool(f.required),
        )
        for nom, f in classe().fields.items()
    }


def decrits_serializer(classe: type) -> dict[str, Decrit]:
    """What a DRF serializer class says of each of its fields."""
    return {
        nom: Decrit(str(f.label or ""), str(f.help_text or ""), bool(f.required))
        for nom, f in classe().fields.items()
    }


def ecarts_du_dossier(
    *,
    formulaire: type[forms.BaseForm],
    formsets: Iterable[str],
    entree: type,
    sortie: type,
    donnees: type,
) -> list[str]:
    """Every way the dossier's form (and its formsets), the API's input and output and the
    services' input disagree with the schema; empty when they all follow it."""
    formsets = set(formsets)
    messages = [
        f"{formulaire.__name__} : le formset « {nom} » n'est pas une liste du schéma."
        for nom in sorted(formsets - {c.nom for c in du_genre(Genre.LISTE)})
    ]
    messages += ecarts(
        formulaire.__name__,
        decrits_formulaire(formulaire),
        [c for c in CHAMPS if c.nom not in formsets],
        libelle=lambda c: c.libelle,
        aide=lambda c: c.aide,
    )
    messages += ecarts(
        entree.__name__, decrits_serializer(entree), CHAMPS, aide=lambda c: c.description
    )
    publies = [c for c in CHAMPS if c.sortie]
    messages += ecarts(
        sortie.__name__,
        {n: d for n, d in decrits_serializer(sortie).items() if n in {c.nom for c in publies}},
        publies,
        aide=lambda c: c.aide_sortie,
        obligatoire=False,
    )
    return messages + _ecarts_donnees(donnees)


def _ecarts_donnees(classe: type) -> list[str]:
    noms = {c.nom for c in CHAMPS}
    messages = [
        f"{classe.__name__} : « {nom} » est typé mais n'est pas dans le schéma."
        for nom in getattr(classe, "__annotations__", {})
        if nom not in noms
    ]
    try:
        exemple = classe(**{c.nom: c.defaut() for c in CHAMPS})
    except TypeError as erreur:
        return [*messages, f"{classe.__name__} n'accepte pas les champs du schéma : {erreur}"]
    messages += [
        f"{classe.__name__} : le champ « {nom} » du schéma manque."
        for nom in sorted(noms - set(vars(exemple)))
    ]
    return messages
