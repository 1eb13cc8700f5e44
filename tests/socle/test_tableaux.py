"""Every scrolling table of the portal can be reached and named by keyboard (issue 15, axe rule
`scrollable-region-focusable`): each `fr-table__container` of the templates takes the focus
(`tabindex="0"`), is a region, and has a name: its own `aria-label`, or `aria-labelledby` an
element of the same template (the table's caption)."""

import re
from pathlib import Path

from django.conf import settings

CONTENEUR = re.compile(r"<div\b[^>]*\bfr-table__container\b[^>]*>", re.S)


def _gabarits() -> list[Path]:
    dossiers = [Path(d) for t in settings.TEMPLATES for d in t["DIRS"]]
    dossiers += [
        p
        for p in Path(settings.BASE_DIR).glob("*/templates")
        if p.parent.name not in {".venv", "node_modules"}
    ]
    return sorted(f for d in dossiers for f in d.rglob("*.html"))


def _attribut(balise: str, nom: str) -> str | None:
    trouve = re.search(rf'\s{nom}="([^"]*)"', balise)
    return trouve.group(1) if trouve else None


def _defauts(gabarit: Path) -> list[str]:
    texte = gabarit.read_text(encoding="utf-8")
    defauts = []
    for trouve in CONTENEUR.finditer(texte):
        balise = trouve.group(0)
        ligne = texte[: trouve.start()].count("\n") + 1
        endroit = f"{gabarit.relative_to(settings.BASE_DIR)}:{ligne}"
        if _attribut(balise, "tabindex") != "0":
            defauts.append(f'{endroit} : pas de tabindex="0"')
        if _attribut(balise, "role") != "region":
            defauts.append(f'{endroit} : pas de role="region"')
        nom, reference = _attribut(balise, "aria-label"), _attribut(balise, "aria-labelledby")
        if not (nom or "").strip() and not reference:
            defauts.append(f"{endroit} : ni aria-label ni aria-labelledby")
        if reference and f'id="{reference}"' not in texte:
            defauts.append(f"{endroit} : aria-labelledby « {reference} » absent du gabarit")
    return defauts


def test_les_gabarits_ont_des_tableaux():
    """The walk sees the portal's templates (a walk that finds nothing would prove nothing)."""
    conteneurs = sum(len(CONTENEUR.findall(g.read_text(encoding="utf-8"))) for g in _gabarits())
    assert conteneurs >= 50


def test_chaque_tableau_defilant_est_atteignable_au_clavier_et_nomme():
    defauts = [d for g in _gabarits() for d in _defauts(g)]
    assert not defauts, "\n".join(defauts)


def test_un_conteneur_sans_tabindex_est_signale(tmp_path, settings):
    gabarit = tmp_path / "templates" / "exemple.html"
    gabarit.parent.mkdir()
    gabarit.write_text(
        '<div class="fr-table__container"><table><caption id="x">X</caption></table></div>\n'
        '<div class="fr-table__container" tabindex="0" role="region" aria-labelledby="y">',
        encoding="utf-8",
    )
    settings.BASE_DIR = tmp_path
    assert _defauts(gabarit) == [
        'templates/exemple.html:1 : pas de tabindex="0"',
        'templates/exemple.html:1 : pas de role="region"',
        "templates/exemple.html:1 : ni aria-label ni aria-labelledby",
        "templates/exemple.html:2 : aria-labelledby « y » absent du gabarit",
    ]
