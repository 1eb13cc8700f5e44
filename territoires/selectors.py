"""All the public money on a territory: region, département, EPCI, commune, special territory.

The rules, applied the same way on every page, file and API answer (`REGLES` says them in French):

- Counted dossiers: those the person may see on a public page (`visibles_en_public_par`: an
  anonymous visitor sees the dossiers programmed and later and the operations of the contract),
  never a draft nor a rejected dossier. The plan of an abandoned dossier is no longer counted
  (« prévu »); what the ledger programmed, committed and paid on it still is.
- Where a dossier's money lies (`Rattachement`): a dossier that names at least one commune of
  the region splits each of its amounts over its communes; one that names no commune and a
  single département is held at that département's level; one that names no commune and zero
  or several départements is held at the regional level, and counted in no commune.
- The split key is equal shares (the default) or the communes' populations
  (`TERRITOIRES_CLE_REPARTITION`, a setting of the secretariat). Each amount is split to the
  cent: every part but the last is rounded down, the last (communes in INSEE code order) takes
  what is left, so that the parts add up exactly to the whole.
- An EPCI is the sum of its communes; a département is the sum of its communes plus what is held
  at its level; the region is the sum of its départements plus what is held at regional level.
  A special territory is the sum of its communes plus the dossiers attached to it (on the
  dossier) that name no commune; without a perimeter, the dossiers attached to it.
- « Prévu » is each funder's line of the financing plans; « programmé », « engagé » and « payé »
  come from the ledger (`financement`), which follows the CPER lines only.
"""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal
from functools import cached_property
from typing import Any, NamedTuple, cast

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.db.models import Q, QuerySet
from django.db.models.functions import ExtractYear
from django.http import Http404

from axes.models import Noeud, Signataire, TerritoireSpecial
from comptes.models import Role, Utilisateur
from financement.models import Engagement, LigneProgrammee, Paiement
from projets.models import (
    CommuneProjet,
    LignePlanFinancement,
    NatureFinancement,
    Projet,
    SourceFinancement,
    Statut,
    voit_tous_les_projets,
)
from socle.montants import CENTIME
from territoires.fraicheur import generation
from territoires.models import PerimetreTerritoire
from territoires.perimetres import PERIMETRES_DU_TEXTE
from territoires.referentiel import referentiel

ZERO = Decimal("0.00")
GENRES = ("prevu", "programme", "engage", "paye")
STATUTS_NON_COMPTES = (Statut.BROUILLON, Statut.REJETE)

REGION = "region"
DEPARTEMENT = "departement"
EPCI = "epci"
COMMUNE = "commune"
SPECIAL = "special"
NIVEAUX = {
    REGION: "Région",
    DEPARTEMENT: "Département",
    EPCI: "Intercommunalité (EPCI)",
    COMMUNE: "Commune",
    SPECIAL: "Territoire spécifique du contrat",
}

# The natures of a territory's money: the plan's three natures for the signatories' lines, and
# the other sources (EU funds, State grants, own funds…); private money is shown apart and is
# not in the public total.
CPER = "cper"
VALORISE = "valorise"
HORS_CPER = "hors_cper"
AUTRES = "autres_sources"
PRIVE = "prive"
NATURES = {
    CPER: "CPER",
    VALORISE: "Crédits valorisés",
    HORS_CPER: "Hors CPER (signataires)",
    AUTRES: "Autres financements publics",
    PRIVE: "Financement privé",
}
NATURES_PUBLIQUES = (CPER, VALORISE, HORS_CPER, AUTRES)
NATURES_CHOIX = list(NATURES.items())  # the API's enum (`ENUM_NAME_OVERRIDES`)

CLE_EGALE = "egale"
CLE_POPULATION = "population"
CLES = {CLE_EGALE: "parts égales", CLE_POPULATION: "au prorata de la population des communes"}

LIEU_COMMUNE = "commune"
LIEU_DEPARTEMENT = "departement"
LIEU_REGION = "region"
Lieu = tuple[str, str]


def cle_repartition() -> str:
    cle = str(getattr(settings, "TERRITOIRES_CLE_REPARTITION", CLE_EGALE))
    return cle if cle in CLES else CLE_EGALE


def regles() -> list[str]:
    """The rules in French, for the pages, the open data and the API's description."""
    return [
        "Dossiers comptés : ceux que vous pouvez consulter ; sans compte, les dossiers "
        "programmés, en cours ou soldés et les opérations inscrites au contrat. Jamais un "
        "brouillon ni un dossier rejeté ; le plan d’un dossier abandonné n’est plus compté "
        "(ce que le registre a engagé et payé l’est toujours).",
        "Un dossier qui nomme au moins une commune des Hauts-de-France répartit chacun de ses "
        f"montants entre ses communes, {CLES[cle_repartition()]} (clé de répartition : réglage "
        "fixé par le secrétariat ; parts égales par défaut).",
        "Chaque montant est réparti au centime : chaque part est arrondie au centime inférieur "
        "et la dernière commune (dans l’ordre des codes INSEE) reçoit le reste, si bien que les "
        "parts font exactement le tout.",
        "Un dossier qui ne nomme aucune commune et un seul département est tenu au niveau de ce "
        "département ; un dossier qui ne nomme aucune commune et aucun ou plusieurs départements "
        "est tenu au niveau régional et n’est compté dans aucune commune.",
        "Une intercommunalité est la somme de ses communes ; un département, la somme de ses "
        "communes et de ce qui est tenu à son niveau ; la région, la somme des départements et "
        "de ce qui est tenu au niveau régional.",
        "Un territoire spécifique du contrat est la somme de ses communes et des dossiers qui lui "
        "sont rattachés sans nommer de commune ; sans périmètre, des dossiers qui lui sont "
        "rattachés.",
        "« Prévu » : les lignes des plans de financement de chaque financeur ; « programmé », "
        "« engagé », « payé » : le registre du portail, qui suit les lignes CPER des "
        "signataires. Une commune hors des Hauts-de-France n’est pas comptée.",
    ]


# --- Amounts -------------------------------------------------------------------------------
@dataclass
class Montants:
    prevu: Decimal = ZERO
    programme: Decimal = ZERO
    engage: Decimal = ZERO
    paye: Decimal = ZERO

    def ajouter(self, genre: str, montant: Decimal) -> None:
        setattr(self, genre, getattr(self, genre) + montant)

    def plus(self, autre: "Montants") -> "Montants":
        return Montants(*(getattr(self, g) + getattr(autre, g) for g in GENRES))

    @property
    def vide(self) -> bool:
        return not any(getattr(self, g) for g in GENRES)

    def en_dict(self) -> dict[str, Decimal]:
        return {g: getattr(self, g) for g in GENRES}


def repartir(montant: Decimal, poids: Sequence[Decimal]) -> list[Decimal]:
    """`montant` split by `poids` to the cent: each part but the last is rounded down, the last
    takes the rest, so the parts add up exactly to `montant`. Zero weights all: equal parts."""
    if len(poids) <= 1:
        return [montant] * len(poids)
    if all(p == poids[0] for p in poids) and poids[0] > 0:
        # Equal weights: `montant * p / total` is `montant / n` for every part but the last.
        part = (montant / len(poids)).quantize(CENTIME, rounding=ROUND_DOWN)
        return [part] * (len(poids) - 1) + [montant - part * (len(poids) - 1)]
    total = sum(poids, Decimal(0))
    if total <= 0:
        poids = [Decimal(1)] * len(poids)
        total = Decimal(len(poids))
    parts = [(montant * p / total).quantize(CENTIME, rounding=ROUND_DOWN) for p in poids[:-1]]
    parts.append(montant - sum(parts, ZERO))
    return parts


# --- Where each dossier's money lies ---------------------------------------------------------
@dataclass(frozen=True)
class Rattachement:
    niveau: str  # LIEU_COMMUNE, LIEU_DEPARTEMENT or LIEU_REGION
    communes: tuple[str, ...] = ()
    poids: tuple[Decimal, ...] = ()
    departement: str = ""
    hors_referentiel: tuple[str, ...] = ()

    @cached_property
    def lieux(self) -> list[Lieu]:
        if self.niveau == LIEU_COMMUNE:
            return [(LIEU_COMMUNE, code) for code in self.communes]
        if self.niveau == LIEU_DEPARTEMENT:
            return [(LIEU_DEPARTEMENT, self.departement)]
        return [(LIEU_REGION, referentiel().region_code)]

    def parts(self, montant: Decimal) -> list[tuple[Lieu, Decimal]]:
        lieux = self.lieux
        if len(lieux) == 1:
            return [(lieux[0], montant)]
        return list(zip(lieux, repartir(montant, self.poids), strict=True))

    @property
    def libelle(self) -> str:
        if self.niveau == LIEU_COMMUNE:
            n = len(self.communes)
            return (
                "1 commune" if n == 1 else f"réparti entre {n} communes ({CLES[cle_repartition()]})"
            )
        if self.niveau == LIEU_DEPARTEMENT:
            return "tenu au niveau du département"
        return "tenu au niveau régional"


def rattachements(projets: QuerySet[Projet]) -> dict[int, Rattachement]:
    """Where the money of each dossier of `projets` lies (two queries)."""
    ref = referentiel()
    par_population = cle_repartition() == CLE_POPULATION
    communes: dict[int, list[str]] = {}
    for projet_id, code in (
        CommuneProjet.objects.filter(projet__in=projets)
        .order_by()
        .values_list("projet_id", "code_insee")
    ):
        communes.setdefault(projet_id, []).append(code)
    departements: dict[int, set[str]] = {}
    for projet_id, code in (
        Projet.departements.through.objects.filter(projet__in=projets)
        .order_by()
        .values_list("projet_id", "departement__code_insee")
    ):
        departements.setdefault(projet_id, set()).add(code)
    resultat = {}
    for projet_id in projets.order_by().values_list("pk", flat=True):
        codes = sorted(set(communes.get(projet_id, [])))
        connues = tuple(c for c in codes if c in ref.communes)
        hors = tuple(c for c in codes if c not in ref.communes)
        deps = departements.get(projet_id, set())
        if connues:
            poids = tuple(
                Decimal(ref.communes[c].population) if par_population else Decimal(1)
                for c in connues
            )
            resultat[projet_id] = Rattachement(
                LIEU_COMMUNE, communes=connues, poids=poids, hors_referentiel=hors
            )
        elif len(deps) == 1 and next(iter(deps)) in ref.departements:
            resultat[projet_id] = Rattachement(
                LIEU_DEPARTEMENT, departement=next(iter(deps)), hors_referentiel=hors
            )
        else:
            resultat[projet_id] = Rattachement(LIEU_REGION, hors_referentiel=hors)
    return resultat


# --- The money, line by line -----------------------------------------------------------------
@dataclass(frozen=True)
class Atome:
    """One amount of one dossier: a plan line (prévu) or a row of the ledger."""

    projet_id: int
    genre: str
    nature: str
    financeur: str
    mesure: str
    annee: int | None
    montant: Decimal


def _nature(nature: str, signataire: str | None, source: str) -> str:
    if signataire:
        natures: dict[str, str] = {
            str(NatureFinancement.CPER): CPER,
            str(NatureFinancement.VALORISE): VALORISE,
        }
        return natures.get(nature, HORS_CPER)
    return PRIVE if source == SourceFinancement.PRIVE else AUTRES


def atomes(projets: QuerySet[Projet]) -> list[Atome]:
    """Every amount of `projets` (four queries): plan lines, programmed lines, commitments by
    budget year, payments by calendar year."""
    resultat = [
        Atome(pid, "prevu", _nature(nature, sig, source), sig or source, mesure, None, montant)
        for pid, nature, sig, source, mesure, montant in LignePlanFinancement.objects.filter(
            projet__in=projets.exclude(statut=Statut.ABANDONNE)
        )
        .order_by()
        .values_list(
            "projet_id", "nature", "signataire__code", "source", "projet__mesure__code", "montant"
        )
    ]
    resultat += [
        Atome(pid, "programme", CPER, sig, mesure, annee, montant)
        for pid, sig, mesure, annee, montant in LigneProgrammee.objects.filter(projet__in=projets)
        .annotate(annee=ExtractYear("programme_le"))
        .order_by()
        .values_list("projet_id", "signataire__code", "noeud__code", "annee", "montant_programme")
    ]
    resultat += [
        Atome(pid, "engage", CPER, sig, mesure, annee, montant)
        for pid, sig, mesure, annee, montant in Engagement.objects.filter(ligne__projet__in=projets)
        .order_by()
        .values_list(
            "ligne__projet_id",
            "ligne__signataire__code",
            "ligne__noeud__code",
            "annee_budgetaire",
            "montant",
        )
    ]
    resultat += [
        Atome(pid, "paye", CPER, sig, mesure, annee, montant)
        for pid, sig, mesure, annee, montant in Paiement.objects.filter(
            engagement__ligne__projet__in=projets
        )
        .annotate(annee=ExtractYear("date"))
        .order_by()
        .values_list(
            "engagement__ligne__projet_id",
            "engagement__ligne__signataire__code",
            "engagement__ligne__noeud__code",
            "annee",
            "montant",
        )
    ]
    return resultat


def projets_comptes(utilisateur: Utilisateur | AnonymousUser) -> QuerySet[Projet]:
    """The dossiers whose money a territory page counts for this person."""
    return Projet.objects.visibles_en_public_par(utilisateur).exclude(
        statut__in=STATUTS_NON_COMPTES
    )


# --- Territories ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Territoire:
    niveau: str
    code: str
    nom: str
    population: int | None
    # The communes it covers (None: the whole region; empty: no perimeter fixed).
    communes: frozenset[str] | None
    departement: str = ""
    # A special territory: the dossiers attached to it, and where its perimeter comes from.
    territoire_special_id: int | None = None
    perimetre_source: str = ""

    @property
    def libelle_niveau(self) -> str:
        return NIVEAUX[self.niveau]

    @property
    def cle(self) -> str:
        """`niveau-code`, as `?avec=` and the open data name it."""
        return f"{self.niveau}-{self.code}"

    def contient(self, lieu: Lieu, projet_id: int, rattaches: frozenset[int]) -> bool:
        genre, code = lieu
        if self.niveau == REGION:
            return True
        if self.niveau == SPECIAL:
            if not self.communes:
                return projet_id in rattaches
            if genre == LIEU_COMMUNE:
                return code in self.communes
            return projet_id in rattaches
        if genre == LIEU_COMMUNE:
            return self.communes is not None and code in self.communes
        return self.niveau == DEPARTEMENT and genre == LIEU_DEPARTEMENT and code == self.code

    def tient(self, lieu: Lieu) -> bool:
        """Whether money at `lieu` is held at this territory's own level."""
        if self.niveau == REGION:
            return lieu[0] == LIEU_REGION
        return self.niveau == DEPARTEMENT and lieu == (LIEU_DEPARTEMENT, self.code)


def region() -> Territoire:
    ref = referentiel()
    return Territoire(REGION, ref.region_code, ref.region_nom, ref.population, None)


def departement(code: str) -> Territoire:
    d = referentiel().departements.get(code)
    if d is None:
        raise Http404("Ce département n’est pas dans les Hauts-de-France.")
    return Territoire(DEPARTEMENT, d.code, d.nom, d.population, frozenset(d.communes), d.code)


def epci(siren: str) -> Territoire:
    e = referentiel().epcis.get(siren)
    if e is None:
        raise Http404("Cette intercommunalité n’est pas dans les Hauts-de-France.")
    return Territoire(EPCI, e.siren, e.nom, e.population, frozenset(e.communes))


def commune(code: str) -> Territoire:
    c = referentiel().communes.get(code)
    if c is None:
        raise Http404("Cette commune n’est pas dans les Hauts-de-France.")
    return Territoire(COMMUNE, c.code, c.nom, c.population, frozenset({c.code}), c.departement)


def perimetre_special(territoire: TerritoireSpecial) -> tuple[frozenset[str], str]:
    """The communes of a special territory and where the list comes from (French)."""
    fixe = PerimetreTerritoire.objects.filter(territoire=territoire).first()
    if fixe is not None:
        return fixe.codes, "Périmètre fixé par le secrétariat" + (
            f" ({fixe.source})" if fixe.source else ""
        )
    texte = PERIMETRES_DU_TEXTE.get(territoire.code)
    if texte is not None:
        ref = referentiel()
        codes = frozenset(c for siren in texte.epcis for c in ref.epcis[siren].communes)
        return codes, f"D’après le contrat ({texte.lignes}). {texte.note}"
    return frozenset(), (
        "Le contrat ne donne pas la liste des communes de ce territoire : le secrétariat peut "
        "la fixer. En attendant, seuls les dossiers rattachés à ce territoire sont comptés."
    )


def special(code: str) -> Territoire:
    t = TerritoireSpecial.objects.filter(code=code).first()
    if t is None:
        raise Http404("Ce territoire spécifique n’existe pas dans le contrat.")
    codes, source = perimetre_special(t)
    ref = referentiel()
    population = sum(ref.communes[c].population for c in codes) if codes else None
    return Territoire(
        SPECIAL,
        t.code,
        t.nom,
        population,
        codes,
        territoire_special_id=t.pk,
        perimetre_source=source,
    )


def territoires_speciaux() -> list[TerritoireSpecial]:
    return list(TerritoireSpecial.objects.order_by("nom"))


PAR_NIVEAU: dict[str, Callable[[str], Territoire]] = {
    DEPARTEMENT: departement,
    EPCI: epci,
    COMMUNE: commune,
    SPECIAL: special,
}


def territoire_par_cle(cle: str) -> Territoire:
    """`region-32`, `departement-59`, `epci-200093201`, `commune-59350`, `special-sat`."""
    niveau, _, code = cle.partition("-")
    if niveau == REGION:
        return region()
    if niveau not in PAR_NIVEAU:
        raise Http404("Territoire inconnu.")
    return PAR_NIVEAU[niveau](code)


def _projets_du_territoire(territoire: Territoire, comptes: QuerySet[Projet]) -> QuerySet[Projet]:
    """The counted dossiers that may have money on the territory (a superset: the exact rule is
    `Territoire.contient`)."""
    if territoire.niveau == REGION:
        return comptes
    filtre = Q(pk__in=[])
    if territoire.niveau == DEPARTEMENT:
        filtre = Q(communes__code_insee__startswith=territoire.code) | Q(
            departements__code_insee=territoire.code
        )
    elif territoire.communes:
        filtre = Q(communes__code_insee__in=sorted(territoire.communes))
    if territoire.territoire_special_id is not None:
        filtre |= Q(territoires_speciaux=territoire.territoire_special_id)
    return comptes.filter(pk__in=Projet.objects.filter(filtre).values("pk"))


# --- The figures of a territory -----------------------------------------------------------
@dataclass
class LigneFinanceur:
    nature: str
    financeur: str
    libelle: str
    montants: Montants

    @property
    def libelle_nature(self) -> str:
        return NATURES[self.nature]


@dataclass
class LigneAxe:
    code: str
    libelle: str
    montants: Montants


class LigneDossier(NamedTuple):
    """One dossier's share of a territory, compact (a plain tuple with amounts in cents: a
    cached region holds thousands of them)."""

    projet_id: int
    centimes: tuple[int, int, int, int]
    niveau: str
    communes: tuple[str, ...]
    communes_sur_place: int = 0

    @property
    def montants(self) -> Montants:
        return Montants(*(Decimal(c).scaleb(-2) for c in self.centimes))

    @property
    def libelle(self) -> str:
        return Rattachement(self.niveau, communes=self.communes).libelle


def _centimes(montants: Montants) -> tuple[int, int, int, int]:
    return (
        int(montants.prevu * 100),
        int(montants.programme * 100),
        int(montants.engage * 100),
        int(montants.paye * 100),
    )


@dataclass
class Bilan:
    territoire: Territoire
    total: Montants
    public: Montants
    tenu: Montants
    par_nature: list[tuple[str, str, Montants]]
    par_financeur: list[LigneFinanceur]
    par_axe: list[LigneAxe]
    par_mesure: list[LigneAxe]
    par_annee: list[tuple[int, Montants]]
    dossiers: list[LigneDossier]
    par_commune: dict[str, Montants] = field(default_factory=dict)
    par_departement: dict[str, Montants] = field(default_factory=dict)

    @property
    def prive(self) -> Decimal:
        """Private money in the plans (not in the public total)."""
        return self.total.prevu - self.public.prevu

    def par_habitant(self, genre: str, *, publics: bool = True) -> Decimal | None:
        population = self.territoire.population
        if not population:
            return None
        montant: Decimal = getattr(self.public if publics else self.total, genre)
        return (montant / population).quantize(CENTIME)

    @property
    def prevu_par_habitant(self) -> Decimal | None:
        return self.par_habitant("prevu")

    @property
    def programme_par_habitant(self) -> Decimal | None:
        return self.par_habitant("programme")


def _libelles_financeurs() -> dict[str, str]:
    libelles = {s.code: s.nom for s in Signataire.objects.all()}
    libelles.update({str(v): str(label) for v, label in SourceFinancement.choices})
    return libelles


def _noeuds(codes: Iterable[str]) -> dict[str, tuple[str, int]]:
    """Title and position (the contract's reading order) of each node."""
    return {
        code: (titre, position)
        for code, titre, position in Noeud.objects.filter(code__in=set(codes)).values_list(
            "code", "titre", "position"
        )
    }


def _axe_de(mesure: str) -> str:
    return mesure.split(".", 1)[0]


INDICE = {genre: i for i, genre in enumerate(GENRES)}
Sommes = list[Decimal]  # prévu, programmé, engagé, payé: the hot loop's accumulator


def _sommes() -> Sommes:
    return [ZERO, ZERO, ZERO, ZERO]


def _ajouter(table: dict[Any, Sommes], cle: Any, i: int, montant: Decimal) -> None:
    sommes = table.get(cle)
    if sommes is None:
        sommes = table[cle] = _sommes()
    sommes[i] += montant


def _montants(sommes: Sommes) -> Montants:
    return Montants(*sommes)


@dataclass
class _Cumul:
    """What a territory adds up, in lists (`Sommes`) while it runs: hundreds of thousands of
    parts at 20 000 dossiers."""

    total: Sommes = field(default_factory=_sommes)
    public: Sommes = field(default_factory=_sommes)
    tenu: Sommes = field(default_factory=_sommes)
    financeurs: dict[tuple[str, str], Sommes] = field(default_factory=dict)
    mesures: dict[str, Sommes] = field(default_factory=dict)
    annees: dict[int, Sommes] = field(default_factory=dict)
    dossiers: dict[int, Sommes] = field(default_factory=dict)
    communes: dict[str, Sommes] = field(default_factory=dict)
    departements: dict[str, Sommes] = field(default_factory=dict)

    def ajouter(self, atome: Atome, i: int, part: Decimal, tenu: Decimal) -> None:
        """The territory's share of one amount (the sum of its parts on the territory)."""
        self.total[i] += part
        if atome.nature in NATURES_PUBLIQUES:
            self.public[i] += part
        self.tenu[i] += tenu
        _ajouter(self.financeurs, (atome.nature, atome.financeur), i, part)
        _ajouter(self.mesures, atome.mesure, i, part)
        if atome.annee is not None:
            _ajouter(self.annees, atome.annee, i, part)
        _ajouter(self.dossiers, atome.projet_id, i, part)


def _rattaches(territoire: Territoire, projets: QuerySet[Projet]) -> frozenset[int]:
    if territoire.territoire_special_id is None:
        return frozenset()
    return frozenset(
        projets.filter(territoires_speciaux=territoire.territoire_special_id).values_list(
            "pk", flat=True
        )
    )


def _cumuler(
    territoire: Territoire, projets: QuerySet[Projet]
) -> tuple[_Cumul, dict[int, Rattachement]]:
    lieux = rattachements(projets)
    rattaches = _rattaches(territoire, projets)
    departement_de = referentiel().departement_de
    cumul = _Cumul()
    for atome in atomes(projets):
        i = INDICE[atome.genre]
        part = tenu = ZERO
        dedans = False
        for lieu, montant in lieux[atome.projet_id].parts(atome.montant):
            if not territoire.contient(lieu, atome.projet_id, rattaches):
                continue
            dedans = True
            part += montant
            if lieu[0] == LIEU_COMMUNE:
                _ajouter(cumul.communes, lieu[1], i, montant)
                _ajouter(cumul.departements, departement_de[lieu[1]], i, montant)
            else:
                if lieu[0] == LIEU_DEPARTEMENT:
                    _ajouter(cumul.departements, lieu[1], i, montant)
                if territoire.tient(lieu):
                    tenu += montant
        if dedans:
            cumul.ajouter(atome, i, part, tenu)
    return cumul, lieux


def perimetre_de(utilisateur: Utilisateur | AnonymousUser) -> str:
    """Who sees the same figures: anonymous visitors (public), the roles that see every
    dossier, each porteur's organisation."""
    if voit_tous_les_projets(utilisateur):
        return "tous"
    if isinstance(utilisateur, Utilisateur) and utilisateur.role == Role.PORTEUR:
        return f"porteur-{utilisateur.organisation_id}"
    return "public"


def duree_cache() -> int:
    return int(getattr(settings, "TERRITOIRES_CACHE_SECONDES", 0))


def cle_cache(
    territoire: Territoire, *, utilisateur: Utilisateur | AnonymousUser, quoi: str
) -> str | None:
    """The cache key of something computed for this territory and audience, valid while no
    money, dossier or perimeter changed (`territoires.fraicheur`); None: do not cache."""
    numero = generation() if duree_cache() else None
    if numero is None:
        return None
    return (
        f"territoires:{quoi}:{numero}:{cle_repartition()}:{perimetre_de(utilisateur)}:"
        f"{territoire.cle}"
    )


MARQUE_EN_COURS = "territoires:mise-a-jour-en-cours"
DUREE_MARQUE_EN_COURS = 60  # seconds: past this, a worker that did not answer is not waited for


def lire_ou_calculer(
    territoire: Territoire,
    *,
    utilisateur: Utilisateur | AnonymousUser,
    quoi: str,
    calculer: Callable[[], Any],
    frais: bool = False,
) -> tuple[Any, bool]:
    """What `calculer` gives for this territory and audience, from the cache while nothing it
    counts changed; and whether it is the previous figures, kept for the public while the
    worker recomputes them after a change (`fraicheur.demander_precalcul`), so that no anonymous
    visitor waits for the computation. Who is logged in always gets the current figures."""
    cle = cle_cache(territoire, utilisateur=utilisateur, quoi=quoi)
    if cle is None:
        return calculer(), False
    valeur = cache.get(cle)
    if valeur is not None:
        return valeur, False
    derniere = (
        f"territoires:{quoi}:dernier:{cle_repartition()}:{perimetre_de(utilisateur)}:"
        f"{territoire.cle}"
    )
    if not frais and perimetre_de(utilisateur) == "public" and cache.get(MARQUE_EN_COURS):
        precedente = cache.get(derniere)
        if precedente is not None:
            return precedente, True
    valeur = calculer()
    cache.set_many({cle: valeur, derniere: valeur}, duree_cache())
    return valeur, False


def bilan(
    territoire: Territoire, *, utilisateur: Utilisateur | AnonymousUser, frais: bool = False
) -> Bilan:
    """Every figure of a territory for this person (see the module's rules), read from the
    cache while nothing it counts changed (see `lire_ou_calculer`)."""
    resultat, _ = lire_ou_calculer(
        territoire,
        utilisateur=utilisateur,
        quoi="bilan",
        calculer=lambda: calculer_bilan(territoire, utilisateur=utilisateur),
        frais=frais,
    )
    return cast(Bilan, resultat)


def calculer_bilan(territoire: Territoire, *, utilisateur: Utilisateur | AnonymousUser) -> Bilan:
    """Every figure of a territory for this person, computed from the rows."""
    projets = _projets_du_territoire(territoire, projets_comptes(utilisateur))
    cumul, lieux = _cumuler(territoire, projets)
    total, public, tenu = _montants(cumul.total), _montants(cumul.public), _montants(cumul.tenu)
    par_financeur = {k: _montants(v) for k, v in cumul.financeurs.items()}
    par_mesure = {k: _montants(v) for k, v in cumul.mesures.items()}
    par_dossier = {k: _montants(v) for k, v in cumul.dossiers.items()}
    financeurs = _libelles_financeurs()
    noeuds = _noeuds(list(par_mesure) + [_axe_de(m) for m in par_mesure])

    def ordre(code: str) -> int:
        return noeuds.get(code, ("", 10**6))[1]

    def titre(code: str) -> str:
        return noeuds.get(code, ("", 0))[0]

    axes: dict[str, Montants] = {}
    for mesure, montants in par_mesure.items():
        axes[_axe_de(mesure)] = axes.get(_axe_de(mesure), Montants()).plus(montants)
    par_nature = []
    for nature, libelle in NATURES.items():
        somme = Montants()
        for (n, _), montants in par_financeur.items():
            if n == nature:
                somme = somme.plus(montants)
        if not somme.vide:
            par_nature.append((nature, libelle, somme))
    ordre_natures = list(NATURES)
    return Bilan(
        territoire=territoire,
        total=total,
        public=public,
        tenu=tenu,
        par_nature=par_nature,
        par_financeur=sorted(
            (LigneFinanceur(n, f, financeurs.get(f, f), m) for (n, f), m in par_financeur.items()),
            key=lambda ligne: (ordre_natures.index(ligne.nature), -ligne.montants.prevu),
        ),
        par_axe=[
            LigneAxe(code, f"Axe {code} – {titre(code)}", m)
            for code, m in sorted(axes.items(), key=lambda x: ordre(x[0]))
        ],
        par_mesure=[
            LigneAxe(code, f"{code} – {titre(code)}", m)
            for code, m in sorted(par_mesure.items(), key=lambda x: ordre(x[0]))
        ],
        par_annee=sorted((a, _montants(v)) for a, v in cumul.annees.items()),
        dossiers=[
            LigneDossier(
                pid,
                _centimes(m),
                lieux[pid].niveau,
                lieux[pid].communes,
                sum(
                    1
                    for lieu in lieux[pid].lieux
                    if lieu[0] == LIEU_COMMUNE
                    and territoire.communes is not None
                    and lieu[1] in territoire.communes
                ),
            )
            for pid, m in sorted(
                par_dossier.items(), key=lambda x: (-x[1].prevu, -x[1].programme, x[0])
            )
        ],
        # The region lists départements, not its thousands of communes (a lighter cache entry).
        par_commune={k: _montants(v) for k, v in cumul.communes.items()}
        if territoire.niveau != REGION
        else {},
        par_departement={k: _montants(v) for k, v in cumul.departements.items()},
    )


MARQUE_PRECALCUL = "territoires:precalcule"


def precalculer() -> int:
    """Compute and cache, ahead of the visitors, the figures of the region, the départements
    and the special territories for anonymous visitors and for the roles that see every
    dossier, when something changed since the last run. Returns how many were computed (0:
    nothing changed, or nothing is cached). Useful with a cache shared by the nodes
    (`CACHE_URL`): the worker fills it for the web processes."""
    numero = generation() if duree_cache() else None
    if numero is None or cache.get(MARQUE_PRECALCUL) == numero:
        return 0
    territoires = [region()]
    territoires += [departement(code) for code in referentiel().departements]
    territoires += [special(t.code) for t in territoires_speciaux()]
    tous = Utilisateur(role=Role.LECTEUR)  # an unsaved reader: sees every dossier
    for territoire in territoires:
        for utilisateur in (AnonymousUser(), tous):
            bilan(territoire, utilisateur=utilisateur, frais=True)
    cache.set(MARQUE_PRECALCUL, numero, duree_cache())
    return 2 * len(territoires)
