"""Issue 13: a committee's type is read by the rules. Only a body with the power to programme
(`Comite.pouvoir_programmer`, by default the general programming committee alone) retains and
programmes; a technical committee gives opinions (« avis »): the dossier stays « instruit », no
ledger line is written, and the programming committee takes it up. The quorum is recorded on
each decision as `etat_quorum` computes it."""

from datetime import date, timedelta
from decimal import Decimal
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from axes.models import Noeud, Signataire
from comptes.models import Role
from financement.models import Enveloppe, JournalFinancier, LigneProgrammee
from gouvernance import selectors
from gouvernance import services as gouvernance_services
from gouvernance.models import Comite, Decision, Membre, RoleMembre
from gouvernance.services import (
    presence_enregistrer,
    seance_clore,
    seance_creer,
    seance_inscrire_projet,
    seance_ouvrir,
    vote_enregistrer,
)
from projets.models import Projet, Statut, TransitionProjet


def test_seul_le_comite_de_programmation_a_le_pouvoir_de_programmer_par_defaut():
    assert list(Comite.objects.filter(pouvoir_programmer=True).values_list("code", flat=True)) == [
        "programmation"
    ]
    assert Comite.objects.filter(type="technique", pouvoir_programmer=False).count() == 7


@pytest.fixture
def seance_technique(creer_utilisateur, instruire, nouveau_projet):
    """The cycling technical committee, whose scope the secretariat widened to axis IV, with
    three voting members and a secretariat; a session with one instructed dossier on it."""
    comite = Comite.objects.get(code="technique-velo")
    comite.mesures.add(Noeud.objects.get(code="IV"))
    orga = {s.code: s.organisation for s in Signataire.objects.all()}

    def membre(identifiant, role, organisation, role_utilisateur=Role.MEMBRE_COMITE):
        utilisateur = creer_utilisateur(
            identifiant, role=role_utilisateur, organisation=organisation
        )
        return Membre.objects.create(
            comite=comite,
            utilisateur=utilisateur,
            organisation=organisation,
            role=role,
            debut=date(2024, 1, 1),
        )

    votants = [
        membre("velo.etat", RoleMembre.PRESIDENT, orga["etat"]),
        membre("velo.region", RoleMembre.VOTANT, orga["region"]),
        membre("velo.nord", RoleMembre.VOTANT, orga["nord"]),
    ]
    secretaire = membre("velo.secretariat", RoleMembre.SECRETARIAT, orga["region"], Role.AGENT)
    seance = seance_creer(
        comite=comite,
        date=timezone.now() + timedelta(days=1),
        lieu="Hôtel de région, Lille",
        par=secretaire.utilisateur,
    )
    projet = instruire(nouveau_projet(titre="Véloroute du campus"))
    point = seance_inscrire_projet(seance=seance, projet=projet, par=secretaire.utilisateur)
    for m in votants:
        presence_enregistrer(seance=seance, membre=m, statut="present", par=secretaire.utilisateur)
    seance_ouvrir(seance=seance, par=secretaire.utilisateur)
    return seance, point, votants, secretaire.utilisateur


def test_un_comite_technique_rend_un_avis_sans_programmer(seance_technique, comitologie):
    seance, point, votants, secretaire = seance_technique
    projet = point.projet
    assert Projet.objects.get(pk=projet.pk).statut == Statut.INSTRUIT  # inscription: no move
    for m in votants:
        vote_enregistrer(point=point, choix="pour", par=m.utilisateur)
    journal_avant = JournalFinancier.objects.count()
    transitions_avant = TransitionProjet.objects.filter(projet=projet).count()

    with mock.patch.object(
        gouvernance_services, "etat_quorum", wraps=selectors.etat_quorum
    ) as quorum:
        (decision,) = seance_clore(seance=seance, par=secretaire)

    quorum.assert_called_once()
    decision.refresh_from_db()
    assert decision.avis is True and decision.programme is False
    assert decision.resultat == "retenu" and decision.libelle == "Avis favorable"
    assert decision.quorum_atteint is selectors.etat_quorum(seance=seance).atteint is True
    assert "C'est un avis" in decision.motif and "pouvoir de programmer" in decision.motif
    # Nothing moved: no ledger line, no envelope, no step of the dossier.
    assert not LigneProgrammee.objects.filter(projet=projet).exists()
    assert JournalFinancier.objects.count() == journal_avant
    assert Enveloppe.objects.get(signataire__code="region").montant_programme == Decimal("0.00")
    assert TransitionProjet.objects.filter(projet=projet).count() == transitions_avant
    # The dossier stays « instruit »: the programming committee takes it up.
    assert Projet.objects.get(pk=projet.pk).statut == Statut.INSTRUIT
    seance_inscrire_projet(seance=comitologie.seance, projet=projet, par=comitologie.secretaire)
    assert Projet.objects.get(pk=projet.pk).statut == Statut.INSCRIT_ORDRE_DU_JOUR


def test_le_proces_verbal_et_la_page_disent_avis(client, seance_technique, administrateur):
    seance, point, votants, secretaire = seance_technique
    for m in votants:
        vote_enregistrer(point=point, choix="contre", par=m.utilisateur)
    seance_clore(seance=seance, par=secretaire)
    client.force_login(administrateur)
    pv = client.get(f"/gouvernance/seances/{seance.pk}/proces-verbal/")
    assert pv.status_code == 200, pv.status_code
    texte = pv.content.decode()
    assert "Avis du comité" in texte and "Avis défavorable" in texte
    assert "n'a pas le pouvoir de programmer" in texte.replace("&#x27;", "'")
    page = client.get(f"/gouvernance/comites/{seance.comite.code}/")
    assert "Pouvoir de programmer : non" in page.content.decode()
    assert "réglage fixé par le secrétariat" in page.content.decode()


def test_le_comite_de_programmation_enregistre_le_quorum_calcule(comitologie):
    c = comitologie
    c.tous_presents()
    c.ouvrir()
    for membre in (c.president, c.votants[0], c.votants[1]):
        vote_enregistrer(point=c.points[0], choix="pour", par=membre.utilisateur)
    decisions = seance_clore(seance=c.seance, par=c.secretaire)
    calcule = selectors.etat_quorum(seance=c.seance).atteint
    assert all(d.quorum_atteint is calcule for d in decisions)
    assert all(not d.avis for d in decisions)
    assert decisions[0].programme is True
    assert Decision.objects.filter(quorum_atteint=True).count() == 2


def test_le_pouvoir_ne_change_pas_pendant_une_seance_avec_ordre_du_jour(comitologie):
    comite = Comite.objects.get(code="programmation")
    comite.pouvoir_programmer = False
    with pytest.raises(ValidationError) as refus:
        comite.full_clean()
    assert "le pouvoir de programmer change une fois ses séances closes" in str(
        refus.value.message_dict["pouvoir_programmer"]
    )
    assert Comite.objects.get(code="programmation").pouvoir_programmer is True
    velo = Comite.objects.get(code="technique-velo")  # no session: the secretariat may set it
    velo.pouvoir_programmer = True
    velo.full_clean()


def test_l_api_dit_le_pouvoir_et_l_avis(client, seance_technique, administrateur):
    seance, point, votants, secretaire = seance_technique
    for m in votants:
        vote_enregistrer(point=point, choix="pour", par=m.utilisateur)
    seance_clore(seance=seance, par=secretaire)
    client.force_login(administrateur)
    comite = client.get("/api/v1/comites/technique-velo/").json()
    assert comite["pouvoir_programmer"] is False
    assert client.get("/api/v1/comites/programmation/").json()["pouvoir_programmer"] is True
    detail = client.get(f"/api/v1/seances/{seance.pk}/").json()
    (decision,) = [p["decision"] for p in detail["ordre_du_jour"]]
    assert decision["avis"] is True and decision["programme"] is False
    assert decision["quorum_atteint"] is True
