"""The cases of issue 13, reproduced and refused through the service, the page and the API;
the plan checked again after filing; what only the porteur and the secretariat are told."""

from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse

from axes.models import Signataire
from comptes.models import Role
from financement.models import Enveloppe, JournalFinancier, LigneProgrammee
from financement.services import projet_abandonner, projet_programmer
from projets.models import (
    LignePlanFinancement,
    NatureFinancement,
    Projet,
    SourceFinancement,
    Statut,
    TransitionProjet,
)
from projets.services import LigneSaisie, projet_creer, projet_modifier, projet_transitionner
from projets.workflow import Action, MandatComite
from socle.exceptions import ActionNonAutorisee, RegleMetierError


def agent_de(creer_utilisateur, code: str):
    return creer_utilisateur(
        f"agent.{code}",
        role=Role.AGENT,
        organisation=Signataire.objects.get(code=code).organisation,
    )


def empreinte(projet: Projet) -> tuple:
    """What an action on the dossier or its money could write."""
    projet = Projet.objects.get(pk=projet.pk)
    return (
        projet.statut,
        projet.titre,
        projet.cout_total_ht,
        TransitionProjet.objects.filter(projet=projet).count(),
        projet.historique.count(),
        sorted(
            (ligne.signataire_id or 0, str(ligne.montant))
            for ligne in projet.lignes_financement.all()
        ),
        LignePlanFinancement.historique.filter(projet_id=projet.pk).count(),
        sorted(
            (str(lp.montant_programme), str(lp.montant_degage))
            for lp in LigneProgrammee.objects.filter(projet=projet)
        ),
        sorted(Enveloppe.objects.values_list("signataire__code", "montant_programme")),
        JournalFinancier.objects.count(),
    )


def ligne_api(code, montant, nature="cper"):
    return {"signataire": code, "nature": nature, "montant": montant}


PROPRES = {"source": "fonds_propres", "nature": "hors_cper", "montant": "250000.00"}


@pytest.fixture
def agent_etat_(creer_utilisateur):
    return agent_de(creer_utilisateur, "etat")


# --- 1. The État's agent and the porteur's draft ------------------------------------------


def test_l_agent_de_l_etat_ne_modifie_ni_ne_depose_ni_n_abandonne_le_brouillon_du_porteur(
    client, agent_etat_, projet_brouillon, donnees_completes
):
    """The État co-funds the draft, yet the draft is its porteur's: 403 everywhere, the draft
    untouched."""
    avant = empreinte(projet_brouillon)
    with pytest.raises(ActionNonAutorisee, match="il appartient à son porteur"):
        projet_modifier(
            projet=projet_brouillon, donnees=donnees_completes(titre="Autre"), par=agent_etat_
        )
    with pytest.raises(ActionNonAutorisee, match="il appartient à son porteur"):
        projet_transitionner(projet=projet_brouillon, action=Action.DEPOSER, par=agent_etat_)
    with pytest.raises(ActionNonAutorisee, match="il appartient à son porteur"):
        projet_abandonner(projet=projet_brouillon, par=agent_etat_, commentaire="Doublon")

    client.force_login(agent_etat_)
    ref = projet_brouillon.reference
    assert client.get(reverse("projets:modifier", args=[ref])).status_code == 403
    assert client.post(reverse("projets:modifier", args=[ref]), {}).status_code == 403
    for action in (Action.DEPOSER, Action.ABANDONNER):
        reponse = client.post(
            reverse("projet_action", args=[ref, action]), {"commentaire": "Doublon"}
        )
        assert reponse.status_code == 403, action
        assert "il appartient à son porteur" in reponse.content.decode()
    reponse = client.patch(
        f"/api/v1/projets/{ref}/", {"titre": "Autre"}, content_type="application/json"
    )
    assert reponse.status_code == 403
    assert "il appartient à son porteur" in reponse.json()["detail"]
    for action in (Action.DEPOSER, Action.ABANDONNER):
        reponse = client.post(
            f"/api/v1/projets/{ref}/{action}/",
            {"commentaire": "Doublon"},
            content_type="application/json",
        )
        assert reponse.status_code == 403, action
        assert "il appartient à son porteur" in reponse.json()["detail"]
    # The page shows no button for it either.
    page = client.get(reverse("projets:detail", args=[ref])).content.decode()
    assert reverse("projets:modifier", args=[ref]) not in page
    assert reverse("projet_action", args=[ref, Action.DEPOSER]) not in page
    assert empreinte(projet_brouillon) == avant
    assert Projet.objects.get(pk=projet_brouillon.pk).statut == Statut.BROUILLON


# --- 2. The Aisne's agent and the Région's money -------------------------------------------


@pytest.fixture
def programme_region_seule(porteur, administrateur, donnees_completes, retenir):
    """A dossier funded only by the Région (500 000,00 €), programmed."""
    region = Signataire.objects.get(code="region")
    projet = projet_creer(
        donnees=donnees_completes(
            lignes=[
                LigneSaisie(Decimal("500000.00"), NatureFinancement.CPER, signataire_id=region.pk),
                LigneSaisie(
                    Decimal("500000.00"),
                    NatureFinancement.HORS_CPER,
                    source=SourceFinancement.FONDS_PROPRES,
                ),
            ]
        ),
        par=porteur,
    )
    return projet_programmer(projet=retenir(projet), par=administrateur)


def test_l_agent_de_l_aisne_n_abandonne_pas_un_dossier_que_seule_la_region_finance(
    client, creer_utilisateur, programme_region_seule
):
    aisne = agent_de(creer_utilisateur, "aisne")
    projet = programme_region_seule
    programme_region = Enveloppe.objects.get(signataire__code="region").montant_programme
    avant = empreinte(projet)
    with pytest.raises(ActionNonAutorisee, match="votre signataire ne le cofinance pas"):
        projet_abandonner(projet=projet, par=aisne, commentaire="Plus utile")
    client.force_login(aisne)
    reponse = client.post(
        f"/api/v1/projets/{projet.reference}/abandonner/",
        {"commentaire": "Plus utile"},
        content_type="application/json",
    )
    assert reponse.status_code == 403
    assert "votre signataire ne le cofinance pas" in reponse.json()["detail"]
    reponse = client.post(
        reverse("projet_action", args=[projet.reference, Action.ABANDONNER]),
        {"commentaire": "Plus utile"},
    )
    assert reponse.status_code == 403
    assert empreinte(projet) == avant
    assert Enveloppe.objects.get(signataire__code="region").montant_programme == programme_region


def test_le_porteur_n_abandonne_pas_l_argent_programme_que_la_region_abandonne(
    porteur, creer_utilisateur, programme_region_seule
):
    projet = programme_region_seule
    avant = empreinte(projet)
    with pytest.raises(ActionNonAutorisee, match="son argent appartient à ses cofinanceurs"):
        projet_abandonner(projet=projet, par=porteur, commentaire="Plus utile")
    assert empreinte(projet) == avant
    region = agent_de(creer_utilisateur, "region")
    projet_abandonner(projet=projet, par=region, commentaire="Plus utile")
    assert Enveloppe.objects.get(signataire__code="region").montant_programme == 0
    assert TransitionProjet.objects.filter(projet=projet).latest("pk").par == region


# --- 3. A listed operation of the contract -------------------------------------------------


def test_personne_n_abandonne_une_operation_inscrite_au_contrat_sans_avenant(
    client, administrateur, agent
):
    """The Région's 20 M€ for the CSNE inland ports (op-061): an avenant only."""
    operation = Projet.objects.get(identifiant_contrat="op-061")
    assert operation.montant_mentionne == Decimal("20000000.00")
    avant = empreinte(operation)
    for personne in (administrateur, agent):
        with pytest.raises(ActionNonAutorisee, match="Seul un avenant au contrat peut abandonner"):
            projet_abandonner(projet=operation, par=personne, commentaire="Plus prioritaire")
        client.force_login(personne)
        reponse = client.post(
            f"/api/v1/projets/{operation.reference}/abandonner/",
            {"commentaire": "Plus prioritaire"},
            content_type="application/json",
        )
        assert reponse.status_code == 403
        assert "Seul un avenant au contrat" in reponse.json()["detail"]
    assert empreinte(operation) == avant


# --- 4. The Somme's agent and the État's line ----------------------------------------------


@pytest.fixture
def depose(projet_brouillon, porteur):
    return projet_transitionner(projet=projet_brouillon, action=Action.DEPOSER, par=porteur)


def test_l_agent_de_la_somme_ne_porte_pas_la_ligne_de_l_etat_a_9_millions(
    client, creer_utilisateur, depose
):
    somme = agent_de(creer_utilisateur, "somme")
    client.force_login(somme)
    avant = empreinte(depose)
    reponse = client.patch(
        f"/api/v1/projets/{depose.reference}/",
        {
            "lignes": [
                ligne_api("region", "400000.00"),
                ligne_api("etat", "9000000.00"),
                PROPRES,
            ]
        },
        content_type="application/json",
    )
    assert reponse.status_code == 403
    assert "votre signataire ne le cofinance pas" in reponse.json()["detail"]
    assert empreinte(depose) == avant


def test_un_cofinanceur_ne_change_que_sa_ligne(client, agent, depose):
    """The Région's agent (a co-funder) may not raise the État's line."""
    client.force_login(agent)
    avant = empreinte(depose)
    reponse = client.patch(
        f"/api/v1/projets/{depose.reference}/",
        {
            "lignes": [
                ligne_api("region", "400000.00"),
                ligne_api("etat", "9000000.00"),
                PROPRES,
            ]
        },
        content_type="application/json",
    )
    assert reponse.status_code == 400
    assert (
        "Vous ne pouvez modifier que la ligne de votre signataire"
        in reponse.json()["non_field_errors"][0]
    )
    assert empreinte(depose) == avant


def test_le_plan_modifie_apres_le_depot_est_verifie_de_nouveau(client, agent_etat_, depose):
    """The État's own line raised to 9 M€: the plan no longer balances, refused, nothing
    written; the same line raised with the cost, balanced and with enough own funds, passes."""
    client.force_login(agent_etat_)
    avant = empreinte(depose)
    reponse = client.patch(
        f"/api/v1/projets/{depose.reference}/",
        {"lignes": [ligne_api("region", "400000.00"), ligne_api("etat", "9000000.00"), PROPRES]},
        content_type="application/json",
    )
    assert reponse.status_code == 400
    assert "n'est pas équilibré" in reponse.json()["non_field_errors"][0]
    assert empreinte(depose) == avant
    reponse = client.patch(
        f"/api/v1/projets/{depose.reference}/",
        {
            "cout_total_ht": "1100000.00",
            "lignes": [ligne_api("region", "400000.00"), ligne_api("etat", "450000.00"), PROPRES],
        },
        content_type="application/json",
    )
    assert reponse.status_code == 200, reponse.json()
    version = LignePlanFinancement.historique.filter(
        projet_id=depose.pk, signataire__code="etat"
    ).latest("history_date")
    assert version.history_user == agent_etat_  # the history names the agent
    assert not mail.outbox or all("modifié" not in m.subject for m in mail.outbox)


@pytest.fixture
def desequilibre(depose, retenir):
    """A retained dossier whose plan no longer balances (a line changed behind the form)."""
    LignePlanFinancement.objects.filter(projet=depose, signataire__code="etat").update(
        montant=Decimal("9000000.00")
    )
    return retenir(depose)


def test_un_plan_desequilibre_n_est_pas_programme(administrateur, desequilibre):
    avant = empreinte(desequilibre)
    with pytest.raises(RegleMetierError) as erreur:
        projet_programmer(projet=desequilibre, par=administrateur)
    assert "n'est pas équilibré" in erreur.value.erreurs["lignes"][0]
    assert empreinte(desequilibre) == avant
    assert not LigneProgrammee.objects.filter(projet=desequilibre).exists()


def test_un_plan_desequilibre_n_est_pas_inscrit_a_l_ordre_du_jour(administrateur, desequilibre):
    Projet.objects.filter(pk=desequilibre.pk).update(statut=Statut.INSTRUIT)
    projet = Projet.objects.get(pk=desequilibre.pk)
    avant = empreinte(projet)
    with pytest.raises(RegleMetierError) as erreur:
        projet_transitionner(
            projet=projet,
            action=Action.INSCRIRE_ORDRE_DU_JOUR,
            par=administrateur,
            mandat=MandatComite(comite="programmation", seance_id=1),
        )
    assert "n'est pas équilibré" in erreur.value.erreurs["lignes"][0]
    assert empreinte(projet) == avant


# --- 5. The same commune twice -------------------------------------------------------------


def test_la_meme_commune_deux_fois_est_un_400_par_l_api(client, porteur, projet_brouillon):
    client.force_login(porteur)
    communes = [{"code_insee": "59350", "nom": "Lille"}, {"code_insee": "59350", "nom": "Lille"}]
    avant = Projet.objects.count()
    reponse = client.post(
        "/api/v1/projets/",
        {"titre": "Halle", "mesure": "IV.2.1.a", "communes": communes},
        content_type="application/json",
    )
    assert reponse.status_code == 400, reponse.content
    assert "Une même commune figure deux fois (59350)." in reponse.json()["communes"]
    assert Projet.objects.count() == avant
    avant = empreinte(projet_brouillon)
    reponse = client.patch(
        f"/api/v1/projets/{projet_brouillon.reference}/",
        {"communes": communes},
        content_type="application/json",
    )
    assert reponse.status_code == 400
    assert "communes" in reponse.json()
    assert empreinte(projet_brouillon) == avant


def test_la_meme_commune_deux_fois_est_refusee_par_le_formulaire(client, porteur, projet_brouillon):
    from projets.forms import initial_projet

    client.force_login(porteur)
    initial, lignes, phases = initial_projet(projet_brouillon)
    donnees = {k: v for k, v in initial.items() if v is not None}
    donnees["communes"] = "59350 Lille\n59350 Lille"
    donnees["departements"] = [d.pk for d in projet_brouillon.departements.all()]
    donnees.pop("territoires_speciaux", None)
    donnees["mesure"] = projet_brouillon.mesure.pk
    for prefixe, rangees in (("lignes", lignes), ("phases", phases)):
        donnees[f"{prefixe}-TOTAL_FORMS"] = len(rangees)
        donnees[f"{prefixe}-INITIAL_FORMS"] = 0
        for rang, rangee in enumerate(rangees):
            for cle, valeur in rangee.items():
                donnees[f"{prefixe}-{rang}-{cle}"] = valeur
    reponse = client.post(reverse("projets:modifier", args=[projet_brouillon.reference]), donnees)
    assert reponse.status_code == 200
    assert "Une même commune figure deux fois" in reponse.content.decode()


# --- 6. What the porteur is told -----------------------------------------------------------


def test_le_porteur_est_prevenu_quand_le_secretariat_abandonne_ou_modifie_son_dossier(
    django_capture_on_commit_callbacks, porteur, administrateur, projet_brouillon, donnees_completes
):
    porteur.email = "porteur@univ.test"
    porteur.save()
    administrateur.first_name, administrateur.last_name = "Anne", "Secrétaire"
    administrateur.save()
    with django_capture_on_commit_callbacks(execute=True):
        projet_modifier(
            projet=projet_brouillon,
            donnees=donnees_completes(
                titre="Autre", maitre_ouvrage=projet_brouillon.maitre_ouvrage
            ),
            par=administrateur,
        )
    assert len(mail.outbox) == 1
    assert "modifié par le secrétariat" in mail.outbox[0].subject
    assert "Anne Secrétaire" in mail.outbox[0].body
    assert projet_brouillon.historique.latest("history_date").history_user == administrateur
    with django_capture_on_commit_callbacks(execute=True):
        projet_abandonner(projet=projet_brouillon, par=administrateur, commentaire="Doublon")
    assert len(mail.outbox) == 2
    assert "abandonné" in mail.outbox[1].subject
    assert "Par : Anne Secrétaire" in mail.outbox[1].body
    assert "Doublon" in mail.outbox[1].body


def test_le_porteur_qui_abandonne_son_brouillon_ne_recoit_rien(
    django_capture_on_commit_callbacks, porteur, projet_brouillon
):
    porteur.email = "porteur@univ.test"
    porteur.save()
    with django_capture_on_commit_callbacks(execute=True):
        projet_abandonner(projet=projet_brouillon, par=porteur, commentaire="Doublon")
    assert mail.outbox == []


def test_les_doublons_de_departement_ou_de_territoire_ne_font_pas_de_500(client, porteur):
    """Siblings of the commune case: a département or a territory given twice is kept once."""
    from axes.models import TerritoireSpecial

    client.force_login(porteur)
    territoire = TerritoireSpecial.objects.first()
    reponse = client.post(
        "/api/v1/projets/",
        {
            "titre": "Halle",
            "mesure": "IV.2.1.a",
            "departements": ["59", "59"],
            "territoires_speciaux": [territoire.code, territoire.code],
        },
        content_type="application/json",
    )
    assert reponse.status_code == 201, reponse.content
    projet = Projet.objects.get(reference=reponse.json()["reference"])
    assert list(projet.departements.values_list("code_insee", flat=True)) == ["59"]
    assert projet.territoires_speciaux.count() == 1


# --- A representative subset of the table through the page and the API ---------------------

SOUS_ENSEMBLE = [
    # (who, state, action, expected status, words of the message)
    ("agent_etat_", Statut.BROUILLON, Action.DEPOSER, 403, "il appartient à son porteur"),
    ("agent_etat_", Statut.INCOMPLET, Action.ABANDONNER, 200, ""),
    ("agent_somme", Statut.DEPOSE, Action.INSTRUIRE, 403, "ne le cofinance pas"),
    ("agent_somme", Statut.DEPOSE, Action.DECLARER_INCOMPLET, 403, "ne le cofinance pas"),
    ("agent", Statut.DEPOSE, Action.INSTRUIRE, 200, ""),
    ("agent", Statut.PROGRAMME, Action.DEMARRER, 200, ""),
    ("porteur", Statut.DEPOSE, Action.INSTRUIRE, 403, "votre rôle ne le permet pas"),
    # The porteur may abandon at other steps: the state is the cause, 409 (issue 15).
    ("porteur", Statut.EN_INSTRUCTION, Action.ABANDONNER, 409, "le dossier est « En instruction »"),
    ("lecteur", Statut.PROGRAMME, Action.DEMARRER, 403, "votre rôle ne le permet pas"),
    ("agent_somme", Statut.EN_COURS, Action.SOLDER, 403, "ne le cofinance pas"),
    ("agent", Statut.EN_COURS, Action.SOLDER, 200, ""),
    ("administrateur", Statut.DEPOSE, Action.ABANDONNER, 200, ""),
]


@pytest.fixture
def agent_somme(creer_utilisateur):
    return agent_de(creer_utilisateur, "somme")


@pytest.mark.parametrize("par", ["api", "page"])
@pytest.mark.parametrize(
    ("qui", "statut", "action", "code", "message"),
    SOUS_ENSEMBLE,
    ids=[f"{q}-{s}-{a}" for q, s, a, _, _ in SOUS_ENSEMBLE],
)
def test_la_table_par_la_page_et_par_l_api(
    client, request, projet_brouillon, par, qui, statut, action, code, message
):
    personne = request.getfixturevalue(qui)
    Projet.objects.filter(pk=projet_brouillon.pk).update(statut=statut)
    projet = Projet.objects.get(pk=projet_brouillon.pk)
    avant = empreinte(projet)
    client.force_login(personne)
    if par == "api":
        reponse = client.post(
            f"/api/v1/projets/{projet.reference}/{action}/",
            {"commentaire": "Motif"},
            content_type="application/json",
        )
        texte = reponse.json().get("detail", "") if code != 200 else ""
    else:
        reponse = client.post(
            reverse("projet_action", args=[projet.reference, action]), {"commentaire": "Motif"}
        )
        texte = reponse.content.decode()
    # The page answers a step refused for the state by the dossier's page and its message.
    attendu = 302 if (par == "page" and code in (200, 409)) else code
    assert reponse.status_code == attendu, (reponse.status_code, texte[:300])
    if par == "page" and code == 409:
        texte = client.get(reponse["Location"]).content.decode()
    if code == 200:
        assert Projet.objects.get(pk=projet.pk).statut != statut
        assert TransitionProjet.objects.filter(projet=projet).latest("pk").par == personne
    else:
        assert message in texte
        assert empreinte(projet) == avant


def test_un_plan_desequilibre_n_entre_pas_a_l_ordre_du_jour_d_une_seance(desequilibre):
    """Through the session's use-case (`gouvernance.services.seance_inscrire_projet`): refused
    with the plan's message, no agenda item, the dossier still « instruit »."""
    from gouvernance.models import PointOrdreDuJour, RoleMembre
    from gouvernance.services import seance_inscrire_projet
    from tests.factories.gouvernance import SeanceFactory

    Projet.objects.filter(pk=desequilibre.pk).update(statut=Statut.INSTRUIT)
    projet = Projet.objects.get(pk=desequilibre.pk)
    seance = SeanceFactory()
    par = seance.comite.membres.get(role=RoleMembre.SECRETARIAT).utilisateur
    avant = empreinte(projet)
    with pytest.raises(RegleMetierError) as erreur:
        seance_inscrire_projet(seance=seance, projet=projet, par=par)
    assert "n'est pas équilibré" in erreur.value.erreurs["lignes"][0]
    assert not PointOrdreDuJour.objects.filter(projet=projet).exists()
    assert empreinte(projet) == avant
