"""The portal's URLs plus a page and an API path that fail with an unexpected error."""

from django.contrib.auth.decorators import login_not_required
from django.db import DataError
from django.urls import path
from rest_framework.permissions import AllowAny
from rest_framework.views import APIView

from cper.urls import urlpatterns as urls_du_portail


@login_not_required
def panne(request):
    raise RuntimeError("panne simulée")


class TropLong(APIView):
    """A value past a column's limit that no serializer caught (the database refuses it)."""

    permission_classes = [AllowAny]

    def post(self, request):
        raise DataError('value too long for type character varying(200) in "lien_visio"')


@login_not_required
def trop_long(request):
    raise DataError('value too long for type character varying(200) in "lien_visio"')


urlpatterns = [
    path("essai/trop-long/", trop_long),
    path("api/v1/essai/trop-long/", TropLong.as_view()),
    path("essai/panne/", panne),
    path("api/v1/essai/panne/", panne),
    *urls_du_portail,
]

handler500 = "socle.erreurs.page_500"
