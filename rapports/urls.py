from django.urls import path

from rapports import bilan_mi_parcours, comparaison_scenarios, views

app_name = "rapports"

urlpatterns = [
    path("", views.liste, name="liste"),
    path("<int:pk>/", views.travail, name="travail"),
    path("<int:pk>/etat/", views.etat, name="etat"),
    path("<int:pk>/telecharger/", views.telecharger, name="telecharger"),
    path("fiche-projet/<str:reference>/", views.fiche_projet, name="fiche_projet"),
    path("proces-verbal/<int:pk>/", views.proces_verbal, name="proces_verbal"),
    path(
        "bilan-mi-parcours.pdf",
        bilan_mi_parcours.bilan_mi_parcours_pdf,
        name="bilan_mi_parcours",
    ),
    path(
        "scenarios/<str:code>/comparaison.pdf",
        comparaison_scenarios.comparaison_pdf,
        name="comparaison_scenarios",
    ),
]
