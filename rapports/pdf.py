"""Rendering a Django template to PDF with WeasyPrint, fetching nothing but our static files.

The document is built from our own templates (autoescaped). Every resource it links to — the
print stylesheet, the Marianne font shipped by django-dsfr — is read from the static files
through `django.contrib.staticfiles.finders`; `data:` URIs are decoded in memory. Any other
address (http, https, file:, a path climbing with `..`) stops the rendering: a PDF built by a
worker must never reach the network or the server's disk (WeasyPrint security notes,
CVE-2025-68616).
"""

import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

# Relative links of the document resolve against this address, which can never be reached
# (".invalid" is reserved, RFC 2606); the fetcher maps it to the static files.
ORIGINE_DOCUMENT = "https://portail-cper.invalid"


class RessourceRefusee(ValueError):
    """A document asked for a resource outside our static files."""


def chemin_statique(url: str) -> Path:
    """The file behind `url` if it names one of our static files, else `RessourceRefusee`."""
    morceaux = urlsplit(url)
    if f"{morceaux.scheme}://{morceaux.netloc}" != ORIGINE_DOCUMENT:
        raise RessourceRefusee(f"Ressource extérieure refusée : {url}")
    if morceaux.query or not morceaux.path.startswith(settings.STATIC_URL):
        raise RessourceRefusee(f"Seuls les fichiers statiques sont autorisés : {url}")
    relatif = unquote(morceaux.path[len(settings.STATIC_URL) :])
    parties = relatif.replace("\\", "/").split("/")
    if not relatif or relatif.startswith("/") or ".." in parties or "\x00" in relatif:
        raise RessourceRefusee(f"Chemin statique invalide : {url}")
    trouve = finders.find(relatif) or finders.find(_nom_source(relatif))
    if not trouve:
        raise RessourceRefusee(f"Fichier statique introuvable : {url}")
    return Path(trouve)


def _nom_source(nom: str) -> str:
    """The source name of a name `{% static %}` gave with the content's hash in production
    (`css/impression.b4930a03b32f.css` → `css/impression.css`), from `collectstatic`'s
    manifest; the name itself when it is not one."""
    hashed_files = getattr(staticfiles_storage, "hashed_files", None) or {}
    sources = {hache: source for source, hache in hashed_files.items()}
    return sources.get(nom, nom)


class FetcherStatique(URLFetcher):
    """WeasyPrint URL fetcher restricted to our static files and `data:` URIs."""

    def __init__(self):
        # A refused resource stops the rendering instead of leaving a hole in the document.
        super().__init__(allowed_protocols={"data"}, fail_on_errors=True)

    def fetch(self, url, headers=None):
        if url.startswith("data:"):
            return super().fetch(url, headers)
        chemin = chemin_statique(url)
        type_mime = mimetypes.guess_type(chemin.name)[0] or "application/octet-stream"
        return URLFetcherResponse(
            url, chemin.read_bytes(), headers={"Content-Type": type_mime}, status=200
        )


def document_pdf(*, gabarit: str, contexte: dict) -> bytes:
    """Render the template `gabarit` to the bytes of an A4 PDF (page rules live in the CSS)."""
    html = render_to_string(gabarit, contexte)
    document = HTML(string=html, base_url=f"{ORIGINE_DOCUMENT}/", url_fetcher=FetcherStatique())
    return document.write_pdf()
