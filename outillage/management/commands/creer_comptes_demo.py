from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from outillage.demo import MOT_DE_PASSE_DEMO, creer_comptes_demo


class Command(BaseCommand):
    help = "Crée (ou remet à jour) les comptes de démonstration et les affiche."

    def handle(self, *args, **options):
        try:
            comptes = creer_comptes_demo()
        except ImproperlyConfigured as erreur:
            raise CommandError(str(erreur)) from erreur
        largeur = max(len(c.identifiant) for c in comptes)
        self.stdout.write("")
        self.stdout.write(
            "Comptes de démonstration (fictifs) — mot de passe commun : " + MOT_DE_PASSE_DEMO
        )
        for c in comptes:
            self.stdout.write(f"  {c.identifiant.ljust(largeur)}  {c.role} — {c.organisation}")
        self.stdout.write("")
