from django.urls import path

from suivi import views

app_name = "suivi"

urlpatterns = [
    path("signataires/<slug:code>/previsions/", views.prevision, name="prevision"),
    path("lignes/<int:pk>/echeancier/", views.echeancier, name="echeancier"),
]
