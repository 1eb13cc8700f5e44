from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from socle.sauvegarde import SauvegardeImpossible, base_sauvegarder


class Command(BaseCommand):
    help = "Sauvegarde la base PostgreSQL (pg_dump -Fc) dans un fichier."

    def add_arguments(self, parser):
        parser.add_argument(
            "--fichier",
            help="fichier de sortie (par défaut var/sauvegardes/cper-AAAAMMJJ-HHMMSS.dump)",
        )

    def handle(self, *args, fichier=None, **options):
        if not fichier:
            horodatage = timezone.localtime().strftime("%Y%m%d-%H%M%S")
            fichier = settings.VAR_DIR / "sauvegardes" / f"cper-{horodatage}.dump"
        try:
            chemin = base_sauvegarder(reglages=settings.DATABASES["default"], fichier=Path(fichier))
        except SauvegardeImpossible as erreur:
            raise CommandError(str(erreur)) from erreur
        self.stdout.write(f"Sauvegarde écrite : {chemin}")
