"""The dossier's pieces in Chromium: the porteur's draft with a piece to replace or withdraw,
the instructor's request page, and the filed dossier with a request open pass axe; the piece
is replaced with the browser's file picker."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from projets.models import Document
from projets.services import document_deposer, pieces_demander, projet_transitionner
from tests.conftest import MOT_DE_PASSE
from tests.e2e.outils import se_connecter, verifier_accessibilite

pytestmark = [pytest.mark.e2e, pytest.mark.lent, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n%%EOF\n"


def test_les_pieces_du_dossier_passent_axe_et_se_remplacent(
    visite, tmp_path, porteur, agent, projet_brouillon
):
    document_deposer(
        projet=projet_brouillon,
        fichier=SimpleUploadedFile("plan.pdf", PDF),
        type_piece="plan_situation",
        par=porteur,
    )
    page = visite.page
    se_connecter(page, visite.url_base, "porteur", MOT_DE_PASSE)
    visite.ouvrir(f"/projets/{projet_brouillon.reference}/")
    assert "Remplacer « plan.pdf »" in page.content()
    verifier_accessibilite(page)
    nouveau = tmp_path / "plan-v2.pdf"
    nouveau.write_bytes(PDF)
    document = Document.objects.get(projet=projet_brouillon)
    page.set_input_files(f"#remplacer-{document.pk}", str(nouveau))
    page.get_by_role("button", name="Remplacer", exact=True).click()
    page.wait_for_load_state()
    assert "Document « plan.pdf » remplacé par « plan-v2.pdf »." in page.content()
    assert Document.objects.get(pk=document.pk).nom == "plan-v2.pdf"

    projet_transitionner(projet=projet_brouillon, action="deposer", par=porteur)
    page.context.clear_cookies()
    se_connecter(page, visite.url_base, "agent.region", MOT_DE_PASSE)
    reponse = visite.ouvrir(f"/projets/{projet_brouillon.reference}/pieces/demander/")
    assert reponse.status == 200
    verifier_accessibilite(page)
    pieces_demander(projet=projet_brouillon, types=["devis"], message="Le devis.", par=agent)
    page.context.clear_cookies()
    se_connecter(page, visite.url_base, "porteur", MOT_DE_PASSE)
    visite.ouvrir(f"/projets/{projet_brouillon.reference}/")
    assert "Pièces complémentaires demandées" in page.content()
    verifier_accessibilite(page)
