from django.urls import path

from axes import api as axes_api
from financement import api as financement_api

urlpatterns = [
    path("contrat/", axes_api.ContratApi.as_view(), name="contrat"),
    path("signataires/", financement_api.SignataireListApi.as_view(), name="signataires"),
    path("axes/", axes_api.AxesApi.as_view(), name="axes"),
    path("mesures/", axes_api.MesureListApi.as_view(), name="mesures"),
    path("mesures/<str:code>/", axes_api.MesureDetailApi.as_view(), name="mesure"),
]
