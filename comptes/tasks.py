"""E-mails of the log-in steps, sent by a worker: the reset page answers in the same time
whether the address has an account (an e-mail to send) or not, and a ProConnect log-in does
not wait for the secretariat's notification."""

from celery import shared_task
from django.core.mail import EmailMultiAlternatives


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=30, max_retries=3)
def courriel_envoyer_task(
    sujet: str, corps: str, expediteur: str | None, destinataires: list[str]
) -> None:
    EmailMultiAlternatives(sujet, corps, expediteur, destinataires).send()
