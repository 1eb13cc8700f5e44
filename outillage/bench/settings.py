"""Settings of the benchmark: the portal's own settings, plus the bare view of the floor.

Only the URL configuration changes (`outillage.bench.urls` adds `/bench/plancher/`), so that the
product's URLs never carry a test view.
"""

import os
import warnings

os.environ.setdefault("SECRET_KEY", "bench-only-secret-key")

from cper.settings import *  # noqa: F403

ROOT_URLCONF = "outillage.bench.urls"
TEMPLATES[0]["DIRS"] = [  # noqa: F405
    *TEMPLATES[0]["DIRS"],  # type: ignore[misc]  # noqa: F405
    BASE_DIR / "outillage" / "bench" / "gabarits",  # noqa: F405
]
# The load client speaks plain HTTP on the loopback.
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
# Static files are served as in production: `mesurer` runs `collectstatic` first (hashed names,
# compressed copies); a bare `python -m outillage.bench.decoupage` before it only warns.
warnings.filterwarnings("ignore", message="No directory at", module="whitenoise.base")
# The benchmark measures pages, not the log-in: its sessions are built by hand, without the
# second factor that production asks of staff.
COMPTES_DOUBLE_FACTEUR_ROLES = []
