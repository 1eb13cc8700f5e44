from django.urls import path

from comptes import views

urlpatterns = [
    path("connexion/", views.ConnexionView.as_view(), name="connexion"),
    path("deconnexion/", views.DeconnexionView.as_view(), name="deconnexion"),
    path("compte/", views.compte, name="compte"),
    path("compte/jetons/", views.jeton_creer_vue, name="jeton_creer"),
    path("compte/jetons/<int:pk>/revoquer/", views.jeton_revoquer_vue, name="jeton_revoquer"),
]
