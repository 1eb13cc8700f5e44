"""Celery application of the portal.

With no broker configured (`CELERY_BROKER_URL` unset), settings make tasks run eagerly in the
calling process, so that `make run` works on a machine with nothing but Python.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cper.settings")

app = Celery("cper")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
