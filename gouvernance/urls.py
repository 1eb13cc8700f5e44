from django.urls import path

from gouvernance import views

app_name = "gouvernance"

urlpatterns = [
    path("", views.comites, name="comites"),
    path("grille/", views.grille, name="grille"),
    path("comites/<slug:code>/", views.comite, name="comite"),
    path("comites/<slug:code>/seances/", views.seance_creer, name="seance_creer"),
    path("comites/<slug:code>/membres/", views.membre_nommer, name="membre_nommer"),
    path(
        "comites/<slug:code>/membres/<int:pk>/fin/", views.membre_terminer, name="membre_terminer"
    ),
    path("seances/<int:pk>/", views.seance, name="seance"),
    path("seances/<int:pk>/inscrire/", views.seance_inscrire, name="seance_inscrire"),
    path("seances/<int:pk>/presences/", views.presences, name="presences"),
    path("seances/<int:pk>/clore/", views.seance_clore, name="clore"),
    path("seances/<int:pk>/decompte/", views.decompte_page, name="decompte"),
    path("seances/<int:pk>/decompte.json", views.decompte_json, name="decompte_json"),
    path("seances/<int:pk>/proces-verbal/", views.proces_verbal, name="proces_verbal"),
    path("seances/<int:pk>/points/<int:point_pk>/", views.point, name="point"),
    path("seances/<int:pk>/points/<int:point_pk>/voter/", views.voter, name="voter"),
    path(
        "seances/<int:pk>/points/<int:point_pk>/retirer/",
        views.point_retirer,
        name="point_retirer",
    ),
    path(
        "seances/<int:pk>/points/<int:point_pk>/deplacer/",
        views.point_deplacer,
        name="point_deplacer",
    ),
    path(
        "seances/<int:pk>/points/<int:point_pk>/lignes/<int:ligne_pk>/",
        views.arbitrer,
        name="arbitrer",
    ),
    path("seances/<int:pk>/<str:action>/", views.seance_action, name="seance_action"),
    path("evaluations/<str:reference>/", views.evaluation, name="evaluation"),
]
