"""The import of the existing programming, as the secretariat uses it: template, upload, report,
application (once, all or nothing, idempotent), export and round trip; refused to anyone else."""

import io
from collections import Counter
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Sum
from django.urls import reverse
from openpyxl import load_workbook

from axes.models import Noeud, Signataire
from financement.models import (
    Engagement,
    Enveloppe,
    JournalFinancier,
    LigneProgrammee,
    MaquetteLigne,
    Paiement,
)
from financement.services import projet_reprendre
from projets.models import Projet, Statut, TransitionProjet
from projets.workflow import MandatReprise
from reprise import gabarit, services
from reprise.models import DossierRepris, EtatImport, ImportProgrammation
from reprise.selectors import rangees_programmation
from socle.exceptions import ActionNonAutorisee
from tests.reprise.fabrique import generer, planter_erreurs

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def deposer(client, contenu: bytes, capture, nom="programmation.xlsx"):
    """Upload as the page does; the check runs (eagerly) once the upload is committed."""
    with capture(execute=True):
        reponse = client.post(
            reverse("reprise:accueil"), {"fichier": SimpleUploadedFile(nom, contenu, XLSX)}
        )
    assert reponse.status_code == 302, reponse.content.decode()[:2000]
    return ImportProgrammation.objects.latest("pk")


def appliquer(client, import_, capture):
    with capture(execute=True):
        reponse = client.post(reverse("reprise:appliquer", args=[import_.pk]))
    assert reponse.status_code == 302
    import_.refresh_from_db()
    return import_


def empreinte_du_registre():
    """Everything an import may write, counted."""
    return (
        Projet.objects.count(),
        LigneProgrammee.objects.count(),
        Engagement.objects.count(),
        Paiement.objects.count(),
        JournalFinancier.objects.count(),
        TransitionProjet.objects.count(),
        DossierRepris.objects.count(),
        tuple(Enveloppe.objects.order_by("pk").values_list("montant_programme", "montant_engage")),
    )


def cellules(contenu: bytes) -> list[tuple]:
    feuille = load_workbook(io.BytesIO(contenu), read_only=True)[gabarit.FEUILLE]
    return [tuple(ligne) for ligne in feuille.iter_rows(values_only=True)]


@pytest.fixture
def secretariat(client, administrateur):
    client.force_login(administrateur)
    return client


# --- Who may ----------------------------------------------------------------------------------
@pytest.mark.parametrize("qui", ["agent", "porteur", "lecteur"])
def test_seul_le_secretariat_accede_a_la_reprise(client, qui, request):
    personne = request.getfixturevalue(qui)
    client.force_login(personne)
    avant = empreinte_du_registre()
    contenu = generer(8).contenu()
    for adresse in ("reprise:accueil", "reprise:modele", "reprise:export"):
        assert client.get(reverse(adresse)).status_code == 403
    reponse = client.post(
        reverse("reprise:accueil"),
        {"fichier": SimpleUploadedFile("p.xlsx", contenu, XLSX)},
    )
    assert reponse.status_code == 403
    assert not ImportProgrammation.objects.exists()
    assert empreinte_du_registre() == avant


def test_un_autre_que_le_secretariat_ne_peut_appliquer_un_import_verifie(
    secretariat, client, agent, django_capture_on_commit_callbacks
):
    import_ = deposer(secretariat, generer(8).contenu(), django_capture_on_commit_callbacks)
    assert import_.etat == EtatImport.VALIDE
    client.force_login(agent)
    avant = empreinte_du_registre()
    assert client.post(reverse("reprise:appliquer", args=[import_.pk])).status_code == 403
    assert client.get(reverse("reprise:import", args=[import_.pk])).status_code == 403
    import_.refresh_from_db()
    assert import_.etat == EtatImport.VALIDE
    assert empreinte_du_registre() == avant


def test_le_mandat_de_reprise_n_est_qu_au_secretariat(projet_brouillon, agent):
    with pytest.raises(ActionNonAutorisee, match="Seul le secrétariat du CPER importe"):
        projet_reprendre(projet=projet_brouillon, par=agent, mandat=MandatReprise(import_id=1))
    assert Projet.objects.get(pk=projet_brouillon.pk).statut == Statut.BROUILLON
    assert not LigneProgrammee.objects.filter(projet=projet_brouillon).exists()


def test_l_etape_reprendre_ne_se_prend_pas_par_la_page_du_dossier(secretariat, projet_brouillon):
    adresse = reverse("projet_action", args=[projet_brouillon.reference, "reprendre"])
    reponse = secretariat.post(adresse, {"commentaire": "Essai"})
    assert reponse.status_code == 403
    assert "Seule la reprise de l&#x27;existant" in reponse.content.decode()
    assert Projet.objects.get(pk=projet_brouillon.pk).statut == Statut.BROUILLON
    assert not TransitionProjet.objects.filter(projet=projet_brouillon).exists()


def test_le_menu_du_secretariat_mene_a_la_reprise(secretariat, client, agent):
    page = secretariat.get(reverse("tableau_de_bord")).content.decode()
    assert reverse("reprise:accueil") in page
    assert "Reprise de l’existant" in page
    client.force_login(agent)
    assert reverse("reprise:accueil") not in client.get(reverse("tableau_de_bord")).content.decode()


# --- Template ------------------------------------------------------------------------------
def test_le_modele_a_les_colonnes_et_une_notice(secretariat):
    reponse = secretariat.get(reverse("reprise:modele"))
    assert reponse.status_code == 200
    assert reponse["Content-Type"] == XLSX
    lignes = cellules(reponse.content)
    assert lignes == [tuple(c.titre for c in gabarit.COLONNES)]
    notice = load_workbook(io.BytesIO(reponse.content))[gabarit.FEUILLE_NOTICE]
    assert notice["A2"].value == "Référence du dossier"


def test_un_fichier_qui_n_est_pas_le_modele_est_refuse_sans_rien_ecrire(
    secretariat, django_capture_on_commit_callbacks
):
    avant = empreinte_du_registre()
    reponse = secretariat.post(
        reverse("reprise:accueil"),
        {"fichier": SimpleUploadedFile("notes.xlsx", b"pas un classeur", XLSX)},
    )
    assert reponse.status_code == 200
    assert "Déposez le modèle rempli, au format Excel (.xlsx)." in reponse.content.decode()
    import openpyxl

    livre = openpyxl.Workbook()
    livre.active.append(["Titre", "Montant"])
    flux = io.BytesIO()
    livre.save(flux)
    import_ = deposer(secretariat, flux.getvalue(), django_capture_on_commit_callbacks)
    assert import_.etat == EtatImport.ERREURS
    assert "il manque « Référence du dossier »" in import_.erreurs[0]["message"]
    vide = deposer(secretariat, gabarit.classeur([]), django_capture_on_commit_callbacks)
    assert vide.etat == EtatImport.ERREURS
    assert vide.erreurs == [
        {
            "ligne": 2,
            "colonne": "",
            "message": "Le fichier ne contient aucune ligne : remplissez le modèle.",
        }
    ]
    assert empreinte_du_registre() == avant


# --- The report ----------------------------------------------------------------------------
def test_le_rapport_dit_chaque_erreur_ligne_colonne_message_sans_rien_ecrire(
    secretariat, django_capture_on_commit_callbacks
):
    fichier = generer(240)
    attendu = planter_erreurs(fichier)
    avant = empreinte_du_registre()
    import_ = deposer(secretariat, fichier.contenu(), django_capture_on_commit_callbacks)
    assert import_.etat == EtatImport.ERREURS
    assert import_.nombre_lignes == 240
    assert import_.erreurs == attendu
    assert len({e["message"] for e in attendu}) == 10
    assert empreinte_du_registre() == avant
    page = secretariat.get(reverse("reprise:import", args=[import_.pk])).content.decode()
    assert "Le fichier compte 20 erreurs : rien n’a été enregistré" in page
    assert "Aucune mesure du contrat n&#x27;a le code « Z.9.9 »." in page
    assert "Appliquer l’import" not in page
    # Applying a file with errors is refused (409), nothing written.
    reponse = secretariat.post(reverse("reprise:appliquer", args=[import_.pk]))
    assert reponse.status_code == 409
    assert empreinte_du_registre() == avant


def _avec(fichier, index, **valeurs):
    fichier.rangees[index] = {**fichier.rangees[index], **valeurs}


def test_le_rapport_dit_ce_que_le_registre_refuserait(
    secretariat, django_capture_on_commit_callbacks
):
    """More committed than programmed, more paid than committed, a closed dossier not paid in
    full, an envelope too small, rows of one dossier that disagree, a payment twice."""
    fichier = generer(24)  # six dossiers: 0 Programmé, 1 En cours, 2 Soldé, 3, 4, 5
    _avec(fichier, 2, montant_engage=fichier.rangees[2]["montant_programme"] + Decimal("0.01"))
    _avec(fichier, 4, montant_paye=Decimal("999999.00"))
    _avec(fichier, 9, montant_paye=Decimal("1.00"))  # the closed dossier's second payment
    _avec(fichier, 13, titre="Un autre titre")
    _avec(fichier, 21, paiement_reference=fichier.rangees[20]["paiement_reference"])
    region = Signataire.objects.get(code="region")
    enveloppe = Enveloppe.objects.get(signataire=region)
    _avec(fichier, 12, montant_programme=enveloppe.montant + 1)
    _avec(fichier, 13, montant_programme=enveloppe.montant + 1)
    import_ = deposer(secretariat, fichier.contenu(), django_capture_on_commit_callbacks)
    assert import_.etat == EtatImport.ERREURS
    rapport = {(e["ligne"], e["colonne"]): e["message"] for e in import_.erreurs}
    assert rapport[(4, "Montant engagé (€)")].startswith(
        "Les engagements de la ligne « etat » totalisent "
    )
    assert "plus que son montant programmé" in rapport[(4, "Montant engagé (€)")]
    assert rapport[(7, "Montant payé (€)")].startswith(
        "Les paiements de l'engagement « CONV-1-R » totalisent 1"
    )
    assert rapport[(10, "Statut")].startswith("Un dossier soldé a tout engagé et tout payé")
    assert rapport[(15, "Titre")].startswith("« Titre » diffère de la ligne 14")
    assert rapport[(23, "Référence du paiement")] == (
        "Le paiement « MDT-5-1 » de cet engagement figure déjà ligne 22."
    )
    assert rapport[(14, "Montant programmé (€)")].startswith(
        f"L'enveloppe {region.de_nom} ne peut pas prendre "
    )
    assert not Projet.objects.filter(titre__startswith="Opération reprise").exists()


# --- Applying --------------------------------------------------------------------------------
def test_un_fichier_valide_s_applique_une_fois_et_le_registre_suit_au_centime(
    secretariat, administrateur, django_capture_on_commit_callbacks
):
    fichier = generer(120)
    enveloppes_avant = {
        e.signataire.code: e for e in Enveloppe.objects.select_related("signataire")
    }
    import_ = deposer(secretariat, fichier.contenu(), django_capture_on_commit_callbacks)
    assert import_.etat == EtatImport.VALIDE, import_.erreurs[:3]
    assert import_.bilan["dossiers_a_creer"] == 30
    assert not Projet.objects.filter(titre__startswith="Opération reprise").exists()
    assert [t["signataire"] for t in import_.bilan["totaux"]] == [
        "État",
        "Région Hauts-de-France",
    ]
    assert import_.bilan["totaux"][1]["programme"] == str(fichier.programme["region"])
    page = secretariat.get(reverse("reprise:import", args=[import_.pk])).content.decode()
    assert "Le fichier est vérifié, sans erreur" in page
    assert "au titre de la reprise de l’existant" in page

    import_ = appliquer(secretariat, import_, django_capture_on_commit_callbacks)
    assert import_.etat == EtatImport.APPLIQUE, import_.message_erreur
    assert import_.applique_par == administrateur
    repris = Projet.objects.filter(reprise__import_origine=import_)
    assert repris.count() == 30
    assert Counter(repris.values_list("statut", flat=True)) == {
        Statut.PROGRAMME: 10,
        Statut.EN_COURS: 10,
        Statut.SOLDE: 10,
    }
    for code in ("region", "etat"):
        avant = enveloppes_avant[code]
        apres = Enveloppe.objects.get(signataire__code=code)
        assert apres.montant_programme - avant.montant_programme == fichier.programme[code]
        assert apres.montant_engage - avant.montant_engage == fichier.engage[code]
        assert apres.montant_paye - avant.montant_paye == fichier.paye[code]
        assert Paiement.objects.filter(
            engagement__signataire__code=code, engagement__ligne__projet__in=repris
        ).aggregate(t=Sum("montant"))["t"] == (fichier.paye[code] or None)
    # Journaled: who applied, on which mandate.
    transition = TransitionProjet.objects.filter(projet__in=repris, action="reprendre").first()
    assert transition.par == administrateur
    assert f"import n° {import_.pk}" in transition.commentaire
    assert JournalFinancier.objects.filter(projet__in=repris, par=administrateur).count() == (
        JournalFinancier.objects.filter(projet__in=repris).count()
    )
    page = secretariat.get(reverse("reprise:import", args=[import_.pk])).content.decode()
    assert "L’import est appliqué" in page
    assert f"par {administrateur}" in page

    # The same file again: checked, nothing to write, applying it changes nothing.
    avant = empreinte_du_registre()
    second = deposer(secretariat, fichier.contenu(), django_capture_on_commit_callbacks)
    assert second.etat == EtatImport.VALIDE, second.erreurs[:3]
    assert second.bilan["dossiers_a_creer"] == 0
    assert second.bilan["dossiers_existants"] == 30
    assert second.bilan["engagements_a_creer"] == 0
    assert second.bilan["paiements_a_creer"] == 0
    second = appliquer(secretariat, second, django_capture_on_commit_callbacks)
    assert second.etat == EtatImport.APPLIQUE
    assert empreinte_du_registre() == avant
    page = secretariat.get(reverse("reprise:import", args=[second.pk])).content.decode()
    assert "Le portail contenait déjà tout ce que décrit le fichier : rien n’a changé." in page


def test_un_refus_en_cours_d_application_ne_laisse_rien(
    secretariat, administrateur, django_capture_on_commit_callbacks
):
    """The maquette is checked by the ledger only when programming: a maquette line too small
    for the fifth dossier makes the application fail there, and everything is rolled back."""
    fichier = generer(40)
    import_ = deposer(secretariat, fichier.contenu(), django_capture_on_commit_callbacks)
    assert import_.etat == EtatImport.VALIDE
    cinquieme = fichier.rangees[16]
    MaquetteLigne.objects.create(
        signataire=Signataire.objects.get(code="region"),
        noeud=Noeud.objects.get(code=cinquieme["mesure"]),
        montant=Decimal("100.00"),
    )
    avant = empreinte_du_registre()
    import_ = appliquer(secretariat, import_, django_capture_on_commit_callbacks)
    assert import_.etat == EtatImport.ECHEC
    assert import_.message_erreur.startswith("Ligne 18 : La maquette de la Région Hauts-de-France")
    assert import_.message_erreur.endswith(
        "Rien n'a été enregistré : corrigez le fichier et déposez-le de nouveau."
    )
    assert empreinte_du_registre() == avant
    assert not Projet.objects.filter(titre__startswith="Opération reprise").exists()


# --- Export and round trip -------------------------------------------------------------------
def test_l_export_redonne_le_fichier_et_l_aller_retour_ne_change_rien(
    secretariat, django_capture_on_commit_callbacks
):
    fichier = generer(60)
    import_ = deposer(secretariat, fichier.contenu(), django_capture_on_commit_callbacks)
    appliquer(secretariat, import_, django_capture_on_commit_callbacks)

    export = secretariat.get(reverse("reprise:export"))
    assert export.status_code == 200
    premier = export.content
    lignes = cellules(premier)
    # The export holds the file's rows, now with the portal's reference of each dossier.
    sans_reference = Counter(ligne[1:] for ligne in lignes[1:] if ligne[1])
    assert sans_reference == Counter(ligne[1:] for ligne in cellules(fichier.contenu())[1:])
    assert all(ligne[0].startswith("HDF-") for ligne in lignes[1:] if ligne[1])

    avant = empreinte_du_registre()
    retour = deposer(secretariat, premier, django_capture_on_commit_callbacks, nom="export.xlsx")
    assert retour.etat == EtatImport.VALIDE, retour.erreurs[:3]
    appliquer(secretariat, retour, django_capture_on_commit_callbacks)
    assert empreinte_du_registre() == avant
    assert cellules(gabarit.classeur(rangees_programmation())) == lignes


def test_la_page_de_suivi_lit_l_etat_de_l_import(secretariat, django_capture_on_commit_callbacks):
    import_ = deposer(secretariat, generer(8).contenu(), django_capture_on_commit_callbacks)
    etat = secretariat.get(reverse("reprise:etat", args=[import_.pk])).json()
    assert etat == {
        "etat": "valide",
        "libelle_etat": "fichier vérifié, prêt à être appliqué",
        "progression": 100,
        "termine": True,
    }


def test_le_service_refuse_qui_n_est_pas_du_secretariat(agent):
    with pytest.raises(ActionNonAutorisee):
        services.import_deposer(fichier=SimpleUploadedFile("p.xlsx", b"PK", XLSX), par=agent)
    assert not ImportProgrammation.objects.exists()
