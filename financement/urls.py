from django.urls import path

from financement import execution_views, views

app_name = "financement"

urlpatterns = [
    path("", views.programme, name="programme"),
    path("etat/", views.etat_a_la_date, name="etat"),
    path("journal/", views.journal, name="journal"),
    path("maquette/", views.maquette, name="maquette"),
    path("siret-des-signataires/", views.siret_signataires, name="siret_signataires"),
    path("signataires/<slug:code>/", views.signataire, name="signataire"),
    path("projets/<str:reference>/", views.projet, name="projet"),
    path("lignes/<int:pk>/", views.ligne, name="ligne"),
    path("lignes/<int:pk>/engager/", views.engager, name="engager"),
    path("engagements/<int:pk>/payer/", views.payer, name="payer"),
    path("projets/<str:reference>/execution/", execution_views.execution, name="execution"),
    path("lignes/<int:pk>/demander/", execution_views.demander, name="demander"),
    path("demandes/<int:pk>/", execution_views.demande, name="demande"),
    path("demandes/<int:pk>/instruire/", execution_views.instruire, name="demande_instruire"),
    path("demandes/<int:pk>/completer/", execution_views.completer, name="demande_completer"),
    path("avenants/", views.avenants, name="avenants"),
    path("avenants/nouveau/", views.avenant_nouveau, name="avenant_nouveau"),
    path("avenants/<int:numero>/", views.avenant, name="avenant"),
    path("avenants/<int:numero>/vigueur/", views.avenant_vigueur, name="avenant_vigueur"),
]
