"""The portal's URLs plus a page that fails (`tests.socle.urls_panne`), with every error
handler of the portal: Django takes them from the root URL module only, so a test URL module
without them would answer Django's English « Not Found »."""

from cper.urls import handler400, handler403, handler404, handler500
from tests.socle.urls_panne import urlpatterns

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]
