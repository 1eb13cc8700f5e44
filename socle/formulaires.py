"""Form fields shared by the apps: amounts typed the French way; the DSFR forms' renderer."""

import re
from decimal import Decimal
from functools import cache
from typing import Any

from django import forms
from django.conf import global_settings, settings
from django.forms.renderers import get_default_renderer
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from dsfr.forms import DsfrBaseForm, DsfrDjangoTemplates


@cache
def _rendu_dsfr() -> Any:
    return DsfrDjangoTemplates()


class FormulaireDsfr(DsfrBaseForm):  # type: ignore[misc]  # django-dsfr has no types
    """`DsfrBaseForm` whose renderer is built once per process.

    django-dsfr gives each form a new renderer (its `default_renderer` is the class), hence a
    new template engine that reads and compiles the field templates again: a few milliseconds
    on every page that shows a form (issue 14). The same renderer, shared: same templates, same
    HTML, compiled once (as Django's own default renderer is)."""

    @property
    def default_renderer(self) -> Any:
        if settings.FORM_RENDERER == global_settings.FORM_RENDERER:
            return _rendu_dsfr()
        return get_default_renderer()


class MontantField(forms.Field):
    """An amount in euros typed as people type it: `1 234 567,89`, `1234567.89`, `12 000 €`."""

    default_error_messages = {
        "invalide": "Saisissez un montant en euros, par exemple 1 234 567,89.",
        "centimes": "Un montant a au plus deux décimales (les centimes).",
        "negatif": "Le montant ne peut pas être négatif.",
    }

    widget = forms.TextInput

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.widget.attrs.setdefault("inputmode", "decimal")

    def to_python(self, valeur: Any) -> Decimal | None:
        if valeur in self.empty_values:
            return None
        texte = str(valeur).strip()[:40]
        if not texte:
            return None
        for caractere in (" ", "\u00a0", "\u202f", "€"):
            texte = texte.replace(caractere, "")
        # ASCII digits and one decimal separator only: `Decimal` would also read `1e3`,
        # `NaN` or Arabic-Indic digits (`١٠٠٠`).
        if not re.fullmatch(r"-?[0-9]+(?:[.,][0-9]+)?", texte):
            raise forms.ValidationError(self.error_messages["invalide"], code="invalide")
        montant = Decimal(texte.replace(",", "."))
        if texte.startswith("-"):  # `-0` too: a sign is never part of an amount typed here
            raise forms.ValidationError(self.error_messages["negatif"], code="negatif")
        if abs(montant) >= Decimal("1e12"):
            raise forms.ValidationError(self.error_messages["invalide"], code="invalide")
        if montant != montant.quantize(Decimal("0.01")):
            raise forms.ValidationError(self.error_messages["centimes"], code="centimes")
        return montant.quantize(Decimal("0.01"))

    def prepare_value(self, valeur: Any) -> Any:
        if isinstance(valeur, Decimal):
            return f"{valeur:.2f}".replace(".", ",")
        return valeur


def _attributs(attrs: dict[str, Any]) -> SafeString:
    """HTML attributes in their order, as `django/forms/widgets/attrs.html` writes them."""
    return mark_safe(  # noqa: S308 - each name and value escaped by format_html
        "".join(
            format_html(" {}", nom) if valeur is True else format_html(' {}="{}"', nom, valeur)
            for nom, valeur in attrs.items()
            if valeur is not False
        )
    )


class ListeRapide(forms.Select):
    """A `<select>` written in Python, with the same markup as Django's templates.

    Django renders each option through two templates (`select_option.html`, `attrs.html`):
    about a tenth of a millisecond per option, which a filter form with fifty options pays on
    every request of a list page (issue 14)."""

    def render(
        self,
        name: str,
        value: Any,
        attrs: dict[str, Any] | None = None,
        renderer: Any = None,
    ) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        morceaux = []
        for nom_groupe, groupe, _rang in widget["optgroups"]:
            options = mark_safe(  # noqa: S308 - each option escaped by format_html
                "".join(
                    format_html(
                        '<option value="{}"{}>{}</option>',
                        "" if option["value"] is None else str(option["value"]),
                        _attributs(option["attrs"]),
                        option["label"],
                    )
                    for option in groupe
                )
            )
            if nom_groupe:
                options = format_html('<optgroup label="{}">{}</optgroup>', nom_groupe, options)
            morceaux.append(options)
        return format_html(
            '<select name="{}"{}>{}</select>',
            widget["name"],
            _attributs(widget["attrs"]),
            mark_safe("".join(morceaux)),  # noqa: S308 - each option escaped by format_html
        )


class _SaisieRapide:
    """An `<input>` written in Python, with the markup of Django's `input.html` (one template
    and its `attrs.html` include less per field of a list page's filter form, issue 14)."""

    def render(
        self,
        name: str,
        value: Any,
        attrs: dict[str, Any] | None = None,
        renderer: Any = None,
    ) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]  # type: ignore[attr-defined]
        valeur = widget["value"]
        return format_html(
            '<input type="{}" name="{}"{}{}>',
            widget["type"],
            widget["name"],
            format_html(' value="{}"', str(valeur)) if valeur is not None else "",
            _attributs(widget["attrs"]),
        )


class SaisieRapide(_SaisieRapide, forms.TextInput):
    """A text `<input>` written in Python (`_SaisieRapide`)."""


class NombreRapide(_SaisieRapide, forms.NumberInput):
    """A number `<input>` written in Python (`_SaisieRapide`)."""
