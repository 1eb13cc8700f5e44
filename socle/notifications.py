"""E-mail notifications: one French message, plain text and HTML, sent once the data is saved.

App-agnostic: the caller gives the recipients, the subject and a template name; this module
imports no domain app.
"""

import logging
from collections.abc import Iterable, Mapping

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)


def notifier(
    *, destinataires: Iterable[str], sujet: str, gabarit: str, contexte: Mapping[str, object]
) -> None:
    """Send `gabarit`.txt (and `gabarit`.html) to `destinataires` after the transaction commits.

    Nothing is sent if the transaction rolls back, or if no recipient has an address. A mail
    server that fails is logged, never turned into an error of the caller's use-case.
    """
    adresses = sorted({adresse for adresse in destinataires if adresse})
    if not adresses:
        return
    complet = {"PORTAIL_URL": settings.PORTAIL_URL, **contexte}
    texte = render_to_string(f"{gabarit}.txt", complet)
    html = render_to_string(f"{gabarit}.html", complet)

    def envoyer() -> None:
        message = EmailMultiAlternatives(
            subject=sujet, body=texte, from_email=settings.DEFAULT_FROM_EMAIL, to=adresses
        )
        message.attach_alternative(html, "text/html")
        message.send()

    transaction.on_commit(envoyer, robust=True)
