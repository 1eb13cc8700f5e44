"""Sessions: agenda, attendance, votes, closing; every refusal of the issue writes nothing."""

import pytest
from django.core import mail
from django.db import IntegrityError, transaction

from gouvernance.models import (
    Decision,
    JournalGouvernance,
    PointOrdreDuJour,
    Presence,
    Recusation,
    Vote,
)
from gouvernance.services import (
    presence_enregistrer,
    seance_clore,
    seance_convoquer,
    seance_inscrire_projet,
    vote_enregistrer,
    vote_modifier,
)
from projets.models import Statut
from socle.exceptions import ActionNonAutorisee, EtatIncompatible, RegleMetierError


def compter():
    return (
        Vote.objects.count(),
        Decision.objects.count(),
        Presence.objects.count(),
        JournalGouvernance.objects.count(),
    )


def test_inscrire_met_le_dossier_a_l_ordre_du_jour(comitologie):
    for projet in comitologie.projets:
        projet.refresh_from_db()
        assert projet.statut == Statut.INSCRIT_ORDRE_DU_JOUR
    assert [p.ordre for p in comitologie.points] == [1, 2]
    assert projet.transitions.last().action == "inscrire_odj"


def test_inscrire_refuse_un_dossier_hors_des_mesures_du_comite(
    comitologie, instruire, nouveau_projet, creer_utilisateur
):
    from axes.models import Noeud
    from gouvernance.models import Comite, Membre
    from gouvernance.services import seance_creer

    velo = Comite.objects.get(code="technique-velo")
    Membre.objects.create(
        comite=velo,
        utilisateur=comitologie.secretaire,
        organisation=comitologie.secretaire.organisation,
        role="secretariat",
        debut=comitologie.president.debut,
    )
    seance = seance_creer(
        comite=velo, date=comitologie.seance.date, lieu="Amiens", par=comitologie.secretaire
    )
    projet = instruire(nouveau_projet(mesure=Noeud.objects.get(code="IV.2.1.a")))
    with pytest.raises(RegleMetierError) as refus:
        seance_inscrire_projet(seance=seance, projet=projet, par=comitologie.secretaire)
    assert "ne relève pas des mesures du Comité technique vélo" in refus.value.erreurs["projet"][0]
    assert not PointOrdreDuJour.objects.filter(seance=seance).exists()
    velo_projet = instruire(nouveau_projet(mesure=Noeud.objects.get(code="V.2.1")))
    seance_inscrire_projet(seance=seance, projet=velo_projet, par=comitologie.secretaire)


def test_inscrire_refuse_un_dossier_non_instruit(comitologie, nouveau_projet):
    projet = nouveau_projet()
    with pytest.raises(EtatIncompatible, match="seul un dossier instruit"):
        seance_inscrire_projet(seance=comitologie.seance, projet=projet, par=comitologie.secretaire)


def test_seul_le_secretariat_ou_un_administrateur_gere_la_seance(
    comitologie, nouveau_projet, instruire, administrateur
):
    projet = instruire(nouveau_projet())
    with pytest.raises(ActionNonAutorisee, match="Seul le secrétariat"):
        seance_inscrire_projet(
            seance=comitologie.seance, projet=projet, par=comitologie.president.utilisateur
        )
    seance_inscrire_projet(seance=comitologie.seance, projet=projet, par=administrateur)


def test_la_convocation_envoie_l_ordre_du_jour_aux_membres(
    comitologie, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        nombre = seance_convoquer(seance=comitologie.seance, par=comitologie.secretaire)
    assert nombre == 7
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert len(message.to) == 7
    assert message.subject.startswith("Convocation : Comité de programmation du CPER")
    for projet in comitologie.projets:
        assert projet.reference in message.body
    assert f"/gouvernance/seances/{comitologie.seance.pk}/" in message.body


def _ouvrir_tous_presents(c):
    c.tous_presents()
    c.ouvrir()


def test_un_non_membre_ne_vote_pas(comitologie, agent):
    _ouvrir_tous_presents(comitologie)
    avant = compter()
    with pytest.raises(
        ActionNonAutorisee, match="Vous n'êtes pas membre du Comité de programmation"
    ):
        vote_enregistrer(point=comitologie.points[0], choix="pour", par=agent)
    assert compter() == avant


def test_un_membre_associe_ne_vote_pas(comitologie):
    _ouvrir_tous_presents(comitologie)
    avant = compter()
    with pytest.raises(ActionNonAutorisee, match="membres associés n'ont pas voix délibérative"):
        vote_enregistrer(
            point=comitologie.points[0], choix="pour", par=comitologie.associe.utilisateur
        )
    assert compter() == avant


def test_un_second_bulletin_sur_le_meme_point_est_refuse(comitologie):
    _ouvrir_tous_presents(comitologie)
    point = comitologie.points[0]
    electeur = comitologie.votants[0].utilisateur
    vote_enregistrer(point=point, choix="pour", par=electeur)
    avant = compter()
    with pytest.raises(
        EtatIncompatible, match="Un vote est déjà enregistré pour vous sur ce point"
    ):
        vote_enregistrer(point=point, choix="contre", par=electeur)
    assert compter() == avant
    assert Vote.objects.get(point=point, membre=comitologie.votants[0]).choix == "pour"


def test_la_base_refuse_un_second_bulletin_meme_insere_directement(comitologie):
    _ouvrir_tous_presents(comitologie)
    point = comitologie.points[0]
    membre = comitologie.votants[0]
    Vote.objects.create(point=point, membre=membre, exprime_par=membre, choix="pour")
    with pytest.raises(IntegrityError), transaction.atomic():
        Vote.objects.create(point=point, membre=membre, exprime_par=membre, choix="contre")
    assert Vote.objects.filter(point=point, membre=membre).count() == 1


def test_changer_son_vote_met_a_jour_la_ligne_tant_que_la_seance_est_ouverte(comitologie):
    _ouvrir_tous_presents(comitologie)
    point = comitologie.points[0]
    electeur = comitologie.votants[0].utilisateur
    premier = vote_enregistrer(point=point, choix="pour", par=electeur)
    second = vote_modifier(point=point, choix="abstention", par=electeur)
    assert premier.pk == second.pk
    assert Vote.objects.get(pk=premier.pk).choix == "abstention"


def test_un_vote_apres_la_cloture_est_refuse(comitologie):
    _ouvrir_tous_presents(comitologie)
    seance_clore(seance=comitologie.seance, par=comitologie.secretaire)
    avant = compter()
    with pytest.raises(
        EtatIncompatible, match="La séance est close : les votes ne peuvent plus changer"
    ):
        vote_enregistrer(
            point=comitologie.points[0], choix="pour", par=comitologie.votants[0].utilisateur
        )
    with pytest.raises(EtatIncompatible, match="La séance est close"):
        vote_modifier(
            point=comitologie.points[0], choix="pour", par=comitologie.votants[0].utilisateur
        )
    assert compter() == avant


def test_un_membre_recuse_ne_vote_pas_et_la_recusation_est_enregistree(comitologie):
    _ouvrir_tous_presents(comitologie)
    recusations = Recusation.objects.filter(membre=comitologie.recuse)
    assert recusations.count() == 2
    assert "Université de test est maître d'ouvrage" in recusations.first().motif
    avant = compter()
    with pytest.raises(ActionNonAutorisee, match="Vous êtes récusé\\(e\\) sur le dossier"):
        vote_enregistrer(
            point=comitologie.points[0], choix="pour", par=comitologie.recuse.utilisateur
        )
    assert compter() == avant


def test_un_vote_avant_l_ouverture_ou_sans_presence_est_refuse(comitologie):
    electeur = comitologie.votants[0].utilisateur
    with pytest.raises(EtatIncompatible, match="pas encore ouverte"):
        vote_enregistrer(point=comitologie.points[0], choix="pour", par=electeur)
    comitologie.ouvrir()
    with pytest.raises(ActionNonAutorisee, match="Votre présence n'est pas enregistrée"):
        vote_enregistrer(point=comitologie.points[0], choix="pour", par=electeur)
    assert not Vote.objects.exists()


def test_clore_sans_quorum_est_refuse_et_n_ecrit_rien(comitologie):
    # 5 voting members: 2 present is not more than half.
    for membre in (comitologie.president, comitologie.votants[0]):
        presence_enregistrer(
            seance=comitologie.seance, membre=membre, statut="present", par=comitologie.secretaire
        )
    presence_enregistrer(
        seance=comitologie.seance,
        membre=comitologie.votants[1],
        statut="excuse",
        par=comitologie.secretaire,
    )
    comitologie.ouvrir()
    vote_enregistrer(
        point=comitologie.points[0], choix="pour", par=comitologie.president.utilisateur
    )
    avant = compter()
    with pytest.raises(EtatIncompatible) as refus:
        seance_clore(seance=comitologie.seance, par=comitologie.secretaire)
    assert refus.value.message.startswith(
        "Quorum non atteint : 2 membre(s) votant(s) présent(s) ou représenté(s) sur 5, "
        "il en faut au moins 3"
    )
    assert compter() == avant
    comitologie.seance.refresh_from_db()
    assert comitologie.seance.etat == "ouverte"
    for projet in comitologie.projets:
        projet.refresh_from_db()
        assert projet.statut == Statut.INSCRIT_ORDRE_DU_JOUR


def test_une_procuration_compte_pour_le_quorum_et_le_mandataire_vote(comitologie):
    c = comitologie
    presence_enregistrer(seance=c.seance, membre=c.president, statut="present", par=c.secretaire)
    presence_enregistrer(seance=c.seance, membre=c.votants[0], statut="present", par=c.secretaire)
    presence_enregistrer(
        seance=c.seance,
        membre=c.votants[1],
        statut="represente",
        mandataire=c.president,
        par=c.secretaire,
    )
    c.ouvrir()
    with pytest.raises(ActionNonAutorisee, match="représenté\\(e\\) par"):
        vote_enregistrer(point=c.points[0], choix="contre", par=c.votants[1].utilisateur)
    with pytest.raises(ActionNonAutorisee, match="pas de pouvoir"):
        vote_enregistrer(
            point=c.points[0], choix="pour", par=c.votants[0].utilisateur, pour_membre=c.votants[1]
        )
    vote_enregistrer(point=c.points[0], choix="pour", par=c.president.utilisateur)
    vote = vote_enregistrer(
        point=c.points[0], choix="pour", par=c.president.utilisateur, pour_membre=c.votants[1]
    )
    assert vote.membre == c.votants[1] and vote.exprime_par == c.president
    vote_enregistrer(point=c.points[0], choix="contre", par=c.votants[0].utilisateur)
    decisions = seance_clore(seance=c.seance, par=c.secretaire)  # 3 of 5: quorum
    assert (decisions[0].pour, decisions[0].contre, decisions[0].resultat) == (2, 1, "retenu")
    assert decisions[1].resultat == "ajourne"  # no vote: a tie
    c.seance.refresh_from_db()
    assert (c.seance.votants_attendus, c.seance.votants_presents) == (5, 3)


def test_la_cloture_decide_deplace_les_dossiers_et_programme_les_retenus(
    comitologie, django_capture_on_commit_callbacks, porteur
):
    c = comitologie
    porteur.email = "porteur@universite.fr"
    porteur.save()
    _ouvrir_tous_presents(c)
    for membre in (c.president, c.votants[0], c.votants[1]):
        vote_enregistrer(point=c.points[0], choix="pour", par=membre.utilisateur)
        vote_enregistrer(point=c.points[1], choix="contre", par=membre.utilisateur)
    vote_enregistrer(point=c.points[0], choix="contre", par=c.votants[2].utilisateur)
    vote_enregistrer(point=c.points[1], choix="abstention", par=c.votants[2].utilisateur)
    with django_capture_on_commit_callbacks(execute=True):
        decisions = seance_clore(seance=c.seance, par=c.secretaire)
    retenu, rejete = decisions
    assert (retenu.resultat, retenu.pour, retenu.contre, retenu.abstention) == ("retenu", 3, 1, 0)
    assert retenu.programme and retenu.motif_non_programmation == ""
    assert (rejete.resultat, rejete.pour, rejete.contre, rejete.abstention) == ("rejete", 0, 3, 1)
    assert (
        retenu.motif
        == "3 pour, 1 contre, 0 abstention : majorité simple des suffrages exprimés atteinte."
    )
    c.projets[0].refresh_from_db()
    c.projets[1].refresh_from_db()
    assert c.projets[0].statut == Statut.PROGRAMME
    assert [t.action for t in c.projets[0].transitions.all()][-2:] == ["retenir", "programmer"]
    assert c.projets[1].statut == Statut.REJETE
    # The ledger took the retained dossier's CPER lines in the same transaction.
    from decimal import Decimal

    from financement.models import Enveloppe

    assert Enveloppe.objects.get(signataire__code="region").montant_programme == Decimal(
        "400000.00"
    )
    assert Enveloppe.objects.get(signataire__code="etat").montant_programme == Decimal("350000.00")
    assert {m.subject for m in mail.outbox} == {
        f"Décision du Comité de programmation du CPER sur le dossier {p.reference}"
        for p in c.projets
    }
    assert all(m.to == ["porteur@universite.fr"] for m in mail.outbox)
    assert "Décision : Retenu" in mail.outbox[0].body or "Décision : Retenu" in mail.outbox[1].body


def test_une_enveloppe_insuffisante_laisse_le_dossier_retenu_et_la_decision_le_dit(comitologie):
    from decimal import Decimal

    from financement.models import Enveloppe, LigneProgrammee

    c = comitologie
    # The Région's envelope can no longer take the dossier's 400 000,00 € CPER line.
    Enveloppe.objects.filter(signataire__code="region").update(montant=Decimal("100000.00"))
    _ouvrir_tous_presents(c)
    for membre in (c.president, c.votants[0], c.votants[1]):
        vote_enregistrer(point=c.points[0], choix="pour", par=membre.utilisateur)
    decision = seance_clore(seance=c.seance, par=c.secretaire)[0]
    assert decision.resultat == "retenu" and not decision.programme
    assert (
        "L’enveloppe de la Région Hauts-de-France ne peut pas prendre 400\u202f000,00\u00a0€"
        in (decision.motif_non_programmation)
    )
    assert "il reste 100\u202f000,00\u00a0€ disponibles" in decision.motif_non_programmation
    c.projets[0].refresh_from_db()
    assert c.projets[0].statut == Statut.RETENU
    assert not c.projets[0].transitions.filter(action="programmer").exists()
    assert not LigneProgrammee.objects.filter(projet=c.projets[0]).exists()
    assert Enveloppe.objects.get(signataire__code="etat").montant_programme == Decimal("0.00")


def test_une_seance_close_deux_fois_garde_une_decision_par_point(comitologie):
    _ouvrir_tous_presents(comitologie)
    seance_clore(seance=comitologie.seance, par=comitologie.secretaire)
    with pytest.raises(EtatIncompatible, match="déjà close"):
        seance_clore(seance=comitologie.seance, par=comitologie.secretaire)
    assert Decision.objects.count() == 2
    with pytest.raises(EtatIncompatible, match="close"):
        presence_enregistrer(
            seance=comitologie.seance,
            membre=comitologie.associe,
            statut="excuse",
            par=comitologie.secretaire,
        )
