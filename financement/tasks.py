"""Celery entry points of the ledger: they only call the use-case."""

from celery import shared_task

from financement.verification import registre_verifier


@shared_task(acks_late=True)
def registre_verifier_task() -> None:
    """Nightly (beat): the ledger's running totals recomputed from the rows."""
    registre_verifier()
