"""What the benchmark requests: the same pages at both data sizes, chosen from the base.

Needs Django set up. The objects (a dossier, a session) are picked by a fixed rule, so that the
small and the large base give comparable pages.
"""

from dataclasses import dataclass

from django.db.models import Count

from comptes.models import Role, Utilisateur
from gouvernance.models import EtatSeance, Seance
from projets.models import CommuneProjet, Origine, Projet, Statut

ROLES = {
    "administrateur": Role.ADMINISTRATEUR,
    "agent": Role.AGENT,
    "membre": Role.MEMBRE_COMITE,
    "porteur": Role.PORTEUR,
    "lecteur": Role.LECTEUR,
}


@dataclass(frozen=True)
class Cible:
    nom: str
    url: str
    role: str  # the role whose session requests the page


def utilisateur(role: str) -> Utilisateur:
    if role == "porteur":
        # The porteur whose organisation has the most dossiers, so that its list is never
        # empty at either size (an empty page skips its prefetch queries).
        porteur = (
            Utilisateur.objects.filter(role=Role.PORTEUR, username__startswith="bench.")
            .annotate(dossiers=Count("organisation__projets"))
            .order_by("-dossiers", "username")
            .first()
        )
        if porteur is None:
            raise RuntimeError("Aucun porteur dans la base du banc : relancez generer_volume.")
        return porteur
    return Utilisateur.objects.get(username=f"bench.{ROLES[role]}")


def cibles() -> list[Cible]:
    dossier = (
        Projet.objects.filter(origine=Origine.DEPOT, statut=Statut.EN_COURS)
        .order_by("reference")
        .values_list("reference", flat=True)
        .first()
    )
    membre = utilisateur("membre")
    seance = (
        Seance.objects.filter(etat=EtatSeance.CLOSE, comite__membres__utilisateur=membre)
        .order_by("-date")
        .values_list("pk", flat=True)
        .first()
    )
    liste = [Cible("plancher (vue nue)", "/bench/plancher/", "lecteur")]
    liste += [Cible(f"accueil ({role})", "/", role) for role in ROLES]
    # What each role finds after logging in (what waits for it), at volume.
    liste += [Cible(f"tableau de bord ({role})", "/tableau-de-bord/", role) for role in ROLES]
    liste += [
        Cible("projets : liste", "/projets/", "administrateur"),
        Cible(
            "projets : liste filtrée",
            "/projets/?statut=en_cours&departement=59&financeur=region",
            "administrateur",
        ),
        # Typed without its accent (« Aménagement »); at both sizes the first page holds a
        # dossier « en instruction », so both make the same queries (its grid's state).
        Cible("projets : recherche", "/projets/?q=amenagement", "administrateur"),
        Cible("projets : liste du porteur", "/projets/", "porteur"),
        Cible("dossier", f"/projets/{dossier}/", "administrateur"),
        Cible("registre : programmation", "/financement/", "agent"),
        Cible("registre : signataire", "/financement/signataires/region/", "agent"),
        Cible("séance", f"/gouvernance/seances/{seance}/", "membre"),
        Cible("API projets", "/api/v1/projets/", "administrateur"),
        Cible("API lignes programmées", "/api/v1/financement/lignes/", "agent"),
        Cible("API engagements", "/api/v1/financement/engagements/", "agent"),
        Cible("API séances", "/api/v1/seances/", "membre"),
        Cible("API signataires", "/api/v1/signataires/", "lecteur"),
    ]
    # The execution's follow-up (issue 16): a signatory's forecasts by budget year (the
    # benchmark's agent is the Région's) and the mid-term review pack.
    liste += [
        Cible("suivi : prévisions du signataire", "/suivi/signataires/region/previsions/", "agent"),
        Cible("suivi : bilan à mi-parcours", "/suivi/bilan-mi-parcours/", "administrateur"),
    ]
    # The territories (issue 18): the département and the commune with the most dossiers.
    commune = (
        CommuneProjet.objects.values("code_insee")
        .annotate(n=Count("projet"))
        .order_by("-n", "code_insee")
        .values_list("code_insee", flat=True)
        .first()
    ) or "59350"
    liste += [
        Cible("territoires : région", "/territoires/", "lecteur"),
        Cible("territoires : département", f"/territoires/departement/{commune[:2]}/", "lecteur"),
        Cible("territoires : commune", f"/territoires/commune/{commune}/", "lecteur"),
    ]
    return liste
