import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

from axes.chargement import charger_contrat
from financement.chargement import charger_enveloppes
from gouvernance.chargement import charger_comites, charger_grille
from projets.chargement import charger_operations, charger_parametres
from socle.chargement import Bilan

FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "cper-hdf-2021-2027.json"


class Command(BaseCommand):
    help = (
        "Charge le CPER Hauts-de-France 2021-2027 tel que signé (articles, signataires et "
        "enveloppes, axes et mesures, opérations inscrites, comités et grille d'analyse). "
        "Relancée, elle ne change rien."
    )

    def add_arguments(self, parser):
        parser.add_argument("--fichier", default=str(FIXTURE), help="Fichier du contrat (JSON).")

    def handle(self, *args, **options):
        donnees = json.loads(Path(options["fichier"]).read_text(encoding="utf-8"))
        bilan = Bilan()
        with transaction.atomic():
            contrat = charger_contrat(donnees=donnees, bilan=bilan)
            charger_enveloppes(contrat=contrat, bilan=bilan)
            charger_operations(contrat=contrat, donnees=donnees, bilan=bilan)
            charger_parametres(contrat=contrat, donnees=donnees, bilan=bilan)
            charger_comites(contrat=contrat, donnees=donnees, bilan=bilan)
            charger_grille(donnees=donnees, bilan=bilan)
        self.stdout.write(f"{contrat.nom} : {bilan.resume()}.")
