"""Attachments: the type is read from the content, never trusted from the name."""

import zipfile

from django.core.files.uploadedfile import UploadedFile

TAILLE_MAXIMALE = 20 * 1024 * 1024  # 20 Mo

TYPES_ACCEPTES = {
    "application/pdf": "PDF",
    "image/png": "PNG",
    "image/jpeg": "JPEG",
    "application/vnd.oasis.opendocument.text": "ODT",
    "application/vnd.oasis.opendocument.spreadsheet": "ODS",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "DOCX",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "XLSX",
}

EXTENSIONS = {
    "application/pdf": ".pdf",
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "application/vnd.oasis.opendocument.text": ".odt",
    "application/vnd.oasis.opendocument.spreadsheet": ".ods",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
}


class FichierRefuse(ValueError):
    pass


def type_du_contenu(fichier: UploadedFile) -> str:
    """The MIME type read from the file's bytes; raises `FichierRefuse` in French otherwise."""
    fichier.seek(0)
    debut = fichier.read(8)
    fichier.seek(0)
    if debut.startswith(b"%PDF-"):
        return "application/pdf"
    if debut.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if debut.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if debut.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(fichier) as archive:
                noms = set(archive.namelist())
                if "mimetype" in noms:
                    mimetype = archive.read("mimetype").decode("ascii", "replace").strip()
                    if mimetype in TYPES_ACCEPTES:
                        return mimetype
                if "word/document.xml" in noms:
                    return EXTENSIONS_INVERSES[".docx"]
                if "xl/workbook.xml" in noms:
                    return EXTENSIONS_INVERSES[".xlsx"]
        except zipfile.BadZipFile as erreur:
            raise FichierRefuse("Ce fichier est une archive endommagée.") from erreur
        finally:
            fichier.seek(0)
    raise FichierRefuse(
        "Type de fichier refusé : seuls les PDF, ODT, DOCX, ODS, XLSX, PNG et JPEG sont acceptés."
    )


EXTENSIONS_INVERSES = {extension: mime for mime, extension in EXTENSIONS.items()}


def verifier_fichier(fichier: UploadedFile) -> str:
    """Size and type checks of an upload; returns its MIME type."""
    taille = fichier.size or 0
    if taille > TAILLE_MAXIMALE:
        raise FichierRefuse("Le fichier dépasse 20 Mo.")
    if taille == 0:
        raise FichierRefuse("Le fichier est vide.")
    return type_du_contenu(fichier)


def nom_sur(nom: str, type_mime: str) -> str:
    """A display name without any path, ending with the extension of its real type."""
    base = nom.replace("\\", "/").rsplit("/", 1)[-1].strip() or "document"
    base = "".join(c for c in base if c.isprintable() and c not in '<>:"|?*')[:150]
    souche = base.rsplit(".", 1)[0] if "." in base else base
    return (souche or "document") + EXTENSIONS[type_mime]
