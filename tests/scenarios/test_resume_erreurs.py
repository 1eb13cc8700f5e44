"""The scenario forms open, when refused, on the DSFR error summary: a link per field in
error with the French reason, nothing written; their required fields carry the asterisk."""

import re

from axes.models import Signataire
from financement.models import Avenant
from scenarios.models import OperationCandidate, Position, Scenario
from tests.scenarios.test_pages import _saisie
from tests.socle.test_resume_erreurs import verifier_resume


def test_une_operation_envisagee_refusee(client, agent):
    client.force_login(agent)  # the Région pilots the vélo technical committee
    reponse = client.post("/scenarios/V.2.1/", {"intitule": "", "cout": "cher"})
    verifier_resume(
        reponse, {"id_intitule": "", "id_cout": "Saisissez un montant en euros"}, statuts=(400,)
    )
    page = reponse.content.decode()
    assert re.search(r'opération<span class="fr-required-marker" aria-hidden="true">\s\*', page)
    assert "Les champs marqués d’un astérisque (*) sont obligatoires." in page
    assert not OperationCandidate.objects.exists()


def test_un_scenario_refuse_renvoie_a_la_part_en_erreur(client, velo, administrateur):
    client.force_login(administrateur)
    premiere = velo.candidates[0]
    reponse = client.post(
        "/scenarios/V.2.1/nouveau/", _saisie(velo, nom="", **{f"op{premiere.pk}_nord": "abc"})
    )
    verifier_resume(
        reponse,
        {
            "id_nom": "",
            f"id_op{premiere.pk}_nord": "Saisissez un montant en euros (120 000,00)",
        },
        statuts=(400,),
    )
    assert not Scenario.objects.filter(nom="").exists()


def test_une_position_de_refus_sans_motif(client, velo, agent_de):
    client.force_login(agent_de("nord"))
    reponse = client.post(
        f"/scenarios/scenario/{velo.scenarios['A'].pk}/position/", {"avis": "refus"}
    )
    verifier_resume(
        reponse,
        {"id_commentaire": "Dites pourquoi le signataire refuse ce scénario."},
        statuts=(400,),
    )
    assert not Position.objects.exists()


def test_une_adoption_sans_seance(client, velo, administrateur):
    client.force_login(administrateur)
    reponse = client.post(
        f"/scenarios/scenario/{velo.scenarios['B'].pk}/adopter/",
        {"initie_par": Signataire.objects.get(code="etat").pk},
    )
    verifier_resume(reponse, {"id_seance": ""}, statuts=(400,))
    assert not Avenant.objects.exists()
