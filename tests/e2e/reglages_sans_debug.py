"""Settings of the browser test of the error pages: the test settings, DEBUG off for sure, and
the URLs of `tests.e2e.urls_sans_debug` (the portal's URLs and error handlers, plus a page that
fails), so that no production URL is made to fail."""

from cper.settings_test import *  # noqa: F403

DEBUG = False
ROOT_URLCONF = "tests.e2e.urls_sans_debug"
