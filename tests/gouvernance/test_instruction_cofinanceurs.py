"""Issue 13: each CPER co-funder of a dossier instructs it (its grid, its opinion on its own
line); the dossier is « instruit » only when every co-funder named in the plan has filed (a
setting relaxes it to « at least one »); the bare « terminer l'instruction » is refused with
the missing co-funders named; late co-funders show on their agents' dashboard and e-mail; the
score and the opinions appear on the dossier page, the agenda item, the fiche PDF and the API.
"""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from axes.models import Signataire
from comptes.models import Role
from gouvernance.models import Evaluation, JournalGouvernance, NoteCritere
from gouvernance.selectors import grilles_en_retard
from gouvernance.services import evaluation_deposer, seance_inscrire_projet
from projets.models import NatureFinancement, Projet, SourceFinancement, Statut, TransitionProjet
from projets.services import LigneSaisie, projet_creer, projet_transitionner
from projets.workflow import Action
from rapports.models import Travail
from socle.exceptions import ActionNonAutorisee, EtatIncompatible, RegleMetierError
from tableau_de_bord.recapitulatifs import recapitulatifs_envoyer
from tests.factories.gouvernance import SeanceFactory, agent_instructeur, notes
from tests.rapports.outils import normaliser, texte_pdf

ETAT, REGION, NORD = "État", "Région Hauts-de-France", "Département du Nord"
TRIO = ["etat", "region", "nord"]


def _lignes() -> list[LigneSaisie]:
    """1 000 000,00 €: Région 400 000, État 300 000, Nord 100 000 (CPER), own funds 200 000."""
    s = {x.code: x.pk for x in Signataire.objects.filter(code__in=TRIO)}
    return [
        LigneSaisie(Decimal("400000.00"), NatureFinancement.CPER, signataire_id=s["region"]),
        LigneSaisie(Decimal("300000.00"), NatureFinancement.CPER, signataire_id=s["etat"]),
        LigneSaisie(Decimal("100000.00"), NatureFinancement.CPER, signataire_id=s["nord"]),
        LigneSaisie(
            Decimal("200000.00"),
            NatureFinancement.HORS_CPER,
            source=SourceFinancement.FONDS_PROPRES,
        ),
    ]


@pytest.fixture
def trio(porteur, donnees_completes):
    """A dossier co-funded by the État, the Région and the Nord, under instruction."""
    projet = projet_creer(donnees=donnees_completes(lignes=_lignes()), par=porteur)
    projet_transitionner(projet=projet, action=Action.DEPOSER, par=porteur)
    projet_transitionner(projet=projet, action=Action.INSTRUIRE, par=agent_instructeur("etat"))
    return Projet.objects.get(pk=projet.pk)


def deposer(projet, code, avis="favorable", note=3, commentaire=""):
    evaluation_deposer(
        projet=projet,
        par=agent_instructeur(code),
        notes=notes(note),
        avis=avis,
        commentaire=commentaire or f"Avis de {code}.",
    )
    return Projet.objects.get(pk=projet.pk)


def api(utilisateur):
    client = APIClient()
    client.force_authenticate(utilisateur)
    return client


def texte(reponse) -> str:
    return normaliser(reponse.content.decode().replace("&#x27;", "'").replace("&nbsp;", " "))


def test_le_dossier_n_est_instruit_qu_apres_les_trois_grilles(trio):
    transitions = TransitionProjet.objects.filter(projet=trio).count()
    apres_etat = deposer(trio, "etat")
    assert apres_etat.statut == Statut.EN_INSTRUCTION
    apres_region = deposer(trio, "region", avis="reserve", note=2)
    assert apres_region.statut == Statut.EN_INSTRUCTION
    assert TransitionProjet.objects.filter(projet=trio).count() == transitions
    apres_nord = deposer(trio, "nord", avis="defavorable", note=1)
    assert apres_nord.statut == Statut.INSTRUIT
    fin = TransitionProjet.objects.filter(projet=trio).latest("pk")
    assert (fin.action, fin.par.username) == (Action.TERMINER_INSTRUCTION, "instructeur.nord")
    assert fin.commentaire == "Grilles d'analyse déposées par chaque cofinanceur."
    assert sorted(
        Evaluation.objects.filter(projet=trio).values_list("signataire__code", flat=True)
    ) == sorted(TRIO)


def test_une_seule_grille_par_cofinanceur(trio):
    deposer(trio, "etat")
    deuxieme_agent = agent_instructeur("etat").__class__.objects.create_user(
        username="autre.agent.etat",
        password="x-12345678",
        role=Role.AGENT,
        organisation=Signataire.objects.get(code="etat").organisation,
    )
    with pytest.raises(
        EtatIncompatible, match="La grille de l’État pour ce dossier est déjà déposée"
    ):
        evaluation_deposer(projet=trio, par=deuxieme_agent, notes=notes(), avis="favorable")
    assert Evaluation.objects.filter(projet=trio).count() == 1


def test_l_agent_d_un_signataire_qui_ne_cofinance_pas_est_refuse_sans_rien_ecrire(client, trio):
    aisne = agent_instructeur("aisne")
    journal = JournalGouvernance.objects.count()
    with pytest.raises(ActionNonAutorisee, match="votre signataire ne le cofinance pas"):
        evaluation_deposer(projet=trio, par=aisne, notes=notes(), avis="favorable")
    reponse = api(aisne).post(
        f"/api/v1/evaluations/{trio.reference}/",
        {
            "notes": [{"critere": n.critere, "note": 3} for n in notes()],
            "avis": "favorable",
            "deposer": True,
        },
        format="json",
    )
    assert reponse.status_code == 403, reponse.content
    assert "ne le cofinance pas" in reponse.json()["detail"]
    client.force_login(aisne)
    url = reverse("gouvernance:evaluation", args=[trio.reference])
    assert client.get(url).status_code == 403
    donnees = {f"note_{n.critere}": "3" for n in notes()} | {"avis": "favorable", "deposer": "1"}
    assert client.post(url, donnees).status_code == 403
    assert not Evaluation.objects.filter(projet=trio).exists()
    assert not NoteCritere.objects.filter(evaluation__projet=trio).exists()
    assert JournalGouvernance.objects.count() == journal
    assert Projet.objects.get(pk=trio.pk).statut == Statut.EN_INSTRUCTION
    # Nor is the button offered on its dossier page.
    page = client.get(reverse("projets:detail", args=[trio.reference]))
    assert 'id="lien-grille"' not in page.content.decode()


def test_terminer_a_nu_repond_409_avec_les_cofinanceurs_manquants(client, trio):
    deposer(trio, "etat")
    transitions = TransitionProjet.objects.filter(projet=trio).count()
    attendu = (
        "L'instruction de ce dossier n'est pas terminée : il manque la grille de la Région "
        "Hauts-de-France et du Département du Nord ; chaque cofinanceur CPER dépose la sienne "
        "(réglage fixé par le secrétariat)."
    )
    reponse = api(agent_instructeur("etat")).post(
        f"/api/v1/projets/{trio.reference}/terminer_instruction/", {}, format="json"
    )
    assert reponse.status_code == 409, reponse.content
    assert attendu in reponse.content.decode()
    client.force_login(agent_instructeur("region"))
    page = client.post(
        f"/projets/{trio.reference}/action/terminer_instruction/",
        {"commentaire": "Fini."},
        follow=True,
    )
    assert attendu in texte(page)
    assert Projet.objects.get(pk=trio.pk).statut == Statut.EN_INSTRUCTION
    assert TransitionProjet.objects.filter(projet=trio).count() == transitions


def test_sans_aucune_grille_le_409_nomme_les_trois(trio, administrateur):
    with pytest.raises(EtatIncompatible) as refus:
        projet_transitionner(projet=trio, action=Action.TERMINER_INSTRUCTION, par=administrateur)
    assert refus.value.message == (
        "Aucune grille d'analyse déposée pour ce dossier : il manque la grille de l’État, de la "
        "Région Hauts-de-France et du Département du Nord ; chaque cofinanceur CPER dépose la "
        "sienne (réglage fixé par le secrétariat)."
    )


def test_la_page_du_dossier_montre_qui_manque_et_la_regle(client, trio, administrateur):
    deposer(trio, "region", avis="reserve", commentaire="Réservé sur le calendrier.")
    client.force_login(administrateur)
    page = texte(client.get(reverse("projets:detail", args=[trio.reference])))
    assert (
        "Règle en vigueur, réglage fixé par le secrétariat : le dossier est « instruit » quand "
        "chaque cofinanceur CPER nommé dans son plan de financement a déposé sa grille d'analyse."
    ) in page
    assert "il manque la grille de l'État et du Département du Nord" in page
    assert "Réservé sur le calendrier." in page and "Grille manquante" in page
    # The instruction list too.
    liste = texte(client.get("/projets/?statut=en_instruction"))
    assert f"Grilles manquantes : {ETAT}, {NORD}" in liste


@override_settings(GOUVERNANCE_INSTRUCTION_TOUS_COFINANCEURS=False)
def test_le_reglage_assoupli_une_grille_suffit(client, trio, administrateur):
    apres = deposer(trio, "nord")
    assert apres.statut == Statut.INSTRUIT
    fin = TransitionProjet.objects.filter(projet=trio).latest("pk")
    assert fin.commentaire == f"Grille d'analyse déposée par {NORD}."
    # The others may still file theirs until the agenda.
    assert deposer(trio, "etat").statut == Statut.INSTRUIT
    client.force_login(administrateur)
    page = texte(client.get(reverse("projets:detail", args=[trio.reference])))
    assert (
        "réglage fixé par le secrétariat : le dossier est « instruit » dès qu'un de ses "
        "cofinanceurs CPER a déposé sa grille d'analyse"
    ) in page


@override_settings(GOUVERNANCE_INSTRUCTION_TOUS_COFINANCEURS=False)
def test_le_reglage_assoupli_refuse_encore_sans_aucune_grille(trio):
    reponse = api(agent_instructeur("etat")).post(
        f"/api/v1/projets/{trio.reference}/terminer_instruction/", {}, format="json"
    )
    assert reponse.status_code == 409
    assert "l'un de ses cofinanceurs CPER" in reponse.content.decode()
    assert Projet.objects.get(pk=trio.pk).statut == Statut.EN_INSTRUCTION


def test_le_secretariat_depose_pour_le_compte_d_un_cofinanceur(client, trio, administrateur):
    deposer(trio, "etat")
    deposer(trio, "region")
    # Without naming the co-funder: 400, field-keyed, nothing written.
    corps = {
        "notes": [{"critere": n.critere, "note": 4} for n in notes()],
        "avis": "favorable",
        "deposer": True,
    }
    reponse = api(administrateur).post(
        f"/api/v1/evaluations/{trio.reference}/", corps, format="json"
    )
    assert reponse.status_code == 400 and "signataire" in reponse.json()
    with pytest.raises(RegleMetierError, match="ne cofinance pas ce dossier"):
        evaluation_deposer(
            projet=trio,
            par=administrateur,
            notes=notes(),
            avis="favorable",
            signataire=Signataire.objects.get(code="somme"),
        )
    assert Evaluation.objects.filter(projet=trio).count() == 2
    client.force_login(administrateur)
    choix = texte(client.get(reverse("gouvernance:evaluation", args=[trio.reference])))
    assert "Remplir la grille du Département du Nord" in choix
    donnees = {f"note_{n.critere}": "4" for n in notes()}
    donnees |= {
        "avis": "favorable",
        "commentaire": "Pour le Nord.",
        "signataire": "nord",
        "deposer": "1",
    }
    reponse = client.post(
        reverse("gouvernance:evaluation", args=[trio.reference]), donnees, follow=True
    )
    assert (
        "Grille du Département du Nord déposée : l'instruction du dossier est terminée."
        in texte(reponse)
    )
    assert Projet.objects.get(pk=trio.pk).statut == Statut.INSTRUIT
    ligne = JournalGouvernance.objects.filter(projet=trio, action="evaluation_deposer").latest("pk")
    assert ligne.par == administrateur
    assert ligne.details["pour_le_compte_de"] == NORD and ligne.details["cofinanceur"] == "nord"
    assert "secrétariat du CPER, pour le compte du Département du Nord" in texte(reponse)


def test_un_cofinanceur_en_retard_sur_son_tableau_de_bord_et_son_courriel(
    client, trio, django_capture_on_commit_callbacks
):
    deposer(trio, "etat")
    nord = agent_instructeur("nord")
    nord.email = "instructeur.nord@exemple.fr"
    nord.save()
    # Late after 30 days (the default), not before; only the co-funders still missing.
    plus_tard = timezone.now() + timedelta(days=31)
    assert [
        (r.projet.reference, r.signataire.code) for r in grilles_en_retard(maintenant=plus_tard)
    ] == [
        (trio.reference, "region"),
        (trio.reference, "nord"),
    ]
    assert not grilles_en_retard(maintenant=timezone.now() + timedelta(days=29))
    client.force_login(nord)
    # Within the delay: not on the dashboard.
    assert 'id="grilles-en-retard"' not in client.get("/tableau-de-bord/").content.decode()
    with override_settings(GOUVERNANCE_INSTRUCTION_DELAI_JOURS=0):
        page = texte(client.get("/tableau-de-bord/"))
        assert 'id="grilles-en-retard"' in page
        assert f"{trio.reference}</a>" in page
        assert 'votre ligne CPER : <span class="montant">100 000,00 €</span>' in page
        # The État filed its grid: nothing late for its agents.
        client.force_login(agent_instructeur("etat"))
        assert 'id="grilles-en-retard"' not in client.get("/tableau-de-bord/").content.decode()
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            recapitulatifs_envoyer()
    (courriel,) = [c for c in mail.outbox if c.to == ["instructeur.nord@exemple.fr"]]
    corps = normaliser(courriel.body)
    assert "Grilles d'analyse en retard de votre signataire (1" in corps
    assert f"{trio.reference} – " in corps
    assert "grille du Département du Nord manquante, ligne CPER de 100 000,00 €" in corps


def _instruit(trio):
    deposer(trio, "etat", avis="favorable", note=4, commentaire="L'État soutient.")
    deposer(trio, "region", avis="reserve", note=2, commentaire="Calendrier serré.")
    return deposer(trio, "nord", avis="defavorable", note=1, commentaire="Hors priorités.")


def test_score_et_avis_dans_l_api(trio):
    _instruit(trio)
    corps = api(agent_instructeur("aisne")).get(f"/api/v1/evaluations/{trio.reference}/").json()
    # Scores: 100 %, 50 %, 25 % → consolidated 58,3 %.
    assert corps["score_consolide"] == "58.3"
    assert corps["instruction_complete"] is True and corps["cofinanceurs_manquants"] == []
    assert [(c["code"], c["montant"], c["avis"], c["score"]) for c in corps["cofinanceurs"]] == [
        ("etat", "300000.00", "favorable", "100.0"),
        ("region", "400000.00", "reserve", "50.0"),
        ("nord", "100000.00", "defavorable", "25.0"),
    ]
    assert corps["evaluations"][2]["commentaire"] == "Hors priorités."
    assert corps["evaluations"][2]["pour_le_compte_de"] is False


def test_score_et_avis_sur_le_point_de_l_ordre_du_jour(client, trio):
    trio = _instruit(trio)
    seance = SeanceFactory()
    secretaire = seance.comite.membres.get(role="secretariat").utilisateur
    point = seance_inscrire_projet(seance=seance, projet=trio, par=secretaire)
    membre = SeanceFactory.membres_de(seance)[-1].utilisateur
    client.force_login(membre)
    page = re.sub(
        r"<[^>]+>", "", texte(client.get(reverse("gouvernance:point", args=[seance.pk, point.pk])))
    )
    assert "Score consolidé : 58,3 %" in page
    for nom, avis, commentaire in (
        (ETAT, "Favorable", "L'État soutient."),
        (REGION, "Réservé", "Calendrier serré."),
        (NORD, "Défavorable", "Hors priorités."),
    ):
        assert nom in page and avis in page and commentaire in page


def test_score_et_avis_dans_la_fiche_pdf(client, trio, django_capture_on_commit_callbacks):
    _instruit(trio)
    agent = agent_instructeur("region")
    client.force_login(agent)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("rapports:fiche_projet", args=[trio.reference]))
    travail = Travail.objects.get(demandeur=agent)
    reponse = client.get(reverse("rapports:telecharger", args=[travail.pk]))
    pdf = texte_pdf(b"".join(reponse.streaming_content))
    assert "Instruction par les cofinanceurs" in pdf
    assert "Score consolidé (calculé" in pdf and "58,3 %" in pdf
    assert "État 300 000,00 € 100,0 % Favorable L'État soutient." in pdf
    assert "Défavorable Hors priorités." in pdf


def test_la_liste_dit_qui_manque_en_un_nombre_fixe_de_requetes(
    client, administrateur, porteur, donnees_completes
):
    def en_instruction():
        projet = projet_creer(donnees=donnees_completes(lignes=_lignes()), par=porteur)
        projet_transitionner(projet=projet, action=Action.DEPOSER, par=porteur)
        projet_transitionner(projet=projet, action=Action.INSTRUIRE, par=administrateur)
        return projet

    client.force_login(administrateur)

    def requetes():
        with CaptureQueriesContext(connection) as requetes_:
            page = texte(client.get("/projets/?statut=en_instruction"))
        return len(requetes_), page.count(f"Grilles manquantes : {ETAT}, {REGION}, {NORD}")

    en_instruction()
    avec_un = requetes()
    for _ in range(4):
        en_instruction()
    avec_cinq = requetes()
    print(f"liste des dossiers : {avec_un[0]} requêtes pour 1 dossier, {avec_cinq[0]} pour 5")
    assert (avec_un[1], avec_cinq[1]) == (1, 5)
    assert avec_cinq[0] == avec_un[0]
