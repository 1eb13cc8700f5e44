"""Helpers of the report tests: reading a PDF back as text."""

import io
import re

import pypdf


def texte_pdf(contenu: bytes) -> str:
    """Text of a PDF with every kind of space (narrow no-break, no-break) made plain."""
    lecteur = pypdf.PdfReader(io.BytesIO(contenu))
    texte = "\n".join(page.extract_text() for page in lecteur.pages)
    return normaliser(texte)


def normaliser(texte: str) -> str:
    texte = texte.replace("\u2019", "'")
    return re.sub(r"[ \u00a0\u202f\u2009]+", " ", texte)


def nombre_pages(contenu: bytes) -> int:
    return len(pypdf.PdfReader(io.BytesIO(contenu)).pages)
