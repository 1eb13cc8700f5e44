"""The portal's URLs plus three pages that let a business-rule error escape."""

from django.urls import path

from cper.urls import urlpatterns as urls_du_portail
from socle.exceptions import ActionNonAutorisee, EtatIncompatible, RegleMetierError


def refus(request):
    raise RegleMetierError(erreurs={"montant": ["Le montant dépasse l’enveloppe.", "Et ceci."]})


def interdit(request):
    raise ActionNonAutorisee("Seul le secrétariat du CPER prépare les avenants.")


def etat(request):
    raise EtatIncompatible("Le projet est « soldé » : il ne reçoit plus d'engagement.")


urlpatterns = [
    path("essai/refus/", refus),
    path("essai/interdit/", interdit),
    path("essai/etat/", etat),
    *urls_du_portail,
]
