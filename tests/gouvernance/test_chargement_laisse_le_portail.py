"""Issue 13: the loader never overwrites what the secretariat configured or an avenant changed:
it creates what is missing, leaves what exists and says what it skipped. A listed operation's
title and measure change only through an avenant: the dossier's edit refuses them."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from axes.models import Noeud
from financement.models import Enveloppe
from gouvernance.models import Comite, RegleMajorite
from projets.models import Projet
from projets.services import DonneesProjet, projet_modifier
from socle.exceptions import ActionNonAutorisee, RegleMetierError
from tests.factories.comptes import UtilisateurFactory

LAISSE = "laissé tel quel : modifié dans le portail"


def charger() -> str:
    sortie = StringIO()
    call_command("charger_cper", stdout=sortie)
    return sortie.getvalue()


def test_le_perimetre_d_un_comite_modifie_survit_au_chargement():
    velo = Comite.objects.get(code="technique-velo")
    velo.mesures.add(Noeud.objects.get(code="IV"))
    velo.pouvoir_programmer = True
    velo.regle_majorite = RegleMajorite.ABSOLUE
    velo.save()

    sortie = charger()

    velo.refresh_from_db()
    assert sorted(n.code for n in velo.mesures.all()) == ["IV", "V.2.1"]
    assert velo.pouvoir_programmer is True
    assert velo.regle_majorite == RegleMajorite.ABSOLUE
    assert f"comité « {velo.nom} » : mesures couvertes {LAISSE}" in sortie


def test_une_operation_modifiee_dans_le_portail_n_est_pas_remise_au_texte():
    Projet.objects.filter(identifiant_contrat="op-041").update(
        titre="Titre fixé par avenant", mesure=Noeud.objects.get(code="VI.1")
    )
    sortie = charger()
    projet = Projet.objects.get(identifiant_contrat="op-041")
    assert projet.titre == "Titre fixé par avenant"
    assert projet.mesure.code == "VI.1"
    assert f"« {projet} » : titre, mesure {LAISSE}" in sortie


def test_une_enveloppe_changee_par_avenant_est_laissee_et_dite():
    Enveloppe.objects.filter(signataire__code="mel").update(montant=Decimal("200000000.00"))
    sortie = charger()
    assert Enveloppe.objects.get(signataire__code="mel").montant == Decimal("200000000.00")
    assert LAISSE in sortie and "enveloppe" in sortie


def test_sans_modification_le_chargement_ne_dit_rien_laisser():
    assert LAISSE not in charger()


def _donnees_de(projet: Projet, **surcharges) -> DonneesProjet:
    valeurs = {
        "titre": projet.titre,
        "description": projet.description,
        "mesure": projet.mesure,
        "departements": list(projet.departements.all()),
    }
    valeurs.update(surcharges)
    return DonneesProjet(**valeurs)


@pytest.mark.parametrize(
    ("champ", "valeur"),
    [("titre", "Titre réécrit par un agent"), ("mesure", "VI.1")],
)
def test_un_agent_ne_modifie_pas_le_titre_ni_la_mesure_d_une_operation_listee(
    agent, administrateur, champ, valeur
):
    projet = Projet.objects.get(identifiant_contrat="op-041")
    avant = (projet.titre, projet.mesure_id, projet.historique.count())
    if champ == "mesure":
        valeur = Noeud.objects.get(code=valeur)
    # An agent whose signatory does not co-fund it may not edit it at all (403, the table of
    # who may act); the secretariat, who may, meets the contract's own rule.
    with pytest.raises(ActionNonAutorisee):
        projet_modifier(projet=projet, donnees=_donnees_de(projet, **{champ: valeur}), par=agent)
    for par in (administrateur,):
        with pytest.raises(RegleMetierError) as refus:
            projet_modifier(projet=projet, donnees=_donnees_de(projet, **{champ: valeur}), par=par)
        assert refus.value.erreurs[champ] == [
            {
                "titre": "Titre inscrit au contrat : modifié seulement par avenant.",
                "mesure": "Mesure inscrite au contrat : champ modifié seulement par avenant.",
            }[champ]
        ]
    projet.refresh_from_db()
    assert (projet.titre, projet.mesure_id, projet.historique.count()) == avant


def test_l_api_refuse_le_titre_d_une_operation_listee(client, agent, administrateur):
    projet = Projet.objects.get(identifiant_contrat="op-041")
    for par, attendu in ((agent, 403), (administrateur, 400)):
        client.force_login(par)
        reponse = client.patch(
            f"/api/v1/projets/{projet.reference}/",
            {"titre": "Titre réécrit"},
            content_type="application/json",
        )
        assert reponse.status_code == attendu, reponse.content
        if attendu == 400:
            assert "modifié seulement par avenant" in reponse.content.decode()
    assert Projet.objects.get(pk=projet.pk).titre == projet.titre


def test_l_agent_de_l_aisne_ne_reecrit_pas_une_operation_listee_et_le_chargement_ne_dit_rien(
    client,
):
    """The audit's case: the Aisne agent rewrote op-041's title and measure through the
    services; now refused (service and API), nothing written, and the loader has nothing to
    put back."""
    aisne = UtilisateurFactory(agent=True, signataire="aisne")
    projet = Projet.objects.get(identifiant_contrat="op-041")
    avant = (projet.titre, projet.mesure_id, projet.historique.count())
    with pytest.raises(ActionNonAutorisee):
        projet_modifier(
            projet=projet,
            donnees=_donnees_de(
                projet, titre="Autre opération", mesure=Noeud.objects.get(code="VI.1")
            ),
            par=aisne,
        )
    client.force_login(aisne)
    reponse = client.patch(
        f"/api/v1/projets/{projet.reference}/",
        {"mesure": "VI.1"},
        content_type="application/json",
    )
    assert reponse.status_code == 403, reponse.content
    projet.refresh_from_db()
    assert (projet.titre, projet.mesure_id, projet.historique.count()) == avant
    assert "aucune modification" in charger()
