"""Static files as production serves them (issue 14): `collectstatic` writes hashed names with
gzip and Brotli copies; WhiteNoise sends the compressed copy the browser accepts, cached for a
year. The first page used to send 1.2 MB of uncompressed CSS."""

import pytest
from django.core.management import call_command
from django.templatetags.static import static
from django.test import Client

PRODUCTION = "whitenoise.storage.CompressedManifestStaticFilesStorage"


@pytest.fixture
def statiques_de_production(settings, tmp_path):
    """The production storage, collected into a scratch folder (the portal's own files only:
    collecting the design system's 100 MB would take minutes)."""
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": PRODUCTION}}
    settings.STATICFILES_FINDERS = ["django.contrib.staticfiles.finders.FileSystemFinder"]
    settings.WHITENOISE_USE_FINDERS = False
    settings.WHITENOISE_AUTOREFRESH = False
    # impression.css points at the design system's fonts, which are not collected here.
    call_command("collectstatic", "--no-input", "-v", "0", "--ignore", "impression.css")
    return tmp_path


def lire(client, adresse, **entetes):
    reponse = client.get(adresse, **entetes)
    contenu = b"".join(reponse.streaming_content)
    reponse.close()
    return reponse, contenu


def test_une_feuille_de_style_est_servie_compressee_et_gardee_un_an(statiques_de_production):
    adresse = static("css/portail.css")
    assert adresse != "/static/css/portail.css"  # a name that carries the content's hash
    client = Client()  # its middleware is built with the settings above
    brute, contenu_brut = lire(client, adresse)
    # A browser that accepts no compression gets the file as it is.
    assert brute.status_code == 200 and "Content-Encoding" not in brute
    for accepte, codage in (("gzip, deflate, br", "br"), ("gzip", "gzip")):
        reponse, contenu = lire(client, adresse, HTTP_ACCEPT_ENCODING=accepte)
        assert reponse.status_code == 200
        assert reponse["Content-Type"].startswith("text/css")
        assert reponse["Content-Encoding"] == codage
        assert len(contenu) < len(contenu_brut) / 2
        assert "max-age=315360000" in reponse["Cache-Control"]
        assert "immutable" in reponse["Cache-Control"]
        assert "Accept-Encoding" in reponse["Vary"]


def test_les_reglages_de_production_compressent_et_le_developpement_non():
    import os
    import subprocess
    import sys

    code = "import django; django.setup(); from django.conf import settings as s; "
    code += "print(s.STORAGES['staticfiles']['BACKEND'])"
    for debug, attendu in (("0", PRODUCTION), ("1", "StaticFilesStorage")):
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "cper.settings", "DEBUG": debug}
        env["SECRET_KEY"] = "test-seulement"
        sortie = subprocess.run(
            [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
        ).stdout
        assert sortie.strip().endswith(attendu)


def test_les_pdf_lisent_les_fichiers_aux_noms_haches(statiques_de_production):
    """A PDF's template links its style sheet with `{% static %}`, which gives the hashed name
    in production: the PDF fetcher still finds the file (it used to stop the rendering)."""
    from django.conf import settings

    from rapports.pdf import ORIGINE_DOCUMENT, FetcherStatique

    adresse = static("css/portail.css")
    assert adresse != "/static/css/portail.css"
    reponse = FetcherStatique().fetch(ORIGINE_DOCUMENT + adresse)
    source = settings.BASE_DIR / "static" / "css" / "portail.css"
    assert reponse.status == 200 and reponse.read() == source.read_bytes()
