"""The ledger follows the dossiers' lifecycle (see `projets.signals`)."""

from django.dispatch import receiver

from financement.services import projet_degager, projet_programmer_lignes
from projets.models import Projet, Statut
from projets.signals import transition_effectuee


@receiver(transition_effectuee, sender=Projet, dispatch_uid="financement_suit_les_projets")
def suivre_transition(sender, projet, action, depuis, vers, par, decision, **kwargs):
    if vers == Statut.PROGRAMME:
        projet_programmer_lignes(projet=projet, par=par)
    elif vers in (Statut.SOLDE, Statut.ABANDONNE) and depuis in (
        Statut.PROGRAMME,
        Statut.EN_COURS,
    ):
        projet_degager(projet=projet, par=par, motif=projet.get_statut_display())
