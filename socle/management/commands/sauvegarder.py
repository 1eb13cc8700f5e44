from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from socle.sauvegarde import SauvegardeImpossible, base_sauvegarder


class Command(BaseCommand):
    help = "Sauvegarde la base PostgreSQL (pg_dump -Fc) dans un fichier."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--fichier",
            help="fichier de sortie (par défaut var/sauvegardes/cper-AAAAMMJJ-HHMMSS.dump)",
        )

    def handle(self, *args: object, fichier: str | None = None, **options: object) -> None:
        if fichier:
            cible = Path(fichier)
        else:
            horodatage = timezone.localtime().strftime("%Y%m%d-%H%M%S")
            cible = settings.VAR_DIR / "sauvegardes" / f"cper-{horodatage}.dump"
        try:
            chemin = base_sauvegarder(reglages=settings.DATABASES["default"], fichier=cible)
        except SauvegardeImpossible as erreur:
            raise CommandError(str(erreur)) from erreur
        self.stdout.write(f"Sauvegarde écrite : {chemin}")
