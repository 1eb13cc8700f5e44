from django.apps import AppConfig


class GouvernanceConfig(AppConfig):
    name = "gouvernance"
    verbose_name = "Gouvernance"

    def ready(self) -> None:
        # The dossier's lifecycle (`projets`) asks this app's instruction rule.
        from gouvernance.selectors import motif_instruction_incomplete
        from projets.instruction import enregistrer_regle

        enregistrer_regle(motif_instruction_incomplete)
