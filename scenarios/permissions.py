"""Who may do what with co-financing scenarios (pure predicates).

- The secretariat of the CPER (administrators) records candidate operations, writes and
  changes scenarios, and adopts one at a session.
- An agent of the organisation that pilots a technical committee covering the sub-axis (the
  Région for the vélo committee, seed l. 3528) records candidate operations too.
- An agent of a signatory records that signatory's position on a scenario, and only its own:
  nobody speaks for another signatory's money (not even the secretariat).
- Every signed-in role but the porteur reads scenarios: they are negotiations between the
  partners, before any dossier exists.
"""

from axes.models import Noeud, Signataire
from comptes.models import Role, Utilisateur
from gouvernance.models import Comite


def voit_les_scenarios(utilisateur: Utilisateur) -> bool:
    return bool(utilisateur.is_authenticated) and (
        utilisateur.est_administrateur or utilisateur.role != Role.PORTEUR
    )


def peut_gerer_scenarios(utilisateur: Utilisateur) -> bool:
    """Write, change and adopt scenarios: the secretariat of the CPER."""
    return bool(utilisateur.is_authenticated) and utilisateur.est_administrateur


def pilote_le_sous_axe(utilisateur: Utilisateur, sous_axe: Noeud) -> bool:
    """An agent of an organisation piloting a technical committee that covers the sub-axis."""
    if not utilisateur.is_authenticated or utilisateur.role != Role.AGENT:
        return False
    return (
        Comite.objects.filter(
            pilotes=utilisateur.organisation_id,
            mesures__in=Noeud.objects.couvrant(sous_axe),
        )
        .exclude(pouvoir_programmer=True)
        .exists()
    )


def peut_enregistrer_candidate(utilisateur: Utilisateur, sous_axe: Noeud) -> bool:
    return peut_gerer_scenarios(utilisateur) or pilote_le_sous_axe(utilisateur, sous_axe)


def peut_prendre_position(utilisateur: Utilisateur, signataire: Signataire) -> bool:
    """Only an agent of the signatory itself."""
    return (
        bool(utilisateur.is_authenticated)
        and utilisateur.role == Role.AGENT
        and utilisateur.organisation_id == signataire.organisation_id
    )


def signataire_de(utilisateur: Utilisateur) -> Signataire | None:
    """The signatory an agent speaks for, if any."""
    if not utilisateur.is_authenticated or utilisateur.role != Role.AGENT:
        return None
    return Signataire.objects.filter(organisation_id=utilisateur.organisation_id).first()
