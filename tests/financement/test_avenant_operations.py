"""Issue 13: the contract's listed operations change only through an avenant in force.

An avenant re-scopes a listed operation (new title, new measure: its programmed lines move
with their money, the maquette lines follow) or abandons it (what it did not use goes back to
the envelopes). Nothing changes before the nine approvals; a refusal leaves everything as it
was; by hand, nobody abandons a listed operation or changes its title and measure.
"""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from axes.models import Niveau, Noeud, Signataire
from financement.models import (
    Avenant,
    Enveloppe,
    GenreModificationOperation,
    JournalFinancier,
    LigneProgrammee,
    MaquetteLigne,
    ModificationOperation,
    StatutAvenant,
)
from financement.services import (
    EnveloppeInsuffisante,
    OperationModifiee,
    avenant_creer,
    avenant_mettre_en_vigueur,
    projet_abandonner,
)
from financement.verification import registre_ecarts
from projets.models import Projet, Statut
from socle.exceptions import ActionNonAutorisee, RegleMetierError
from tests.financement.test_avenants import approuver_par_tous

EUR = Decimal


@pytest.fixture
def operation(projet_programme):
    """A programmed dossier that the contract lists (Région 400 000, État 350 000 under
    IV.2.1.a)."""
    Projet.objects.filter(pk=projet_programme.pk).update(identifiant_contrat="OP-IV-TEST")
    return Projet.objects.get(pk=projet_programme.pk)


def _creer(administrateur, operations, numero=1):
    return avenant_creer(
        numero=numero,
        titre="Recadrage d'une opération",
        justification="Le projet change d'objet après l'étude de faisabilité.",
        initie_par=Signataire.objects.get(code="region"),
        enveloppes={},
        operations=operations,
        par=administrateur,
    )


def _autre_mesure(projet):
    return (
        Noeud.objects.filter(niveau=Niveau.MESURE)
        .exclude(axe=projet.mesure.axe)
        .order_by("position")
        .first()
    )


def _maquette(code_signataire, noeud, montant, programme):
    return MaquetteLigne.objects.create(
        signataire=Signataire.objects.get(code=code_signataire),
        noeud=noeud,
        montant=EUR(montant),
        montant_programme=EUR(programme),
    )


def test_un_avenant_recadre_l_operation_et_ses_lignes_suivent(operation, administrateur):
    nouvelle = _autre_mesure(operation)
    ancienne_maquette = _maquette("region", operation.mesure.axe, "5000000.00", "400000.00")
    nouvelle_maquette = _maquette("region", nouvelle, "1000000.00", "0.00")
    enveloppes = {e.signataire.code: e.montant_programme for e in Enveloppe.objects.all()}

    avenant = _creer(
        administrateur,
        [
            OperationModifiee(
                projet=operation,
                genre=GenreModificationOperation.RECADRAGE,
                titre="Réhabilitation et extension du bâtiment B",
                mesure=nouvelle,
            )
        ],
    )
    # Nothing changes before the avenant is in force.
    assert Projet.objects.get(pk=operation.pk).mesure == operation.mesure
    approuver_par_tous(avenant, administrateur)
    avenant_mettre_en_vigueur(avenant=avenant, par=administrateur, le=timezone.localdate())

    projet = Projet.objects.get(pk=operation.pk)
    assert (projet.titre, projet.mesure) == ("Réhabilitation et extension du bâtiment B", nouvelle)
    assert set(LigneProgrammee.objects.filter(projet=projet).values_list("noeud", flat=True)) == {
        nouvelle.pk
    }
    # The money moved from the old measure's maquette to the new one; envelopes unchanged.
    ancienne_maquette.refresh_from_db()
    nouvelle_maquette.refresh_from_db()
    assert ancienne_maquette.montant_programme == EUR("0.00")
    assert nouvelle_maquette.montant_programme == EUR("400000.00")
    assert {e.signataire.code: e.montant_programme for e in Enveloppe.objects.all()} == enveloppes
    ecarts, _ = registre_ecarts()
    assert ecarts == []
    assert projet.historique.first().history_change_reason == "Avenant n° 1"
    assert JournalFinancier.objects.filter(type="avenant", projet=projet).count() == 2


def test_un_avenant_abandonne_l_operation_et_libere_son_argent(operation, administrateur, agent):
    # By hand, not even the secretariat abandons a listed operation.
    for qui in (agent, administrateur):
        with pytest.raises(ActionNonAutorisee) as refus:
            projet_abandonner(projet=operation, par=qui, commentaire="Plus d'actualité.")
        assert "Seul un avenant au contrat" in refus.value.message
    avant = Enveloppe.objects.get(signataire__code="region").montant_programme
    avenant = _creer(
        administrateur,
        [OperationModifiee(projet=operation, genre=GenreModificationOperation.ABANDON)],
    )
    approuver_par_tous(avenant, administrateur)
    avenant_mettre_en_vigueur(avenant=avenant, par=administrateur, le=timezone.localdate())
    projet = Projet.objects.get(pk=operation.pk)
    assert projet.statut == Statut.ABANDONNE
    assert projet.motif_abandon.startswith("Avenant n° 1 : ")
    apres = Enveloppe.objects.get(signataire__code="region").montant_programme
    assert avant - apres == EUR("400000.00")


def test_un_avenant_ne_modifie_que_les_operations_du_contrat(
    projet_programme, operation, administrateur, agent, porteur, donnees_completes
):
    from projets.services import projet_creer

    ordinaire = projet_creer(donnees=donnees_completes(), par=porteur)
    cas = [
        [OperationModifiee(projet=ordinaire, genre=GenreModificationOperation.ABANDON)],
        [OperationModifiee(projet=operation, genre=GenreModificationOperation.RECADRAGE)],
        [
            OperationModifiee(
                projet=operation,
                genre=GenreModificationOperation.RECADRAGE,
                mesure=operation.mesure.axe,
            )
        ],
        [
            OperationModifiee(projet=operation, genre=GenreModificationOperation.ABANDON),
            OperationModifiee(projet=operation, genre=GenreModificationOperation.ABANDON),
        ],
    ]
    for operations in cas:
        with pytest.raises(RegleMetierError) as refus:
            _creer(administrateur, operations)
        assert refus.value.erreurs["operations"]
    with pytest.raises(ActionNonAutorisee):
        _creer(
            agent, [OperationModifiee(projet=operation, genre=GenreModificationOperation.ABANDON)]
        )
    assert not Avenant.objects.exists() and not ModificationOperation.objects.exists()


def test_une_maquette_trop_petite_refuse_l_entree_en_vigueur_sans_rien_changer(
    operation, administrateur
):
    nouvelle = _autre_mesure(operation)
    _maquette("region", nouvelle, "100000.00", "0.00")  # too small for the 400 000,00 €
    avenant = _creer(
        administrateur,
        [
            OperationModifiee(
                projet=operation,
                genre=GenreModificationOperation.RECADRAGE,
                titre="Nouveau titre",
                mesure=nouvelle,
            )
        ],
    )
    approuver_par_tous(avenant, administrateur)
    with pytest.raises(EnveloppeInsuffisante) as refus:
        avenant_mettre_en_vigueur(avenant=avenant, par=administrateur, le=timezone.localdate())
    assert "ne peut pas recevoir" in refus.value.erreurs["operations"][0]
    projet = Projet.objects.get(pk=operation.pk)
    assert (projet.titre, projet.mesure_id) == (operation.titre, operation.mesure_id)
    assert Avenant.objects.get().statut == StatutAvenant.EN_APPROBATION
    assert set(LigneProgrammee.objects.filter(projet=projet).values_list("noeud", flat=True)) == {
        operation.mesure_id
    }


def test_page_preparer_un_avenant_qui_recadre_une_operation(client, operation, administrateur):
    client.force_login(administrateur)
    base = {
        "numero": "3",
        "titre": "Recadrage",
        "justification": "Étude de faisabilité.",
        "initie_par": str(Signataire.objects.get(code="region").pk),
        "operation": str(operation.pk),
    }
    # The kind of change is missing: the error sits next to its field, nothing written.
    reponse = client.post(reverse("financement:avenant_nouveau"), base)
    assert reponse.status_code == 200
    assert "Dites si l&#x27;avenant recadre ou abandonne" in reponse.content.decode()
    assert not Avenant.objects.exists()
    nouvelle = _autre_mesure(operation)
    reponse = client.post(
        reverse("financement:avenant_nouveau"),
        {**base, "operation_genre": "recadrage", "operation_mesure": str(nouvelle.pk)},
    )
    assert reponse.status_code == 302
    (modification,) = ModificationOperation.objects.all()
    assert (modification.ancienne_mesure, modification.nouvelle_mesure) == (
        operation.mesure,
        nouvelle,
    )
    page = client.get(reverse("financement:avenant", args=[3]))
    assert f"mesure {operation.mesure.code} devient {nouvelle.code}" in page.content.decode()
