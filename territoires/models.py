"""The perimeter of a special territory of the contract, as the secretariat sets it.

The contract names its special territories (`axes.TerritoireSpecial`) but lists their communes
only through the intercommunalities it names for some of them (`territoires.perimetres`). The
secretariat may fix the list of communes of any of them here (admin); a fixed list replaces
the one the portal derives from the text.
"""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords

from axes.models import TerritoireSpecial
from territoires.referentiel import referentiel


def lire_codes(texte: str) -> list[str]:
    """The INSEE codes of a list typed one per line, or separated by commas or spaces."""
    return [code.upper() for code in re.split(r"[\s,;]+", texte or "") if code]


class PerimetreTerritoire(models.Model):
    territoire = models.OneToOneField(
        TerritoireSpecial,
        verbose_name="territoire spécifique",
        on_delete=models.CASCADE,
        related_name="perimetre",
    )
    codes_insee = models.TextField(
        "communes (codes INSEE)",
        help_text="Un code INSEE par ligne (ou séparés par des virgules), communes des "
        "Hauts-de-France seulement.",
    )
    source = models.TextField(
        "fondement", blank=True, help_text="Le texte ou la liste officielle qui fixe ce périmètre."
    )
    modifie_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="modifié par",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    modifie_le = models.DateTimeField("modifié le", auto_now=True)

    historique = HistoricalRecords(verbose_name="historique des périmètres")

    class Meta:
        verbose_name = "périmètre d'un territoire spécifique"
        verbose_name_plural = "périmètres des territoires spécifiques"
        ordering = ["territoire__nom"]

    def __str__(self) -> str:
        return f"Périmètre de {self.territoire}"

    def clean(self) -> None:
        codes = lire_codes(self.codes_insee)
        if not codes:
            raise ValidationError({"codes_insee": "Indiquez au moins une commune."})
        connues = referentiel().communes
        inconnus = [code for code in codes if code not in connues]
        if inconnus:
            raise ValidationError(
                {
                    "codes_insee": "Ces codes ne sont pas des communes des Hauts-de-France : "
                    + ", ".join(inconnus[:20])
                    + (" …" if len(inconnus) > 20 else "")
                    + "."
                }
            )
        self.codes_insee = "\n".join(sorted(set(codes)))

    @property
    def codes(self) -> frozenset[str]:
        return frozenset(lire_codes(self.codes_insee))
