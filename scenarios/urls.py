from django.urls import path

from scenarios import views

app_name = "scenarios"

urlpatterns = [
    path("", views.accueil, name="accueil"),
    path("scenario/<int:pk>/", views.scenario_detail, name="scenario"),
    path("scenario/<int:pk>/modifier/", views.scenario_modifier_page, name="modifier"),
    path("scenario/<int:pk>/position/", views.position, name="position"),
    path("scenario/<int:pk>/adopter/", views.adopter, name="adopter"),
    path("<str:code>/", views.sous_axe, name="sous_axe"),
    path("<str:code>/nouveau/", views.scenario_nouveau, name="nouveau"),
    path("<str:code>/comparaison/", views.comparaison, name="comparaison"),
]
