"""A business-rule error escaping a page: a French DSFR page with the message and the status
the API gives the same error (400, 403, 409), never a 500."""

import pytest
from django.conf import settings

pytestmark = pytest.mark.urls("tests.socle.urls_erreurs")


def test_le_middleware_est_enregistre():
    assert "socle.middleware.RegleMetierMiddleware" in settings.MIDDLEWARE


@pytest.mark.parametrize(
    ("adresse", "statut", "titre", "message"),
    [
        ("/essai/refus/", 400, "Demande refusée", "Le montant dépasse l’enveloppe."),
        (
            "/essai/interdit/",
            403,
            "Action non autorisée",
            "Seul le secrétariat du CPER prépare les avenants.",
        ),
        (
            "/essai/etat/",
            409,
            "Action impossible dans l’état actuel",
            "Le projet est « soldé » : il ne reçoit plus d&#x27;engagement.",
        ),
    ],
)
def test_une_erreur_metier_echappee_donne_une_page_francaise_au_bon_statut(
    client, agent, adresse, statut, titre, message
):
    client.force_login(agent)
    reponse = client.get(adresse)
    assert reponse.status_code == statut
    html = reponse.content.decode()
    assert f"<h1>{titre}</h1>" in html
    assert message in html
    assert 'class="fr-alert fr-alert--error' in html
    assert f'data-statut="{statut}"' in html


def test_les_autres_messages_de_l_erreur_sont_listes(client, agent):
    client.force_login(agent)
    html = client.get("/essai/refus/").content.decode()
    assert "<li>Et ceci.</li>" in html
