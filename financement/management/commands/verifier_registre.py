"""`manage.py verifier_registre`: recompute the ledger's running totals and print the gaps."""

from django.core.management.base import BaseCommand, CommandError

from financement.verification import registre_verifier


class Command(BaseCommand):
    help = (
        "Vérifie le registre financier : recalcule les totaux (enveloppes, lignes programmées, "
        "engagements, crédits ouverts, maquette) à partir des lignes et affiche les écarts."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--sans-courriel",
            action="store_true",
            help="Ne pas prévenir les administrateurs par courriel en cas d'écart.",
        )

    def handle(self, *args, sans_courriel=False, **options):
        verification = registre_verifier(prevenir=not sans_courriel)
        if not verification.nombre_ecarts:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Registre cohérent : {verification.controles} totaux contrôlés, aucun écart."
                )
            )
            return
        for ecart in verification.ecarts:
            self.stdout.write(f"- {ecart['message']}")
        raise CommandError(
            f"{verification.nombre_ecarts} écart(s) dans le registre financier "
            f"({verification.controles} totaux contrôlés)."
        )
