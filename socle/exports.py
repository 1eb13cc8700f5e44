"""Streamed file exports: CSV and JSON row by row, XLSX through a write-only workbook.

Each export is a list of `Column`s and an iterator of rows (dicts keyed by `Column.key`), which
callers build from `QuerySet.iterator(chunk_size=…)`: memory stays flat whatever the number
of rows. openpyxl cannot write to a socket, so an XLSX is written (write-only mode, flat
memory) to an anonymous temporary file that is then streamed and deleted when closed.

An app declares each of its files once as an `Export` (the selector of the list that shows
the rows, the list's filters, the columns, the documentation) and gets its views, one per
format and all alike, from `vue_export`. Nothing here knows a domain app.
"""

import csv
import json
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import IO, Any, Protocol

from django import forms
from django.db.models import QuerySet
from django.http import Http404, StreamingHttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.views import APIView

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
JSON_CONTENT_TYPE = "application/json"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

Rangee = dict[str, Any]


@dataclass(frozen=True)
class Column:
    """One column: its key (CSV header, JSON key), its Table Schema type, its description."""

    key: str
    description: str
    type: str = "string"  # Table Schema types: string, number, integer, date, datetime
    required: bool = False
    format: str = "default"
    pattern: str = ""
    enum: tuple[str, ...] = ()
    minimum: Decimal | None = None
    maximum: Decimal | None = None
    liste: bool = False  # a list of strings: an array in JSON, joined by « ; » in CSV


def _type_de(champ: serializers.Field[Any, Any, Any, Any]) -> str:
    if isinstance(champ, serializers.IntegerField):
        return "integer"
    if isinstance(champ, serializers.DecimalField):
        return "number"
    if isinstance(champ, serializers.DateTimeField):
        return "datetime"
    if isinstance(champ, serializers.DateField):
        return "date"
    return "string"


def colonnes_de(serializer: type[serializers.Serializer[Any]], *cles: str) -> list[Column]:
    """The columns of fields an API output also shows: same key, same description (its help
    text, so that the file and the API's documentation say the same), the field's type."""
    champs = serializer().fields
    return [Column(cle, str(champs[cle].help_text), _type_de(champs[cle])) for cle in cles]


def text_value(value: object) -> str:
    """Decimals with a dot and no thousands separator, ISO dates, lists joined by `;`."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return ";".join(text_value(v) for v in value)
    return str(value)


def json_value(value: object) -> object:
    if isinstance(value, list | tuple):
        return [json_value(v) for v in value]
    if value is None or isinstance(value, bool | int | str):
        return value
    return text_value(value)


class _Echo:
    """A file-like object whose write() hands the line back, for csv.writer."""

    def write(self, value: str) -> str:
        return value


def _attachment(response: StreamingHttpResponse, filename: str) -> StreamingHttpResponse:
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def csv_lines(rows: Iterable[Rangee], columns: Sequence[Column]) -> Iterator[bytes]:
    # RFC 4180: comma, double quotes, CRLF; UTF-8 without BOM (what the SCDL asks for).
    writer = csv.writer(_Echo(), lineterminator="\r\n")
    yield writer.writerow([c.key for c in columns]).encode()
    for row in rows:
        yield writer.writerow([text_value(row[c.key]) for c in columns]).encode()


def csv_response(
    rows: Iterable[Rangee], columns: Sequence[Column], filename: str
) -> StreamingHttpResponse:
    return _attachment(
        StreamingHttpResponse(csv_lines(rows, columns), content_type=CSV_CONTENT_TYPE), filename
    )


def json_lines(rows: Iterable[Rangee], columns: Sequence[Column]) -> Iterator[bytes]:
    yield b"["
    separator = b"\n"
    for row in rows:
        objet = {c.key: json_value(row[c.key]) for c in columns}
        yield separator + json.dumps(objet, ensure_ascii=False).encode()
        separator = b",\n"
    yield b"\n]\n"


def json_response(
    rows: Iterable[Rangee], columns: Sequence[Column], filename: str
) -> StreamingHttpResponse:
    return _attachment(
        StreamingHttpResponse(json_lines(rows, columns), content_type=JSON_CONTENT_TYPE),
        filename,
    )


def _xlsx_cell(sheet: WriteOnlyWorksheet, value: object, column: Column) -> WriteOnlyCell:
    if isinstance(value, list | tuple):
        value = text_value(value)
    if isinstance(value, datetime) and timezone.is_aware(value):
        value = timezone.localtime(value).replace(tzinfo=None)  # spreadsheets have no zones
    if isinstance(value, str):
        # A control character stored before input refused them would make openpyxl fail on
        # the whole file: it is left out of the cell, the rest of the text is kept.
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        # Never a formula: a title starting with « = » stays text (spreadsheet injection).
        cell.data_type = "s"
    elif isinstance(value, Decimal):
        cell.number_format = "#,##0.00"
    return cell


class _TemporaryFileStream:
    """Chunks of an anonymous temporary file, closed (and so deleted) when the response is
    closed, or when it is dropped without being read.

    The stream owns the file descriptor: the file object over it never closes it, so that a
    response dropped unread (and collected with its file in any order) closes it here once,
    without the interpreter's « unclosed file » warning."""

    def __init__(self, chunk_size: int = 64 * 1024) -> None:
        descripteur, chemin = tempfile.mkstemp(prefix="cper-export-")
        os.unlink(chemin)  # anonymous: gone from the disk once the descriptor is closed
        self.descripteur: int | None = descripteur
        self.fichier: IO[bytes] = open(descripteur, "w+b", closefd=False)  # noqa: SIM115
        self.chunk_size = chunk_size

    def __iter__(self) -> Iterator[bytes]:
        while chunk := self.fichier.read(self.chunk_size):
            yield chunk
        self.close()

    def close(self) -> None:
        self.fichier.close()
        if self.descripteur is not None:
            os.close(self.descripteur)
            self.descripteur = None

    def __del__(self) -> None:
        self.close()


def xlsx_response(
    rows: Iterable[Rangee], columns: Sequence[Column], filename: str, title: str
) -> StreamingHttpResponse:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    sheet.append([c.key for c in columns])
    for row in rows:
        sheet.append([_xlsx_cell(sheet, row[c.key], c) for c in columns])
    flux = _TemporaryFileStream()
    workbook.save(flux.fichier)
    taille = flux.fichier.tell()
    flux.fichier.seek(0)
    response = StreamingHttpResponse(flux, content_type=XLSX_CONTENT_TYPE)
    response["Content-Length"] = str(taille)
    return _attachment(response, filename)


def classeur_response(
    feuilles: Sequence[tuple[str, Sequence[Column], Iterable[Rangee]]], filename: str
) -> StreamingHttpResponse:
    """A workbook of several sheets (title, columns, rows), written like `xlsx_response`."""
    workbook = Workbook(write_only=True)
    for titre, columns, rows in feuilles:
        sheet = workbook.create_sheet(title=titre[:31])
        sheet.append([c.key for c in columns])
        for row in rows:
            sheet.append([_xlsx_cell(sheet, row[c.key], c) for c in columns])
    flux = _TemporaryFileStream()
    workbook.save(flux.fichier)
    taille = flux.fichier.tell()
    flux.fichier.seek(0)
    response = StreamingHttpResponse(flux, content_type=XLSX_CONTENT_TYPE)
    response["Content-Length"] = str(taille)
    return _attachment(response, filename)


# --- Declared exports, one view factory ----------------------------------------------------
@dataclass(frozen=True)
class Format:
    """A file format: how it is written, and how the API's documentation announces it."""

    media_type: str
    type_openapi: OpenApiTypes
    description: str


FORMATS: dict[str, Format] = {
    "csv": Format("text/csv", OpenApiTypes.STR, "Fichier CSV (UTF-8)."),
    "json": Format("application/json", OpenApiTypes.ANY, "Tableau JSON d'objets, un par ligne."),
    "xlsx": Format(XLSX_CONTENT_TYPE, OpenApiTypes.BINARY, "Classeur XLSX (une feuille)."),
}


def fichier(
    extension: str, rangees: Iterable[Rangee], colonnes: Sequence[Column], nom: str, titre: str
) -> StreamingHttpResponse:
    """The rows as a streamed file `nom.extension` (`titre`: the spreadsheet's sheet)."""
    if extension == "csv":
        return csv_response(rangees, colonnes, f"{nom}.csv")
    if extension == "json":
        return json_response(rangees, colonnes, f"{nom}.json")
    if extension == "xlsx":
        return xlsx_response(rangees, colonnes, f"{nom}.xlsx", titre)
    raise Http404("Format inconnu.")


def description_colonnes(colonnes: Sequence[Column]) -> str:
    return "Colonnes, dans l'ordre :\n\n" + "\n".join(
        f"- `{c.key}` ({c.type}{', obligatoire' if c.required else ''}) : {c.description}"
        for c in colonnes
    )


class Filtre(Protocol):
    """What the machinery needs of a filter set (django-filter's `FilterSet`)."""

    base_filters: dict[str, Any]
    errors: Any
    qs: QuerySet[Any]

    def __init__(self, data: Any, *, queryset: QuerySet[Any], request: Any) -> None: ...

    def is_valid(self) -> bool: ...


def par_lots(rangees: Iterable[Any], taille: int) -> Iterator[list[Any]]:
    """The rows of a `values()` iterator by lists of `taille`: each list is completed (its
    relations read in one query per list) before the next is read."""
    lot: list[Any] = []
    for rangee in rangees:
        lot.append(rangee)
        if len(lot) == taille:
            yield lot
            lot = []
    if lot:
        yield lot


def une_par_objet(
    rangee: Callable[[Any], Rangee], taille_lot: int = 1000
) -> Callable[[QuerySet[Any]], Iterator[Rangee]]:
    """Rows built one per object of the selection, read by chunks (flat memory)."""

    def rangees(objets: QuerySet[Any]) -> Iterator[Rangee]:
        return (rangee(objet) for objet in objets.iterator(chunk_size=taille_lot))

    return rangees


@dataclass(frozen=True)
class Export:
    """One file for download, declared: which rows (the selector of the list that shows them
    to the same person, then the list's own filters), which columns, what the API's
    documentation says of it. `vue_export` serves it in each of its formats."""

    nom: str  # the file's name, without its extension
    feuille: str  # the spreadsheet's sheet
    colonnes: Sequence[Column]
    resume: str  # the operation's summary; the format follows in brackets
    description: str
    # The rows: `rangees(selection(person), filtered)`, or `rangees()` without a selection.
    rangees: Callable[..., Iterable[Rangee]]
    selection: Callable[[Any], QuerySet[Any]] | None = None
    filtre: type[Filtre] | None = None
    formats: tuple[str, ...] = ("csv", "xlsx")
    tag: str = "Exports"
    public: bool = False  # open data: no log-in
    description_fichier: str = ""  # the response's description, when not the format's
    parametres_multiples: frozenset[str] = field(default_factory=frozenset)

    def lignes(self, request: Request) -> Iterable[Rangee]:
        if self.selection is None:
            return self.rangees()
        objets = self.selection(request.user)
        if self.filtre is not None:
            filtre = self.filtre(request.GET, queryset=objets, request=request)
            if not filtre.is_valid():
                raise ValidationError(filtre.errors)
            objets = filtre.qs
        return self.rangees(objets)

    def parametres(self) -> list[OpenApiParameter]:
        """The list's filters, documented as the export's query parameters."""
        if self.filtre is None:
            return []
        return [
            OpenApiParameter(
                nom,
                _type_du_filtre(f),
                description=str(f.extra.get("help_text") or f.label or nom),
                many=nom in self.parametres_multiples,
            )
            for nom, f in self.filtre.base_filters.items()
        ]


SCHEMAS_JSON: dict[str, dict[str, str]] = {
    # Amounts are strings in JSON, exact to the cent.
    "number": {"type": "string", "format": "decimal"},
    "integer": {"type": "integer"},
    "date": {"type": "string", "format": "date"},
    "datetime": {"type": "string", "format": "date-time"},
}


def schema_json(colonnes: Sequence[Column]) -> dict[str, Any]:
    """The OpenAPI schema of a JSON file: an array of objects, one property per column."""
    proprietes: dict[str, Any] = {}
    for c in colonnes:
        propriete: dict[str, Any] = (
            {"type": "array", "items": {"type": "string"}}
            if c.liste
            else {**SCHEMAS_JSON.get(c.type, {"type": "string"})}
        )
        propriete["description"] = c.description
        if not c.required:
            propriete["nullable"] = True
        proprietes[c.key] = propriete
    return {
        "type": "array",
        "items": {
            "type": "object",
            "properties": proprietes,
            "required": [c.key for c in colonnes if c.required],
        },
    }


def _type_du_filtre(filtre: Any) -> Any:
    """The schema of a filter's value: an integer filter says so, with its bounds (the export
    answers 400 past them, as the list does); others are strings."""
    if issubclass(getattr(filtre, "field_class", object), forms.IntegerField):
        schema: dict[str, Any] = {"type": "integer"}
        for cle, nom in (("min_value", "minimum"), ("max_value", "maximum")):
            if filtre.extra.get(cle) is not None:
                schema[nom] = filtre.extra[cle]
        return schema
    return str


def vue_export(export: Export, extension: str) -> type[APIView]:
    """The view serving one declared export in one format, documented on its own path."""
    if extension not in export.formats:
        raise ValueError(f"{export.nom} : pas de format {extension}.")
    format_ = FORMATS[extension]

    def get(self: APIView, request: Request) -> StreamingHttpResponse:
        return fichier(
            extension, export.lignes(request), export.colonnes, export.nom, export.feuille
        )

    attributs: dict[str, Any] = {"get": get}
    if export.public:
        attributs["permission_classes"] = [AllowAny]
    nom = "".join(m.title() for m in export.nom.replace("-", " ").split())
    vue = type(f"Export{nom}{extension.title()}Api", (APIView,), attributs)
    documentee: type[APIView] = extend_schema(
        summary=f"{export.resume} ({extension.upper()})",
        description=export.description,
        responses={
            (200, format_.media_type): OpenApiResponse(
                schema_json(export.colonnes) if extension == "json" else format_.type_openapi,
                description=export.description_fichier or format_.description,
            )
        },
        tags=[export.tag],
        parameters=export.parametres() or None,
    )(vue)
    return documentee


def vues_export(export: Export) -> dict[str, type[APIView]]:
    """One view per format of the export, keyed by extension."""
    return {extension: vue_export(export, extension) for extension in export.formats}


def table_schema(columns: Sequence[Column], **metadata: object) -> dict[str, object]:
    """A frictionless Table Schema describing the columns."""
    fields = []
    for c in columns:
        field: dict[str, object] = {"name": c.key, "description": c.description, "type": c.type}
        if c.format != "default":
            field["format"] = c.format
        constraints: dict[str, object] = {}
        if c.required:
            constraints["required"] = True
        if c.pattern:
            constraints["pattern"] = c.pattern
        if c.enum:
            constraints["enum"] = list(c.enum)
        if c.minimum is not None:
            constraints["minimum"] = float(c.minimum) if c.type == "number" else c.minimum
        if c.maximum is not None:
            constraints["maximum"] = float(c.maximum) if c.type == "number" else c.maximum
        if constraints:
            field["constraints"] = constraints
        fields.append(field)
    return {**metadata, "fields": fields}
