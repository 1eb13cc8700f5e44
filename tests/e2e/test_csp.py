"""The Content Security Policy holds in a real browser: no page of the portal (public, signed
in, the admin, the API docs) makes Chromium report a violation."""

import pytest

from comptes.models import Role
from tests.conftest import MOT_DE_PASSE
from tests.e2e.outils import se_connecter

pytestmark = [pytest.mark.e2e, pytest.mark.lent]

PAGES_PUBLIQUES = ["/", "/programme/", "/programme/IV.2.1.a/", "/connexion/", "/api/docs/"]
PAGES_PRIVEES = [
    "/compte/",
    "/projets/",
    "/projets/nouveau/",
    "/financement/",
    "/financement/journal/",
    "/financement/avenants/",
    "/rapports/",
    "/admin/",
    "/admin/projets/projet/",
    "/admin/financement/journalfinancier/",
]


def ecouter_les_violations(page) -> list[str]:
    """Chromium writes each refused resource to the console; the page also receives a
    `securitypolicyviolation` event (recorded by a script Playwright injects, outside CSP)."""
    violations: list[str] = []

    def noter(message) -> None:
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            violations.append(message.text)

    page.on("console", noter)
    page.add_init_script(
        """window.__violations = [];
        document.addEventListener('securitypolicyviolation', (e) => {
            window.__violations.push(
                `${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
        });"""
    )
    return violations


def visiter(visite, chemins, violations) -> None:
    for chemin in chemins:
        reponse = visite.ouvrir(chemin)
        assert reponse.status == 200, chemin
        assert "Content-Security-Policy" in reponse.headers or any(
            cle.lower() == "content-security-policy" for cle in reponse.headers
        ), chemin
        if chemin == "/api/docs/":
            visite.page.wait_for_selector(".swagger-ui .info .title")
            visite.page.locator(".opblock-summary").first.click()
        evenements = visite.page.evaluate("window.__violations")
        assert not evenements, f"{chemin} : {evenements}"
        assert not violations, f"{chemin} : {violations}"


def test_les_pages_publiques_ne_declenchent_aucune_violation_csp(visite):
    violations = ecouter_les_violations(visite.page)
    visiter(visite, PAGES_PUBLIQUES, violations)


@pytest.mark.django_db(transaction=True)
def test_les_pages_connectees_ne_declenchent_aucune_violation_csp(visite, creer_utilisateur):
    creer_utilisateur("admin.csp", role=Role.ADMINISTRATEUR, is_staff=True, is_superuser=True)
    violations = ecouter_les_violations(visite.page)
    se_connecter(visite.page, visite.url_base, "admin.csp", MOT_DE_PASSE)
    visiter(visite, PAGES_PRIVEES, violations)
