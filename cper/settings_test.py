"""Settings for the test suite: PostgreSQL and Redis for real, as on the CI machine.

Environment variables still win, so CI can point the suite at other servers.
"""

import os
import tempfile
from pathlib import Path

os.environ.setdefault("SECRET_KEY", "test-only-secret-key")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/cper_portail")
os.environ.setdefault("CELERY_BROKER_URL", "redis://127.0.0.1:6379/15")

from cper.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Tasks are sent to Redis and run by a worker only in the tests that start one; elsewhere
# they run in-process so that a test sees their effect. The worker those tests start runs with
# `CELERY_EAGER=0`.
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_EAGER", True)  # noqa: F405
RAPPORTS_PAUSE_DE_TEST_AUTORISEE = True
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
# The test client and the browser tests speak plain HTTP on loopback.
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Uploaded documents of the tests go to a scratch folder, never into the repository.
# (A worker started by a test gets its own CPER_VAR_DIR, and so its own documents folder.)
if not os.environ.get("CPER_VAR_DIR"):
    MEDIA_ROOT = Path(tempfile.gettempdir()) / "cper-tests-documents"
# Staff log in with a password and no second factor unless a test asks for it (the tests of
# comptes and the browser tests of the second factor set the roles).
COMPTES_DOUBLE_FACTEUR_ROLES = env_list("COMPTES_DOUBLE_FACTEUR_ROLES", [])  # noqa: F405
# The territories' figures are computed on every request in the tests (a test's data is rolled
# back, not its cache); `tests/territoires/test_cache.py` turns the cache on.
TERRITOIRES_CACHE_SECONDES = int(os.environ.get("TERRITOIRES_CACHE_SECONDES", "0"))
# No piece is asked at filing unless a test sets the list (`settings.PIECES_REQUISES`): the
# suite's dossiers are filed without attachments.
PIECES_REQUISES = {"defaut": [], "par_mesure": {}}
# Likewise for the programme's choices and tree (`tests/axes/test_cache_programme.py`).
PROGRAMME_CACHE_SECONDES = int(os.environ.get("PROGRAMME_CACHE_SECONDES", "0"))
# Likewise for the mid-term review's figures (`tests/suivi/test_cache_revue.py`).
SUIVI_CACHE_SECONDES = int(os.environ.get("SUIVI_CACHE_SECONDES", "0"))
