from django.urls import path

from reprise import views

app_name = "reprise"

urlpatterns = [
    path("", views.accueil, name="accueil"),
    path("modele.xlsx", views.modele, name="modele"),
    path("programmation.xlsx", views.export, name="export"),
    path("<int:pk>/", views.import_detail, name="import"),
    path("<int:pk>/etat/", views.import_etat, name="etat"),
    path("<int:pk>/appliquer/", views.import_appliquer, name="appliquer"),
]
