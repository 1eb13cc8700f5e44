from django.urls import path

from territoires import donnees_ouvertes, views

app_name = "territoires"

urlpatterns = [
    path("", views.region, name="region"),
    path("departement/<str:code>/", views.departement, name="departement"),
    path("epci/<str:siren>/", views.epci, name="epci"),
    path("commune/<str:insee>/", views.commune, name="commune"),
    path("specifique/<str:code>/", views.special, name="special"),
    path("recherche/", views.recherche, name="recherche"),
    path("donnees/territoire.schema.json", donnees_ouvertes.schema, name="donnees-schema"),
    path("donnees/<str:cle>.<str:format>", donnees_ouvertes.fichier, name="donnees"),
]
