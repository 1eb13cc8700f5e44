from django import forms
from dsfr.forms import DsfrBaseForm


class DepotImportForm(DsfrBaseForm):
    fichier = forms.FileField(
        label="Fichier de la programmation existante",
        help_text="Le modèle rempli, au format Excel (.xlsx), 10 Mo au plus.",
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )
