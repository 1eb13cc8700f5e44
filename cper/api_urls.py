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
