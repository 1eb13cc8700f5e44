from django.urls import path

from comptes import views
from comptes import vues_authentification as auth

urlpatterns = [
    path("connexion/", views.ConnexionView.as_view(), name="connexion"),
    path("connexion/second-facteur/", auth.second_facteur, name="second_facteur"),
    path("connexion/proconnect/", auth.oidc_connexion, name="oidc_authentication_init"),
    path("oidc/callback/", auth.oidc_rappel, name="oidc_authentication_callback"),
    path("connexion/demande-acces/", auth.demande_acces, name="demande_acces"),
    path("deconnexion/", views.DeconnexionView.as_view(), name="deconnexion"),
    path("compte/", views.compte, name="compte"),
    path("compte/double-facteur/", auth.double_facteur_vue, name="double_facteur"),
    path(
        "compte/double-facteur/codes-de-secours/",
        auth.codes_secours_regenerer,
        name="codes_secours_regenerer",
    ),
    path("compte/jetons/", views.jeton_creer_vue, name="jeton_creer"),
    path("compte/jetons/<int:pk>/revoquer/", views.jeton_revoquer_vue, name="jeton_revoquer"),
    path("comptes/demandes-acces/", auth.demandes_acces, name="demandes_acces"),
    path(
        "comptes/demandes-acces/<int:pk>/",
        auth.demande_acces_traiter,
        name="demande_acces_traiter",
    ),
    path(
        "mot-de-passe/oublie/",
        auth.ReinitialisationView.as_view(),
        name="reinitialisation",
    ),
    path(
        "mot-de-passe/envoye/",
        auth.ReinitialisationEnvoyeeView.as_view(),
        name="reinitialisation_envoyee",
    ),
    path(
        "mot-de-passe/nouveau/<uidb64>/<token>/",
        auth.ReinitialisationConfirmerView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "mot-de-passe/modifie/",
        auth.ReinitialisationTermineeView.as_view(),
        name="reinitialisation_terminee",
    ),
]
