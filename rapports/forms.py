from django import forms

from axes.models import Contrat, Signataire
from rapports.models import TypeTravail
from socle.formulaires import FormulaireDsfr

TOUT_LE_CONTRAT = ""


class DemandeBilanForm(FormulaireDsfr):
    """Ask for the bilan of the whole contract, or of one of the nine signatories."""

    perimetre = forms.ChoiceField(
        label="Périmètre du bilan",
        help_text="Le bilan de l'ensemble du contrat, ou celui d'un seul signataire.",
        required=False,
    )

    def __init__(self, *args, contrat: Contrat, **kwargs):
        super().__init__(*args, **kwargs)
        signataires = Signataire.objects.filter(contrat=contrat).order_by("ordre")
        self.fields["perimetre"].choices = [
            (TOUT_LE_CONTRAT, "L'ensemble du contrat (les neuf signataires)"),
            *((s.code, s.nom) for s in signataires),
        ]

    def demande(self) -> tuple[str, dict]:
        """The job kind and its parameters, from the cleaned form."""
        code = self.cleaned_data["perimetre"]
        if code == TOUT_LE_CONTRAT:
            return TypeTravail.BILAN_EXECUTION, {}
        return TypeTravail.BILAN_SIGNATAIRE, {"signataire": code}
