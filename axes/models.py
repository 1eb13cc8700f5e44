"""The contract as signed: its articles, its nine signatories and its programme tree.

The tree follows the contract's numbering: axe (I … VI), sous-axe (I.1), mesure (I.3.1) and
sous-mesure (I.3.1.a). Every node keeps the line of the signed text it comes from.
"""

from django.db import models

from comptes.models import Organisation
from socle.francais import de
from socle.montants import MONTANT


class Contrat(models.Model):
    code = models.SlugField("code", max_length=50, unique=True)
    nom = models.CharField("nom", max_length=255)
    sigle = models.CharField("sigle", max_length=20)
    region = models.CharField("région", max_length=100)
    annee_debut = models.PositiveSmallIntegerField("première année")
    annee_fin = models.PositiveSmallIntegerField("dernière année")
    lieu_signature = models.CharField("lieu de signature", max_length=100)
    date_signature = models.DateField("date de signature")
    ligne_signature = models.PositiveIntegerField("ligne du texte signé", null=True, blank=True)
    source_sha256 = models.CharField("empreinte SHA-256 du texte source", max_length=64)

    class Meta:
        verbose_name = "contrat"
        verbose_name_plural = "contrats"

    def __str__(self) -> str:
        return self.nom


class ArticleContrat(models.Model):
    contrat = models.ForeignKey(Contrat, on_delete=models.CASCADE, related_name="articles")
    numero = models.PositiveSmallIntegerField("numéro")
    texte = models.TextField("texte")
    ligne = models.PositiveIntegerField("ligne du texte signé")

    class Meta:
        verbose_name = "article du contrat"
        verbose_name_plural = "articles du contrat"
        ordering = ["contrat", "numero"]
        constraints = [
            models.UniqueConstraint(fields=["contrat", "numero"], name="article_unique_par_contrat")
        ]

    def __str__(self) -> str:
        return f"Article {self.numero}"


class TypeSignataire(models.TextChoices):
    ETAT = "etat", "État"
    REGION = "region", "Région"
    DEPARTEMENT = "departement", "Département"
    METROPOLE = "metropole", "Métropole"
    AGGLOMERATION = "agglomeration", "Communauté d'agglomération"


class SignataireQuerySet(models.QuerySet):
    def du_contrat(self, contrat: Contrat) -> "SignataireQuerySet":
        return self.filter(contrat=contrat).select_related("organisation")


class Signataire(models.Model):
    """One of the nine parties; its Article 2 amount is the envelope as signed."""

    contrat = models.ForeignKey(Contrat, on_delete=models.CASCADE, related_name="signataires")
    organisation = models.OneToOneField(
        Organisation, on_delete=models.PROTECT, related_name="signataire"
    )
    code = models.SlugField("code", max_length=50)
    ordre = models.PositiveSmallIntegerField("ordre dans l'article 2")
    nom = models.CharField("nom", max_length=255)
    nom_article_2 = models.CharField("nom dans l'article 2", max_length=255)
    type = models.CharField("type", max_length=20, choices=TypeSignataire.choices)
    representant = models.CharField("représentant signataire", max_length=255)
    montant_article_2 = models.DecimalField(
        "montant de l'article 2 (€)",
        **MONTANT,
        help_text="Montant signé, en euros, tel que l'article 2 le fixe.",
    )
    ligne_article_2 = models.PositiveIntegerField("ligne de l'article 2")
    date_deliberation = models.DateField(
        "date de la délibération d'approbation", null=True, blank=True
    )
    ligne_deliberation = models.PositiveIntegerField("ligne du visa", null=True, blank=True)

    objects = SignataireQuerySet.as_manager()

    class Meta:
        verbose_name = "signataire"
        verbose_name_plural = "signataires"
        ordering = ["contrat", "ordre"]
        constraints = [
            models.UniqueConstraint(fields=["contrat", "code"], name="signataire_code_unique"),
            models.CheckConstraint(
                condition=models.Q(montant_article_2__gte=0), name="signataire_montant_positif"
            ),
        ]

    def __str__(self) -> str:
        return self.nom

    @property
    def de_nom(self) -> str:
        """« de l’État », « du Département du Nord »: the name as a sentence needs it."""
        return de(self.nom)


class Niveau(models.IntegerChoices):
    AXE = 1, "Axe"
    SOUS_AXE = 2, "Sous-axe"
    MESURE = 3, "Mesure"
    SOUS_MESURE = 4, "Sous-mesure"


# --- Nesting of the programme tree ------------------------------------------------------------
# Codes nest: a node covers itself and every node whose code extends its own after a dot
# (`I.3` covers `I.3`, `I.3.2` and `I.3.2.a`; not `I.30`). This is the only place that spells
# the rule in Python; the ledger's SQL triggers (financement migrations) spell it for the
# database. Everything else asks the functions below or the `NoeudQuerySet` methods.
SEPARATEUR = "."


def code_couvre(haut: str, bas: str) -> bool:
    """True when the node coded `haut` is `bas` or one of its ancestors (same contract)."""
    return bas == haut or bas.startswith(haut + SEPARATEUR)


def codes_couvrants(code: str) -> list[str]:
    """The code and those of its ancestors, from the axis down (`I.3.2` → I, I.3, I.3.2)."""
    parties = code.split(SEPARATEUR)
    return [SEPARATEUR.join(parties[:fin]) for fin in range(1, len(parties) + 1)]


def _chemin(prefixe: str, champ: str) -> str:
    return f"{prefixe}__{champ}" if prefixe else champ


def q_sous_code(code: str, *, prefixe: str = "") -> models.Q:
    """Rows whose node (reached through `prefixe`) is coded `code` or lies below it, whatever
    the contract (the caller's queryset scopes it)."""
    champ = _chemin(prefixe, "code")
    return models.Q(**{champ: code}) | models.Q(**{f"{champ}__startswith": code + SEPARATEUR})


def q_sous(noeud: "Noeud", *, prefixe: str = "") -> models.Q:
    """Rows whose node (reached through `prefixe`, e.g. "mesure") is `noeud` or below it."""
    return models.Q(**{_chemin(prefixe, "contrat_id"): noeud.contrat_id}) & q_sous_code(
        noeud.code, prefixe=prefixe
    )


def q_couvrant(noeud: "Noeud", *, prefixe: str = "") -> models.Q:
    """Rows whose node (reached through `prefixe`) is `noeud` or one of its ancestors."""
    return models.Q(
        **{
            _chemin(prefixe, "contrat_id"): noeud.contrat_id,
            _chemin(prefixe, "code__in"): codes_couvrants(noeud.code),
        }
    )


class NoeudQuerySet(models.QuerySet["Noeud"]):
    def numerotes(self) -> "NoeudQuerySet":
        """The numbered headings below the axes (sous-axes, mesures, sous-mesures)."""
        return self.filter(niveau__gt=Niveau.AXE)

    def axes(self) -> "NoeudQuerySet":
        return self.filter(niveau=Niveau.AXE)

    def sous(self, noeud: "Noeud") -> "NoeudQuerySet":
        """The node and every node below it (`I.3` → I.3, I.3.1, I.3.2.a, …)."""
        return self.filter(q_sous(noeud))

    def couvrant(self, noeud: "Noeud") -> "NoeudQuerySet":
        """The node and its ancestors, up to its axis (`I.3.2.a` → I, I.3, I.3.2, I.3.2.a)."""
        return self.filter(q_couvrant(noeud))


class Noeud(models.Model):
    contrat = models.ForeignKey(Contrat, on_delete=models.CASCADE, related_name="noeuds")
    code = models.CharField("code", max_length=20)
    parent = models.ForeignKey(
        "self",
        verbose_name="parent",
        on_delete=models.PROTECT,
        related_name="enfants",
        null=True,
        blank=True,
    )
    axe = models.ForeignKey(
        "self",
        verbose_name="axe",
        on_delete=models.PROTECT,
        related_name="descendants",
        null=True,
        blank=True,
        help_text="L'axe auquel le nœud appartient (vide pour un axe).",
    )
    niveau = models.PositiveSmallIntegerField("niveau", choices=Niveau.choices)
    ordre = models.PositiveSmallIntegerField("rang parmi ses frères")
    position = models.PositiveIntegerField(
        "position dans le contrat", help_text="Rang du nœud dans la lecture du contrat."
    )
    titre_imprime = models.TextField("titre tel qu'imprimé")
    titre = models.TextField("titre")
    ligne = models.PositiveIntegerField("ligne du texte signé")
    ligne_fin = models.PositiveIntegerField("dernière ligne", null=True, blank=True)
    texte = models.TextField(
        "texte signé",
        blank=True,
        help_text="Les mots du contrat pour ce nœud : son titre et ce qui le suit jusqu'à son "
        "premier enfant.",
    )

    objects = NoeudQuerySet.as_manager()

    class Meta:
        verbose_name = "nœud du programme"
        verbose_name_plural = "axes et mesures"
        ordering = ["contrat", "position"]
        constraints = [
            models.UniqueConstraint(fields=["contrat", "code"], name="noeud_code_unique"),
            models.CheckConstraint(
                condition=(models.Q(niveau=1, parent__isnull=True, axe__isnull=True))
                | (models.Q(niveau__gt=1, niveau__lte=4, parent__isnull=False, axe__isnull=False)),
                name="noeud_parent_selon_niveau",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} – {self.titre}"

    # The nesting rule, reachable from the model (`Noeud.q_sous(noeud, prefixe="mesure")`).
    q_sous = staticmethod(q_sous)
    q_sous_code = staticmethod(q_sous_code)
    q_couvrant = staticmethod(q_couvrant)

    def couvre(self, autre: "Noeud") -> bool:
        """True when `autre` is this node or lies below it."""
        return self.contrat_id == autre.contrat_id and code_couvre(self.code, autre.code)

    @property
    def libelle_niveau(self) -> str:
        return Niveau(self.niveau).label


class Departement(models.Model):
    code_insee = models.CharField("code INSEE", max_length=3, unique=True)
    nom = models.CharField("nom", max_length=100)
    signataire = models.OneToOneField(
        Signataire,
        on_delete=models.PROTECT,
        related_name="departement",
        null=True,
        blank=True,
    )

    class Meta:
        verbose_name = "département"
        verbose_name_plural = "départements"
        ordering = ["code_insee"]

    def __str__(self) -> str:
        return f"{self.nom} ({self.code_insee})"


class TerritoireSpecial(models.Model):
    """The contract's special territories (Sambre-Avesnois-Thiérache, bassin minier, …)."""

    code = models.SlugField("code", max_length=50, unique=True)
    nom = models.CharField("nom", max_length=150)
    ligne = models.PositiveIntegerField("ligne du texte signé", null=True, blank=True)

    class Meta:
        verbose_name = "territoire spécifique"
        verbose_name_plural = "territoires spécifiques"
        ordering = ["nom"]

    def __str__(self) -> str:
        return self.nom
