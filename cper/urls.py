from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from financement import views as financement_views
from socle import sante
from tableau_de_bord import views

admin.site.site_header = "Administration du portail CPER Hauts-de-France"
admin.site.site_title = "Portail CPER"
admin.site.index_title = "Données du contrat et du portail"

urlpatterns = [
    path("", views.accueil, name="accueil"),
    path("tableau-de-bord/", views.tableau_de_bord, name="tableau_de_bord"),
    path("programme/", views.programme, name="programme"),
    path("programme/<str:code>/", views.noeud_detail, name="noeud"),
    path("departements/<str:code>/", views.departement, name="departement"),
    path("", include("comptes.urls")),
    # A dossier's lifecycle step taken by hand: served by the ledger (its money-moving steps go
    # through `financement.services`), under the dossier's address.
    path(
        "projets/<str:reference>/action/<str:action>/",
        financement_views.projet_action,
        name="projet_action",
    ),
    path("projets/", include("projets.urls")),
    path("financement/", include("financement.urls")),
    path("rapports/", include("rapports.urls")),
    path("reprise/", include("reprise.urls")),
    path("gouvernance/", include("gouvernance.urls")),
    path("scenarios/", include("scenarios.urls")),
    path("territoires/", include("territoires.urls")),
    path("suivi/", include("suivi.urls")),
    path("donnees/", financement_views.donnees_ouvertes, name="donnees"),
    path(
        "donnees/projets-programmes.schema.json",
        financement_views.schema_projets_programmes,
        name="donnees-schema-projets-programmes",
    ),
    path(
        "donnees/subventions-scdl.schema.json",
        financement_views.schema_scdl,
        name="donnees-schema-scdl",
    ),
    # Health of the node for the proxy, and the cluster's state for the administrators.
    path("sante/", sante.sante, name="sante"),
    path("sante/grappe/", sante.etat_grappe, name="etat_grappe"),
    path("admin/", admin.site.urls),
    path("api/v1/", include(("cper.api_urls", "api"), namespace="api")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
]

# French pages (and French JSON under /api/) instead of Django's bare English answers.
handler400 = "socle.erreurs.page_400"
handler403 = "socle.erreurs.page_403"
handler404 = "socle.erreurs.page_404"
handler500 = "socle.erreurs.page_500"
