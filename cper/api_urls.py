from django.urls import path
from rest_framework.routers import SimpleRouter

from axes import api as axes_api
from comptes import api as comptes_api
from financement import api as financement_api
from financement import api_execution as execution_api
from financement import api_exports as financement_exports
from gouvernance import api as gouvernance_api
from projets import api as projets_api
from scenarios import api as scenarios_api
from suivi import api as suivi_api
from territoires import api as territoires_api

urlpatterns = [
    path("territoires/", territoires_api.TerritoireListApi.as_view(), name="territoires"),
    path(
        "territoires/<str:cle>/", territoires_api.TerritoireDetailApi.as_view(), name="territoire"
    ),
    path(
        "territoires/<str:cle>/dossiers/",
        territoires_api.TerritoireDossiersApi.as_view(),
        name="territoire-dossiers",
    ),
    path("contrat/", axes_api.ContratApi.as_view(), name="contrat"),
    path("signataires/", financement_api.SignataireListApi.as_view(), name="signataires"),
    path("axes/", axes_api.AxesApi.as_view(), name="axes"),
    path("mesures/", axes_api.MesureListApi.as_view(), name="mesures"),
    path("mesures/<str:code>/", axes_api.MesureDetailApi.as_view(), name="mesure"),
    path(
        "financement/lignes/",
        financement_api.LigneProgrammeeListApi.as_view(),
        name="lignes-programmees",
    ),
    path(
        "financement/lignes/<int:pk>/engagements/",
        financement_api.EngagementCreerApi.as_view(),
        name="engager",
    ),
    path(
        "financement/engagements/",
        financement_api.EngagementListApi.as_view(),
        name="engagements",
    ),
    path(
        "financement/engagements/<int:pk>/paiements/",
        financement_api.PaiementCreerApi.as_view(),
        name="payer",
    ),
    # Execution by the porteur (issue 16).
    path(
        "financement/lignes/<int:pk>/demandes-paiement/",
        execution_api.DemandeListApi.as_view(),
        name="demandes-paiement",
    ),
    path(
        "financement/demandes-paiement/<int:pk>/",
        execution_api.DemandeDetailApi.as_view(),
        name="demande-paiement",
    ),
    path(
        "financement/demandes-paiement/<int:pk>/instruction/",
        execution_api.DemandeInstruireApi.as_view(),
        name="demande-paiement-instruire",
    ),
    path(
        "financement/demandes-paiement/<int:pk>/complements/",
        execution_api.DemandeCompleterApi.as_view(),
        name="demande-paiement-completer",
    ),
    # Follow-up of the execution (issue 16): schedules and forecasts.
    path(
        "financement/lignes/<int:pk>/echeancier/",
        suivi_api.EcheancierApi.as_view(),
        name="echeancier",
    ),
    path(
        "signataires/<slug:code>/previsions/",
        suivi_api.PrevisionApi.as_view(),
        name="signataire-previsions",
    ),
    path("indicateurs/", suivi_api.IndicateurListApi.as_view(), name="indicateurs"),
    path("bilan-mi-parcours/", suivi_api.RevueApi.as_view(), name="bilan-mi-parcours"),
    path(
        "projets/<str:reference>/indicateurs/",
        suivi_api.ContributionListApi.as_view(),
        name="projet-indicateurs",
    ),
    path(
        "projets/<str:reference>/indicateurs/<int:pk>/",
        suivi_api.ContributionApi.as_view(),
        name="projet-indicateur",
    ),
    path("avenants/", financement_api.AvenantListApi.as_view(), name="avenants"),
    path(
        "avenants/<int:numero>/approbations/",
        financement_api.AvenantApprouverApi.as_view(),
        name="avenant-approuver",
    ),
    path("organisations/", comptes_api.OrganisationListApi.as_view(), name="organisations"),
    path("projets/", projets_api.ProjetListApi.as_view(), name="projets"),
    path("projets/<str:reference>/", projets_api.ProjetDetailApi.as_view(), name="projet"),
    path(
        "projets/<str:reference>/documents/",
        projets_api.DocumentListApi.as_view(),
        name="projet-documents",
    ),
    path(
        "projets/<str:reference>/documents/<int:pk>/",
        projets_api.DocumentApi.as_view(),
        name="projet-document",
    ),
    path(
        "projets/<str:reference>/demandes-pieces/",
        projets_api.DemandePiecesListApi.as_view(),
        name="projet-demandes-pieces",
    ),
    path(
        "projets/<str:reference>/avancements/",
        execution_api.AvancementListApi.as_view(),
        name="projet-avancements",
    ),
    path(
        "projets/<str:reference>/reequilibrer/",
        projets_api.ReequilibrageApi.as_view(),
        name="projet-reequilibrer",
    ),
    path(
        "projets/<str:reference>/<str:action>/",
        financement_api.ProjetActionApi.as_view(),
        name="projet-action",
    ),
    path("comites/", gouvernance_api.ComiteListApi.as_view(), name="comites"),
    path("comites/<slug:code>/", gouvernance_api.ComiteDetailApi.as_view(), name="comite"),
    path("grille/", gouvernance_api.GrilleApi.as_view(), name="grille"),
    path("seances/", gouvernance_api.SeanceListApi.as_view(), name="seances"),
    path("seances/<int:pk>/", gouvernance_api.SeanceDetailApi.as_view(), name="seance"),
    path(
        "seances/<int:pk>/ordre-du-jour/",
        gouvernance_api.SeanceInscrireApi.as_view(),
        name="seance-ordre-du-jour",
    ),
    path(
        "seances/<int:pk>/presences/",
        gouvernance_api.PresenceApi.as_view(),
        name="seance-presences",
    ),
    path("seances/<int:pk>/votes/", gouvernance_api.VoteListApi.as_view(), name="seance-votes"),
    path(
        "seances/<int:pk>/decisions/",
        gouvernance_api.DecisionListApi.as_view(),
        name="seance-decisions",
    ),
    path(
        "seances/<int:pk>/proces-verbal/",
        gouvernance_api.ProcesVerbalApi.as_view(),
        name="seance-proces-verbal",
    ),
    path(
        "seances/<int:pk>/points/<int:point_pk>/",
        gouvernance_api.PointApi.as_view(),
        name="seance-point",
    ),
    path(
        "seances/<int:pk>/points/<int:point_pk>/rang/",
        gouvernance_api.PointRangApi.as_view(),
        name="seance-point-rang",
    ),
    path(
        "seances/<int:pk>/points/<int:point_pk>/lignes/",
        gouvernance_api.ArbitrageListApi.as_view(),
        name="seance-point-lignes",
    ),
    path(
        "seances/<int:pk>/points/<int:point_pk>/lignes/<int:ligne_pk>/",
        gouvernance_api.ArbitrageApi.as_view(),
        name="seance-point-ligne",
    ),
    path(
        "seances/<int:pk>/points/<int:point_pk>/vote/",
        gouvernance_api.VoteApi.as_view(),
        name="seance-vote",
    ),
    path(
        "seances/<int:pk>/<str:action>/",
        gouvernance_api.SeanceActionApi.as_view(),
        name="seance-action",
    ),
    path(
        "evaluations/<str:reference>/",
        gouvernance_api.EvaluationApi.as_view(),
        name="evaluation",
    ),
]

urlpatterns += [
    # Open data, no log-in.
    path(
        "donnees/projets-programmes.csv",
        financement_exports.ProjetsProgrammesCsvApi.as_view(),
        name="donnees-projets-programmes-csv",
    ),
    path(
        "donnees/projets-programmes.json",
        financement_exports.ProjetsProgrammesJsonApi.as_view(),
        name="donnees-projets-programmes-json",
    ),
    path(
        "donnees/projets-programmes.xlsx",
        financement_exports.ProjetsProgrammesXlsxApi.as_view(),
        name="donnees-projets-programmes-xlsx",
    ),
    path(
        "donnees/indicateurs.csv",
        suivi_api.IndicateursCsvApi.as_view(),
        name="donnees-indicateurs-csv",
    ),
    path(
        "donnees/indicateurs.json",
        suivi_api.IndicateursJsonApi.as_view(),
        name="donnees-indicateurs-json",
    ),
    path(
        "donnees/indicateurs.xlsx",
        suivi_api.IndicateursXlsxApi.as_view(),
        name="donnees-indicateurs-xlsx",
    ),
    path(
        "donnees/subventions-scdl.csv",
        financement_exports.SubventionsScdlApi.as_view(),
        name="donnees-subventions-scdl",
    ),
    # Exports of the lists a person sees, with the lists' filters.
    path("exports/projets.csv", projets_api.ExportProjetsCsvApi.as_view(), name="export-projets"),
    path(
        "exports/projets.xlsx",
        projets_api.ExportProjetsXlsxApi.as_view(),
        name="export-projets-xlsx",
    ),
    path(
        "exports/lignes.csv", financement_exports.ExportLignesCsvApi.as_view(), name="export-lignes"
    ),
    path(
        "exports/lignes.xlsx",
        financement_exports.ExportLignesXlsxApi.as_view(),
        name="export-lignes-xlsx",
    ),
    path(
        "exports/engagements.csv",
        financement_exports.ExportEngagementsCsvApi.as_view(),
        name="export-engagements",
    ),
    path(
        "exports/engagements.xlsx",
        financement_exports.ExportEngagementsXlsxApi.as_view(),
        name="export-engagements-xlsx",
    ),
    path(
        "exports/paiements.csv",
        financement_exports.ExportPaiementsCsvApi.as_view(),
        name="export-paiements",
    ),
    path(
        "exports/previsions.csv",
        suivi_api.ExportPrevisionsCsvApi.as_view(),
        name="export-previsions",
    ),
    path(
        "exports/previsions.xlsx",
        suivi_api.ExportPrevisionsXlsxApi.as_view(),
        name="export-previsions-xlsx",
    ),
    path(
        "exports/paiements.xlsx",
        financement_exports.ExportPaiementsXlsxApi.as_view(),
        name="export-paiements-xlsx",
    ),
]

# Co-financing scenarios (issue 17): list, detail, create, patch, positions, adoption, comparison.
routeur = SimpleRouter()
routeur.register("scenarios", scenarios_api.ScenarioViewSet, basename="scenario")
urlpatterns += routeur.urls  # type: ignore[arg-type]  # the list above holds paths only
