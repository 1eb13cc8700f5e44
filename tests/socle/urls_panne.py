"""The portal's URLs plus a page and an API path that fail with an unexpected error."""

from django.contrib.auth.decorators import login_not_required
from django.urls import path

from cper.urls import urlpatterns as urls_du_portail


@login_not_required
def panne(request):
    raise RuntimeError("panne simulée")


urlpatterns = [
    path("essai/panne/", panne),
    path("api/v1/essai/panne/", panne),
    *urls_du_portail,
]

handler500 = "socle.erreurs.page_500"
