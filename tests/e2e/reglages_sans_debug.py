"""Settings of the browser test of the error pages: the test settings, DEBUG off for sure, and
the test URLs of `tests.socle.urls_panne` (the portal's URLs plus a page that fails), so that
the production URLs never hold a page made to fail."""

from cper.settings_test import *  # noqa: F403

DEBUG = False
ROOT_URLCONF = "tests.socle.urls_panne"
