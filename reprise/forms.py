from django import forms

from socle.formulaires import FormulaireDsfr


class DepotImportForm(FormulaireDsfr):
    fichier = forms.FileField(
        label="Fichier de la programmation existante",
        help_text="Le modèle rempli, au format Excel (.xlsx), 10 Mo au plus.",
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )
