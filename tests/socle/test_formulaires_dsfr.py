"""The DSFR forms of gouvernance, comptes, scenarios, rapports and reprise share one renderer
(socle.formulaires.FormulaireDsfr, issue 14): the HTML is byte for byte the one django-dsfr's
own renderer (a new one per form) wrote, unbound, bound and refused."""

from types import SimpleNamespace

from django.test import RequestFactory
from dsfr.forms import DsfrBaseForm

from axes.models import Contrat, Niveau, Noeud, Signataire
from comptes.forms import (
    CodeForm,
    ConnexionForm,
    DemandeApprouverForm,
    JetonForm,
    NouveauMotDePasseForm,
    ReinitialisationForm,
)
from gouvernance.forms import MembreForm
from rapports.forms import DemandeBilanForm
from reprise.forms import DepotImportForm
from scenarios.forms import AdoptionForm, CandidateForm, PositionForm, ScenarioForm
from socle.formulaires import FormulaireDsfr


def _formulaires(agent):
    contrat = Contrat.objects.get()
    noeud = Noeud.objects.filter(niveau=Niveau.SOUS_AXE).first() or Noeud.objects.first()
    signataires = list(Signataire.objects.order_by("ordre")[:2])
    candidate = SimpleNamespace(
        pk=7, intitule="Halle « Nord » & <quai>", annee_debut=2023, annee_fin=2025
    )
    requete = RequestFactory().post("/", REMOTE_ADDR="10.0.0.1")
    refus = {
        "montant": "abc",
        "cout": "-1",
        "plafond": "1,234",
        "email": "pas-une-adresse",
        "new_password1": "a",
        "new_password2": "b",
        "debut": "hier",
        "avis": "?",
    }
    return [
        lambda d: ConnexionForm(request=requete, data=d and {"username": "", "password": ""}),
        lambda d: JetonForm(d),
        lambda d: CodeForm(d),
        lambda d: ReinitialisationForm(d, request=requete),
        lambda d: NouveauMotDePasseForm(agent, d),
        lambda d: DemandeApprouverForm(d),
        lambda d: MembreForm(d, initial={"debut": "2026-01-01"}),
        lambda d: DemandeBilanForm(d, contrat=contrat),
        lambda d: DepotImportForm(d),
        lambda d: CandidateForm(d, noeud=noeud),
        lambda d: ScenarioForm(d, candidates=[candidate], signataires=signataires),
        lambda d: PositionForm(d),
        lambda d: AdoptionForm(d, noeud=noeud),
    ], refus


def test_les_formulaires_dsfr_partagent_un_rendu_qui_ecrit_le_meme_html(agent):
    fabriques, refus = _formulaires(agent)
    for fabrique in fabriques:
        for donnees in (None, refus):
            nouveau, ancien = fabrique(donnees), fabrique(donnees)
            assert isinstance(nouveau, FormulaireDsfr)
            assert nouveau.renderer is fabrique(donnees).renderer
            # django-dsfr's own renderer: a new one for each form (a class that Form instantiates)
            ancien.renderer = DsfrBaseForm.default_renderer.fget(ancien)()
            assert ancien.renderer is not nouveau.renderer
            assert type(ancien.renderer) is type(nouveau.renderer)
            assert str(nouveau) == str(ancien), type(nouveau).__name__
            assert [c.as_field_group() for c in nouveau] == [c.as_field_group() for c in ancien]
            if donnees:
                assert nouveau.errors == ancien.errors
    # A refusal does show (the comparison is not of two empty pages)
    assert "fr-error-text" in str(fabriques[1](refus))
