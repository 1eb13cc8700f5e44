from django.urls import path

from suivi import views

app_name = "suivi"

urlpatterns = [
    path("signataires/<slug:code>/previsions/", views.prevision, name="prevision"),
    path("lignes/<int:pk>/echeancier/", views.echeancier, name="echeancier"),
    path("indicateurs/", views.indicateurs, name="indicateurs"),
    path("indicateurs/<int:pk>/", views.indicateur_modifier, name="indicateur_modifier"),
    path("projets/<str:reference>/indicateurs/", views.contributions, name="contributions"),
    path("bilan-mi-parcours/", views.revue, name="revue"),
    path("bilan-mi-parcours.xlsx", views.revue_xlsx, name="revue_xlsx"),
    path("bilan-mi-parcours/avenant/", views.revue_avenant, name="revue_avenant"),
]
