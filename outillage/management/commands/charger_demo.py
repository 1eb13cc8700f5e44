from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from comptes.models import Utilisateur
from outillage.demo import creer_comptes_demo
from outillage.demo_scenario import MARQUE, charger_scenario, deja_charge
from outillage.demo_velo import parcours_velo


class Command(BaseCommand):
    help = (
        "Charge un scénario de démonstration FICTIF (dossiers « [Démo] » dans tous les états, "
        "séances et votes, engagements et paiements). Refusé en production."
    )

    def handle(self, *args, **options):
        if not settings.COMPTES_DEMO_AUTORISES:
            raise CommandError(
                "Le scénario de démonstration est refusé sur une instance de production."
            )
        creer_comptes_demo()
        if deja_charge():
            self.stdout.write("Le scénario de démonstration est déjà chargé : rien à faire.")
            return
        bilan = charger_scenario()
        velo = parcours_velo(Utilisateur.objects.get(username="admin"), prefixe=f"{MARQUE} ")
        self.stdout.write(
            f"Scénario de démonstration fictif chargé : {bilan['dossiers']} dossiers « [Démo] », "
            f"{len(velo.scenarios)} scénarios de cofinancement pour la mesure vélo (V.2.1)."
        )
