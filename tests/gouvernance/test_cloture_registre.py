"""The closing programmes the retained dossiers by calling the ledger's own use-case: no signal
receiver of the ledger is involved, and a refusal of the ledger is recorded on the decision."""

import weakref
from decimal import Decimal
from unittest import mock

from financement import services as registre
from financement.models import Enveloppe, JournalFinancier, LigneProgrammee
from gouvernance import services as gouvernance_services
from gouvernance.services import seance_clore, vote_enregistrer
from projets.models import Projet, Statut
from projets.signals import transition_effectuee
from projets.workflow import MandatComite


def receveurs_de_transition_effectuee():
    """The functions connected to `transition_effectuee`, dereferenced."""
    fonctions = []
    for entree in transition_effectuee.receivers:
        reference = entree[1]
        fonction = reference() if isinstance(reference, weakref.ReferenceType) else reference
        if fonction is not None:
            fonctions.append(fonction)
    return fonctions


def _retenir_le_premier_point(c):
    c.tous_presents()
    c.ouvrir()
    for membre in (c.president, c.votants[0], c.votants[1]):
        vote_enregistrer(point=c.points[0], choix="pour", par=membre.utilisateur)
        vote_enregistrer(point=c.points[1], choix="contre", par=membre.utilisateur)


def test_aucun_receveur_du_registre_n_ecoute_le_cycle_de_vie():
    fonctions = receveurs_de_transition_effectuee()
    assert fonctions, "the e-mails of rapports still listen"
    assert [f"{f.__module__}.{f.__qualname__}" for f in fonctions] == [
        "rapports.receivers.notifier_transition"
    ]
    assert not any(f.__module__.startswith("financement") for f in fonctions)


def test_la_cloture_programme_le_retenu_par_le_cas_d_usage_du_registre(comitologie):
    c = comitologie
    _retenir_le_premier_point(c)
    assert not any(
        f.__module__.startswith("financement") for f in receveurs_de_transition_effectuee()
    )
    with mock.patch.object(
        gouvernance_services, "projet_programmer", wraps=registre.projet_programmer
    ) as programmer:
        retenu, rejete = seance_clore(seance=c.seance, par=c.secretaire)

    # Called once, from gouvernance, on the decision's mandate.
    programmer.assert_called_once()
    appel = programmer.call_args.kwargs
    assert appel["projet"].pk == c.projets[0].pk and appel["par"] == c.secretaire
    assert appel["mandat"] == MandatComite(
        comite="programmation", seance_id=c.seance.pk, decision_id=retenu.pk
    )
    assert retenu.programme and retenu.motif_non_programmation == ""
    assert rejete.resultat == "rejete" and not rejete.programme

    projet = Projet.objects.get(pk=c.projets[0].pk)
    assert projet.statut == Statut.PROGRAMME
    lignes = {
        ligne.signataire.code: ligne.montant_programme
        for ligne in LigneProgrammee.objects.filter(projet=projet).select_related("signataire")
    }
    assert lignes == {"region": Decimal("400000.00"), "etat": Decimal("350000.00")}
    assert Enveloppe.objects.get(signataire__code="region").montant_programme == Decimal(
        "400000.00"
    )
    assert Enveloppe.objects.get(signataire__code="etat").montant_programme == Decimal("350000.00")
    mouvements = JournalFinancier.objects.filter(type="programmation", projet=projet)
    assert sorted(mouvements.values_list("montant", flat=True)) == [
        Decimal("350000.00"),
        Decimal("400000.00"),
    ]
    assert not LigneProgrammee.objects.filter(projet=c.projets[1]).exists()


def test_une_enveloppe_trop_petite_est_dite_sur_la_decision_sans_ligne_au_registre(comitologie):
    c = comitologie
    Enveloppe.objects.filter(signataire__code="region").update(montant=Decimal("399999.99"))
    _retenir_le_premier_point(c)
    journal_avant = JournalFinancier.objects.count()
    retenu, _ = seance_clore(seance=c.seance, par=c.secretaire)

    retenu.refresh_from_db()
    assert retenu.resultat == "retenu" and retenu.programme is False
    assert retenu.motif_non_programmation == (
        "L’enveloppe de la Région Hauts-de-France ne peut pas prendre 400\u202f000,00\u00a0€ : "
        "il reste 399\u202f999,99\u00a0€ disponibles sur 399\u202f999,99\u00a0€."
    )
    projet = Projet.objects.get(pk=c.projets[0].pk)
    assert projet.statut == Statut.RETENU
    assert [t.action for t in projet.transitions.all()][-1] == "retenir"
    assert not LigneProgrammee.objects.exists()
    assert JournalFinancier.objects.count() == journal_avant
    assert Enveloppe.objects.get(signataire__code="region").montant_programme == Decimal("0.00")
    assert Enveloppe.objects.get(signataire__code="etat").montant_programme == Decimal("0.00")
    c.seance.refresh_from_db()
    assert c.seance.etat == "close"  # the session closes all the same

    # The porteur's dashboard says why, not « en attente de programmation » (issue 15).
    from tableau_de_bord.selectors import pour_porteur

    (dossier,) = [d for d in pour_porteur(projet.cree_par).blocs["projets"] if d.projet == projet]
    assert dossier.prochaine_etape.startswith(
        "Retenu par le comité mais pas programmé : L’enveloppe de la Région Hauts-de-France ne "
        "peut pas prendre"
    )


def test_la_cloture_compte_avec_les_memes_selecteurs_que_les_pages(comitologie):
    """One quorum and one tally: the closing asks `etat_quorum` and `decompte`, as the session
    page, the live tally and the API do."""
    from gouvernance import selectors

    c = comitologie
    _retenir_le_premier_point(c)
    with (
        mock.patch.object(
            gouvernance_services, "etat_quorum", wraps=selectors.etat_quorum
        ) as quorum,
        mock.patch.object(gouvernance_services, "decompte", wraps=selectors.decompte) as tally,
    ):
        retenu, rejete = seance_clore(seance=c.seance, par=c.secretaire)
    quorum.assert_called_once()
    tally.assert_called_once()
    assert (retenu.pour, retenu.contre, rejete.pour, rejete.contre) == (3, 0, 0, 3)
    c.seance.refresh_from_db()
    assert (c.seance.votants_attendus, c.seance.votants_presents) == (5, 5)
