from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from socle.sauvegarde import SauvegardeImpossible, base_restaurer


class Command(BaseCommand):
    help = (
        "Restaure une sauvegarde (pg_dump -Fc) dans une base PostgreSQL vide, par défaut celle "
        "de DATABASE_URL."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("fichier", help="la sauvegarde à restaurer")
        parser.add_argument("--base", help="base cible, vide (par défaut celle des réglages)")

    def handle(
        self, *args: object, fichier: str, base: str | None = None, **options: object
    ) -> None:
        reglages = settings.DATABASES["default"]
        cible = base or reglages["NAME"]
        try:
            base_restaurer(reglages=reglages, fichier=Path(fichier), base=cible)
        except SauvegardeImpossible as erreur:
            raise CommandError(str(erreur)) from erreur
        self.stdout.write(f"Sauvegarde {fichier} restaurée dans la base « {cible} ».")
