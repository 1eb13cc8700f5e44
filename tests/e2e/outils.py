"""Helpers of the browser tests: accessibility audit, log-in through the real form, and the
check that a page asks nothing from outside the portal."""

from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import Page

AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
IMPACTS_BLOQUANTS = {"serious", "critical"}
HOTES_LOCAUX = {"127.0.0.1", "localhost"}


def verifier_accessibilite(page: Page, *, exclure: tuple[str, ...] = ()) -> list[dict]:
    """Run axe-core (vendored) on the page as it is now; fail on any serious or critical
    violation, naming the rule, the elements and axe's help. Returns the minor and moderate
    ones so that a test may look at them."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        # Evaluated through the DevTools protocol, which the page's CSP does not govern (an
        # inline <script> tag would be refused, as it should be).
        page.evaluate(AXE.read_text(encoding="utf-8") + "\n;undefined")
    resultat = page.evaluate(
        """async (exclure) => {
            const contexte = exclure.length ? {exclude: exclure.map((s) => [s])} : document;
            return await axe.run(contexte, {resultTypes: ['violations']});
        }""",
        list(exclure),
    )
    bloquantes = [v for v in resultat["violations"] if v["impact"] in IMPACTS_BLOQUANTS]
    if bloquantes:
        lignes = [f"axe-core : {len(bloquantes)} violation(s) grave(s) sur {page.url}"]
        for v in bloquantes:
            lignes.append(f"- [{v['impact']}] {v['id']} : {v['help']} ({v['helpUrl']})")
            for noeud in v["nodes"][:10]:
                lignes.append(f"    {' > '.join(map(str, noeud['target']))}")
                if noeud.get("failureSummary"):
                    resume = noeud["failureSummary"].replace("\n", " ")
                    lignes.append(f"      {resume[:300]}")
        raise AssertionError("\n".join(lignes))
    return [v for v in resultat["violations"] if v["impact"] not in IMPACTS_BLOQUANTS]


def hotes_exterieurs(urls: list[str], *, hote_portail: str) -> list[str]:
    """The requested URLs whose host is not the portal on loopback (`data:` and `blob:` are
    local by nature)."""
    exterieures = []
    for url in urls:
        morceaux = urlsplit(url)
        if morceaux.scheme in {"data", "blob", "about"}:
            continue
        if morceaux.netloc != hote_portail or morceaux.hostname not in HOTES_LOCAUX:
            exterieures.append(url)
    return exterieures


def se_connecter(page: Page, url_base: str, identifiant: str, mot_de_passe: str) -> None:
    """Log in through the real log-in page, as a person would."""
    page.goto(f"{url_base}/connexion/")
    page.get_by_label("Identifiant").fill(identifiant)
    page.get_by_label("Mot de passe").fill(mot_de_passe)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_load_state()
