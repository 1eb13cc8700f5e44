from django.urls import path

from projets import views

app_name = "projets"

urlpatterns = [
    path("", views.liste, name="liste"),
    path("nouveau/", views.creer, name="creer"),
    path("<str:reference>/", views.detail, name="detail"),
    path("<str:reference>/modifier/", views.modifier, name="modifier"),
    path("<str:reference>/reequilibrer/", views.reequilibrer, name="reequilibrer"),
    path("<str:reference>/documents/", views.document_ajouter, name="document_ajouter"),
    path("<str:reference>/documents/<int:pk>/", views.document_telecharger, name="document"),
    path(
        "<str:reference>/documents/<int:pk>/retirer/",
        views.document_retirer,
        name="document_retirer",
    ),
    path(
        "<str:reference>/documents/<int:pk>/remplacer/",
        views.document_remplacer,
        name="document_remplacer",
    ),
    path("<str:reference>/pieces/demander/", views.pieces_demander_vue, name="pieces_demander"),
]
