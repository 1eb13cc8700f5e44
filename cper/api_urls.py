from django.urls import path

from axes import api as axes_api
from financement import api as financement_api
from projets import api as projets_api

urlpatterns = [
    path("contrat/", axes_api.ContratApi.as_view(), name="contrat"),
    path("signataires/", financement_api.SignataireListApi.as_view(), name="signataires"),
    path("axes/", axes_api.AxesApi.as_view(), name="axes"),
    path("mesures/", axes_api.MesureListApi.as_view(), name="mesures"),
    path("mesures/<str:code>/", axes_api.MesureDetailApi.as_view(), name="mesure"),
    path(
        "financement/lignes/",
        financement_api.LigneProgrammeeListApi.as_view(),
        name="lignes-programmees",
    ),
    path(
        "financement/lignes/<int:pk>/engagements/",
        financement_api.EngagementCreerApi.as_view(),
        name="engager",
    ),
    path(
        "financement/engagements/",
        financement_api.EngagementListApi.as_view(),
        name="engagements",
    ),
    path(
        "financement/engagements/<int:pk>/paiements/",
        financement_api.PaiementCreerApi.as_view(),
        name="payer",
    ),
    path("avenants/", financement_api.AvenantListApi.as_view(), name="avenants"),
    path(
        "avenants/<int:numero>/approbations/",
        financement_api.AvenantApprouverApi.as_view(),
        name="avenant-approuver",
    ),
    path("projets/", projets_api.ProjetListApi.as_view(), name="projets"),
    path("projets/<str:reference>/", projets_api.ProjetDetailApi.as_view(), name="projet"),
    path(
        "projets/<str:reference>/documents/",
        projets_api.DocumentListApi.as_view(),
        name="projet-documents",
    ),
    path(
        "projets/<str:reference>/documents/<int:pk>/",
        projets_api.DocumentApi.as_view(),
        name="projet-document",
    ),
    path(
        "projets/<str:reference>/<str:action>/",
        projets_api.ProjetActionApi.as_view(),
        name="projet-action",
    ),
]
