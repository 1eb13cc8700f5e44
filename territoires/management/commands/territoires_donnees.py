"""Regenerate the vendored commune → EPCI → département table (`make territoires-donnees`)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from territoires.extraction import FICHIER, PAQUET, ecrire, extraire


class Command(BaseCommand):
    help = (
        "Régénère territoires/donnees/hauts-de-france.json depuis le paquet npm "
        "@etalab/decoupage-administratif installé sous tools/decoupage (make territoires-donnees)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--paquet", default=str(PAQUET), help="dossier du paquet npm")

    def handle(self, *args, paquet: str, **options):
        chemin = Path(paquet)
        if not (chemin / "data" / "communes.json").exists():
            raise CommandError(
                f"Paquet introuvable dans {chemin} : lancez « make territoires-donnees » "
                "(npm ci dans tools/decoupage)."
            )
        donnees = extraire(chemin)
        ecrire(donnees)
        self.stdout.write(
            f"{len(donnees['communes'])} communes, {len(donnees['epci'])} EPCI écrits dans "
            f"{FICHIER} ({donnees['source']})."
        )
