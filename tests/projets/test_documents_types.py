"""Typed pieces (issue 15): the type chosen at upload, the pieces the secretariat's setting asks
at filing per measure, withdrawal and replacement while the dossier is its porteur's, the
instructor's request for more pieces after filing, and each of these in the dossier's history."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from projets.models import DemandePieces, Document, Projet, Statut, TransitionProjet, TypePiece
from projets.pieces import pieces_requises
from projets.selectors import historique_projet
from projets.services import document_deposer, projet_transitionner
from socle.exceptions import RegleMetierError

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n%%EOF\n"
PDF_V2 = b"%PDF-1.7\n% seconde version\n%%EOF\n"
DEUX_PIECES = {"defaut": ["deliberation", "plan_financement"], "par_mesure": {}}
MANQUANTES = (
    "Pièces demandées au dépôt manquantes : délibération de l'organe compétent et plan de "
    "financement signé. Joignez-les depuis la page du dossier (liste fixée par le secrétariat "
    "du CPER)."
)


def joindre(client, projet, nom="plan.pdf", type_piece="plan_situation", contenu=PDF):
    return client.post(
        reverse("projets:document_ajouter", args=[projet.reference]),
        {"fichier": SimpleUploadedFile(nom, contenu), "type_piece": type_piece},
        follow=True,
    )


def piece(projet, par, type_piece="plan_situation", nom="plan.pdf") -> Document:
    return document_deposer(
        projet=projet, fichier=SimpleUploadedFile(nom, PDF), type_piece=type_piece, par=par
    )


def empreinte(projet):
    projet = Projet.objects.get(pk=projet.pk)
    return (
        projet.statut,
        TransitionProjet.objects.filter(projet=projet).count(),
        projet.historique.count(),
        sorted(Document.objects.filter(projet=projet).values_list("pk", "nom", "fichier")),
        projet.evenements_pieces.count(),
    )


def test_un_document_se_joint_avec_son_type(client, porteur, projet_brouillon):
    client.force_login(porteur)
    reponse = joindre(client, projet_brouillon)
    assert "Document « plan.pdf » ajouté (Plan de situation)." in reponse.content.decode()
    document = Document.objects.get(projet=projet_brouillon)
    assert document.type_piece == TypePiece.PLAN_SITUATION
    assert "plan.pdf</a> — Plan de situation" in reponse.content.decode()
    api = client.get(f"/api/v1/projets/{projet_brouillon.reference}/documents/").json()
    assert api[0]["type_piece"] == "plan_situation"
    assert api[0]["type_piece_libelle"] == "Plan de situation"


def test_l_api_joint_un_document_type_et_refuse_un_type_inconnu(client, porteur, projet_brouillon):
    client.force_login(porteur)
    url = f"/api/v1/projets/{projet_brouillon.reference}/documents/"
    reponse = client.post(url, {"fichier": SimpleUploadedFile("d.pdf", PDF), "type_piece": "devis"})
    assert reponse.status_code == 201
    assert reponse.json()["type_piece_libelle"] == "Devis ou estimation"
    refus = client.post(url, {"fichier": SimpleUploadedFile("d.pdf", PDF), "type_piece": "x"})
    assert refus.status_code == 400
    assert "type_piece" in refus.json()
    assert Document.objects.filter(projet=projet_brouillon).count() == 1


def test_le_reglage_par_mesure_remplace_la_liste_commune(settings, projet_brouillon):
    settings.PIECES_REQUISES = {
        "defaut": ["deliberation"],
        "par_mesure": {"IV.2": ["devis", "plan_situation"], "IV.2.1.a": ["non_commencement"]},
    }
    assert pieces_requises(projet_brouillon) == [TypePiece.NON_COMMENCEMENT]
    settings.PIECES_REQUISES = {"defaut": ["deliberation"], "par_mesure": {"IV.2": ["devis"]}}
    assert pieces_requises(projet_brouillon) == [TypePiece.DEVIS]
    settings.PIECES_REQUISES = {"defaut": ["deliberation"], "par_mesure": {"I.1": ["devis"]}}
    assert pieces_requises(projet_brouillon) == [TypePiece.DELIBERATION]


def test_le_depot_est_refuse_tant_que_les_pieces_manquent(
    settings, client, porteur, projet_brouillon
):
    settings.PIECES_REQUISES = DEUX_PIECES
    piece(projet_brouillon, porteur, "plan_situation")
    avant = empreinte(projet_brouillon)
    with pytest.raises(RegleMetierError) as refus:
        projet_transitionner(projet=projet_brouillon, action="deposer", par=porteur)
    assert refus.value.erreurs == {"pieces": [MANQUANTES]}
    client.force_login(porteur)
    page = client.post(reverse("projet_action", args=[projet_brouillon.reference, "deposer"]))
    assert MANQUANTES.replace("'", "&#x27;") in page.content.decode()
    api = client.post(f"/api/v1/projets/{projet_brouillon.reference}/deposer/")
    assert api.status_code == 400
    assert api.json()["pieces"] == [MANQUANTES]
    assert empreinte(projet_brouillon) == avant
    assert Projet.objects.get(pk=projet_brouillon.pk).statut == Statut.BROUILLON


def test_le_depot_passe_une_fois_les_pieces_jointes_et_la_page_les_coche(
    settings, client, porteur, projet_brouillon
):
    settings.PIECES_REQUISES = DEUX_PIECES
    client.force_login(porteur)
    joindre(client, projet_brouillon, "deliberation.pdf", "deliberation")
    page = client.get(reverse("projets:detail", args=[projet_brouillon.reference])).content
    texte = page.decode()
    assert "Pièces demandées au dépôt" in texte
    badge = '<span class="fr-badge fr-badge--sm fr-badge--'
    assert f'Délibération de l&#x27;organe compétent : {badge}success">fournie' in texte
    assert f'Plan de financement signé : {badge}error">manquante' in texte
    assert "fixée par le secrétariat (réglage)" in texte
    joindre(client, projet_brouillon, "plan-financement.pdf", "plan_financement")
    reponse = client.post(
        reverse("projet_action", args=[projet_brouillon.reference, "deposer"]), follow=True
    )
    assert "Dossier déposé" in reponse.content.decode()
    assert Projet.objects.get(pk=projet_brouillon.pk).statut == Statut.DEPOSE


def test_sans_piece_demandee_la_page_ne_montre_pas_de_liste(client, porteur, projet_brouillon):
    client.force_login(porteur)
    page = client.get(reverse("projets:detail", args=[projet_brouillon.reference]))
    assert "Pièces demandées au dépôt" not in page.content.decode()


def test_le_porteur_retire_et_remplace_une_piece_de_son_brouillon(
    client, porteur, projet_brouillon, django_capture_on_commit_callbacks
):
    plan = piece(projet_brouillon, porteur, "plan_situation", "plan.pdf")
    devis = piece(projet_brouillon, porteur, "devis", "devis.pdf")
    ancien_plan, ancien_devis = Path(plan.fichier.path), Path(devis.fichier.path)
    client.force_login(porteur)
    with django_capture_on_commit_callbacks(execute=True):
        reponse = client.post(
            reverse("projets:document_remplacer", args=[projet_brouillon.reference, plan.pk]),
            {"fichier": SimpleUploadedFile("plan-v2.pdf", PDF_V2)},
            follow=True,
        )
    assert "Document « plan.pdf » remplacé par « plan-v2.pdf »." in reponse.content.decode()
    plan.refresh_from_db()
    assert (plan.nom, plan.type_piece) == ("plan-v2.pdf", TypePiece.PLAN_SITUATION)
    assert Path(plan.fichier.path).read_bytes() == PDF_V2
    assert not ancien_plan.exists()
    with django_capture_on_commit_callbacks(execute=True):
        reponse = client.post(
            reverse("projets:document_retirer", args=[projet_brouillon.reference, devis.pk]),
            follow=True,
        )
    assert "Document « devis.pdf » retiré du dossier." in reponse.content.decode()
    assert not Document.objects.filter(pk=devis.pk).exists()
    assert not ancien_devis.exists()


@pytest.mark.parametrize("qui", ["lecteur", "agent", "porteur_autre"])
def test_un_tiers_ne_retire_ni_ne_remplace_une_piece(
    request, client, porteur, projet_brouillon, qui, django_capture_on_commit_callbacks
):
    document = piece(projet_brouillon, porteur)
    avant = empreinte(projet_brouillon)
    client.force_login(request.getfixturevalue(qui))
    attendu = 404 if qui == "porteur_autre" else 403  # another porteur does not see it at all
    with django_capture_on_commit_callbacks(execute=True):
        retrait = client.post(
            reverse("projets:document_retirer", args=[projet_brouillon.reference, document.pk])
        )
        remplacement = client.post(
            reverse("projets:document_remplacer", args=[projet_brouillon.reference, document.pk]),
            {"fichier": SimpleUploadedFile("autre.pdf", PDF_V2)},
        )
    assert (retrait.status_code, remplacement.status_code) == (attendu, attendu)
    if attendu == 403:
        assert "Vous ne pouvez pas retirer un document de ce dossier" in retrait.content.decode()
    assert empreinte(projet_brouillon) == avant
    assert Path(document.fichier.path).read_bytes() == PDF


def test_apres_le_depot_le_porteur_ne_retire_ni_ne_remplace_plus(
    client, porteur, projet_brouillon, django_capture_on_commit_callbacks
):
    document = piece(projet_brouillon, porteur)
    projet_transitionner(projet=projet_brouillon, action="deposer", par=porteur)
    avant = empreinte(projet_brouillon)
    client.force_login(porteur)
    with django_capture_on_commit_callbacks(execute=True):
        retrait = client.post(
            reverse("projets:document_retirer", args=[projet_brouillon.reference, document.pk])
        )
        remplacement = client.post(
            reverse("projets:document_remplacer", args=[projet_brouillon.reference, document.pk]),
            {"fichier": SimpleUploadedFile("autre.pdf", PDF_V2)},
        )
    assert (retrait.status_code, remplacement.status_code) == (409, 409)
    assert "Le dossier est « Déposé » : vous ne pouvez plus en retirer de document." in (
        retrait.content.decode()
    )
    assert "vous ne pouvez plus en remplacer les documents" in remplacement.content.decode()
    assert empreinte(projet_brouillon) == avant
    assert Path(document.fichier.path).read_bytes() == PDF


def test_l_instructeur_demande_une_piece_que_le_porteur_seul_joint_ensuite(
    client, porteur, agent, projet_brouillon
):
    projet_transitionner(projet=projet_brouillon, action="deposer", par=porteur)
    client.force_login(agent)  # the Région's agent: a CPER co-funder of the dossier
    url = reverse("projets:pieces_demander", args=[projet_brouillon.reference])
    assert client.get(url).status_code == 200
    vide = client.post(url, {"types": [], "message": ""})
    assert vide.status_code == 400
    assert "Choisissez au moins une pièce à demander." in vide.content.decode()
    assert not DemandePieces.objects.exists()
    reponse = client.post(
        url, {"types": ["devis"], "message": "Le devis des travaux de toiture."}, follow=True
    )
    assert "Pièces demandées au porteur : Devis ou estimation." in reponse.content.decode()
    demande = DemandePieces.objects.get(projet=projet_brouillon)
    assert demande.ouverte and demande.types == ["devis"]

    client.force_login(porteur)
    page = client.get(reverse("projets:detail", args=[projet_brouillon.reference])).content
    assert "Le devis des travaux de toiture." in page.decode()
    avant = empreinte(projet_brouillon)
    autre = joindre(client, projet_brouillon, "deliberation.pdf", "deliberation")
    assert (
        "Le dossier est « Déposé » : seules les pièces demandées par l&#x27;instructeur peuvent "
        "encore y être jointes (devis ou estimation)."
    ) in autre.content.decode()
    assert empreinte(projet_brouillon) == avant
    api = client.post(
        f"/api/v1/projets/{projet_brouillon.reference}/documents/",
        {"fichier": SimpleUploadedFile("d.pdf", PDF), "type_piece": "deliberation"},
    )
    assert api.status_code == 409
    assert empreinte(projet_brouillon) == avant

    ajout = joindre(client, projet_brouillon, "devis.pdf", "devis")
    assert "Document « devis.pdf » ajouté (Devis ou estimation)." in ajout.content.decode()
    demande.refresh_from_db()
    assert not demande.ouverte
    # The request closed, the dossier is filed: nothing more joins.
    encore = joindre(client, projet_brouillon, "devis-2.pdf", "devis")
    assert "vous ne pouvez plus y joindre de document" in encore.content.decode()
    assert Document.objects.filter(projet=projet_brouillon).count() == 1


@pytest.mark.parametrize(("qui", "statut"), [("porteur", 403), ("lecteur", 403), ("agent", 409)])
def test_seul_un_instructeur_demande_des_pieces_apres_le_depot(
    request, client, projet_brouillon, qui, statut
):
    # On the draft: the porteur and a reader never may (403), an agent not yet (409).
    client.force_login(request.getfixturevalue(qui))
    reponse = client.post(
        reverse("projets:pieces_demander", args=[projet_brouillon.reference]),
        {"types": ["devis"]},
    )
    assert reponse.status_code == statut
    assert not DemandePieces.objects.exists()


def test_chaque_evenement_des_pieces_est_une_ligne_de_l_historique(
    client, porteur, agent, projet_brouillon
):
    client.force_login(porteur)
    plan = piece(projet_brouillon, porteur, "plan_situation", "plan.pdf")
    devis = piece(projet_brouillon, porteur, "devis", "devis.pdf")
    client.post(
        reverse("projets:document_remplacer", args=[projet_brouillon.reference, plan.pk]),
        {"fichier": SimpleUploadedFile("plan-v2.pdf", PDF_V2)},
    )
    client.post(reverse("projets:document_retirer", args=[projet_brouillon.reference, devis.pk]))
    projet_transitionner(projet=projet_brouillon, action="deposer", par=porteur)
    client.force_login(agent)
    client.post(
        reverse("projets:pieces_demander", args=[projet_brouillon.reference]),
        {"types": ["devis"], "message": "Le devis de toiture."},
    )
    client.force_login(porteur)
    joindre(client, projet_brouillon, "devis-toiture.pdf", "devis")
    pieces = [
        (e["type"], e["motif"], str(e["par"]))
        for e in historique_projet(projet=projet_brouillon)
        if e.get("seul")
    ]
    assert list(reversed(pieces)) == [
        ("Pièce ajoutée", "Plan de situation : plan.pdf", str(porteur)),
        ("Pièce ajoutée", "Devis ou estimation : devis.pdf", str(porteur)),
        ("Pièce remplacée", "Plan de situation : plan.pdf remplacé par plan-v2.pdf", str(porteur)),
        ("Pièce retirée", "Devis ou estimation : devis.pdf", str(porteur)),
        (
            "Pièces complémentaires demandées",
            "Devis ou estimation : Le devis de toiture.",
            str(agent),
        ),
        (
            "Pièce ajoutée",
            "Devis ou estimation : devis-toiture.pdf (pièce complémentaire demandée)",
            str(porteur),
        ),
        (
            "Pièces complémentaires fournies",
            f"Devis ou estimation (demande de {agent})",
            str(porteur),
        ),
    ]
    page = client.get(reverse("projets:detail", args=[projet_brouillon.reference])).content.decode()
    assert "pièce retirée (Devis ou estimation : devis.pdf)" in page
    assert "pièces complémentaires demandées (Devis ou estimation : Le devis de toiture.)" in page


def test_la_demo_depose_ses_dossiers_avec_les_pieces_du_reglage_de_production(settings):
    """`make demo` runs on the production list: its dossiers carry the pieces before filing."""
    from io import StringIO

    from django.core.management import call_command

    import cper.settings as production

    settings.COMPTES_DEMO_AUTORISES = True
    settings.PIECES_REQUISES = production.PIECES_REQUISES
    assert production.PIECES_REQUISES["defaut"]  # a real list, not the suite's empty one
    call_command("charger_demo", stdout=StringIO())
    deposes = Projet.objects.filter(titre__startswith="[Démo]", depose_le__isnull=False)
    assert deposes.exists()
    for projet in deposes:
        types = set(projet.documents.values_list("type_piece", flat=True))
        assert set(production.PIECES_REQUISES["defaut"]) <= types, projet.reference


def test_la_page_du_dossier_ne_compte_pas_plus_de_requetes_avec_plus_de_pieces(
    settings, client, porteur, projet_brouillon
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.PIECES_REQUISES = DEUX_PIECES
    client.force_login(porteur)
    url = reverse("projets:detail", args=[projet_brouillon.reference])
    piece(projet_brouillon, porteur, "deliberation", "d.pdf")
    client.get(url)
    with CaptureQueriesContext(connection) as une:
        client.get(url)
    for rang in range(5):
        piece(projet_brouillon, porteur, "devis", f"devis-{rang}.pdf")
    with CaptureQueriesContext(connection) as six:
        assert "devis-4.pdf" in client.get(url).content.decode()
    assert len(six) == len(une)


def test_un_type_inconnu_dans_le_reglage_arrete_le_demarrage(settings):
    from projets.pieces import verifier_reglage

    assert verifier_reglage() == []
    settings.PIECES_REQUISES = {"defaut": ["deliberation"], "par_mesure": {"IV.2": ["devsi"]}}
    erreurs = verifier_reglage()
    assert [e.id for e in erreurs] == ["projets.E001"]
    assert "types de pièce inconnus ['devsi']" in erreurs[0].msg


def test_le_porteur_est_averti_par_courriel_des_pieces_demandees(
    porteur, agent, projet_brouillon, mailoutbox, django_capture_on_commit_callbacks
):
    from projets.services import pieces_demander

    porteur.email = "porteur@universite.test"
    porteur.save(update_fields=["email"])
    projet_transitionner(projet=projet_brouillon, action="deposer", par=porteur)
    with django_capture_on_commit_callbacks(execute=True):
        pieces_demander(
            projet=projet_brouillon,
            types=["devis", "plan_situation"],
            message="Le devis de toiture.",
            par=agent,
        )
    courriels = [m for m in mailoutbox if m.to == [porteur.email]]
    assert [m.subject for m in courriels] == [
        f"Pièces complémentaires demandées : {projet_brouillon.reference}"
    ]
    assert "- Devis ou estimation\n- Plan de situation\n" in courriels[0].body
    assert "Son message : Le devis de toiture." in courriels[0].body


def test_l_api_retire_un_document_et_demande_des_pieces(
    client, porteur, agent, lecteur, projet_brouillon, django_capture_on_commit_callbacks
):
    plan = piece(projet_brouillon, porteur, "plan_situation", "plan.pdf")
    devis = piece(projet_brouillon, porteur, "devis", "devis.pdf")
    base = f"/api/v1/projets/{projet_brouillon.reference}"
    client.force_login(lecteur)
    assert client.delete(f"{base}/documents/{plan.pk}/").status_code == 403
    client.force_login(porteur)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.delete(f"{base}/documents/{devis.pk}/").status_code == 204
    assert not Path(devis.fichier.path).exists()
    assert list(projet_brouillon.documents.values_list("nom", flat=True)) == ["plan.pdf"]
    projet_transitionner(projet=projet_brouillon, action="deposer", par=porteur)
    refus = client.delete(f"{base}/documents/{plan.pk}/")
    assert refus.status_code == 409
    assert refus.json()["detail"] == (
        "Le dossier est « Déposé » : vous ne pouvez plus en retirer de document."
    )
    demande = {"types": ["devis"], "message": "Le devis."}
    assert client.post(f"{base}/demandes-pieces/", demande).status_code == 403
    client.force_login(agent)
    assert client.post(f"{base}/demandes-pieces/", {"types": []}).status_code == 400
    cree = client.post(f"{base}/demandes-pieces/", demande)
    assert cree.status_code == 201
    assert cree.json()["types"] == ["devis"] and cree.json()["close_le"] is None
    client.force_login(porteur)
    ajout = client.post(
        f"{base}/documents/", {"fichier": SimpleUploadedFile("d.pdf", PDF), "type_piece": "devis"}
    )
    assert ajout.status_code == 201
    assert client.get(f"{base}/demandes-pieces/").json()[0]["close_le"] is not None
    assert Path(plan.fichier.path).read_bytes() == PDF
