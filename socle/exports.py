"""Streamed file exports: CSV and JSON row by row, XLSX through a write-only workbook.

Each export is a list of `Column`s and an iterator of rows (dicts keyed by `Column.key`), which
callers build from `QuerySet.iterator(chunk_size=…)`: memory stays flat whatever the number
of rows. openpyxl cannot write to a socket, so an XLSX is written (write-only mode, flat
memory) to an anonymous temporary file that is then streamed and deleted when closed.
"""

import csv
import json
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.http import StreamingHttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
JSON_CONTENT_TYPE = "application/json"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


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


def text_value(value) -> str:
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


def json_value(value):
    if isinstance(value, list | tuple):
        return [json_value(v) for v in value]
    if value is None or isinstance(value, bool | int | str):
        return value
    return text_value(value)


class _Echo:
    """A file-like object whose write() hands the line back, for csv.writer."""

    def write(self, value: str) -> str:
        return value


def _attachment(response, filename: str):
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def csv_lines(rows: Iterable[dict], columns: list[Column]) -> Iterator[bytes]:
    # RFC 4180: comma, double quotes, CRLF; UTF-8 without BOM (what the SCDL asks for).
    writer = csv.writer(_Echo(), lineterminator="\r\n")
    yield writer.writerow([c.key for c in columns]).encode()
    for row in rows:
        yield writer.writerow([text_value(row[c.key]) for c in columns]).encode()


def csv_response(rows: Iterable[dict], columns: list[Column], filename: str):
    return _attachment(
        StreamingHttpResponse(csv_lines(rows, columns), content_type=CSV_CONTENT_TYPE), filename
    )


def json_lines(rows: Iterable[dict], columns: list[Column]) -> Iterator[bytes]:
    yield b"["
    separator = b"\n"
    for row in rows:
        objet = {c.key: json_value(row[c.key]) for c in columns}
        yield separator + json.dumps(objet, ensure_ascii=False).encode()
        separator = b",\n"
    yield b"\n]\n"


def json_response(rows: Iterable[dict], columns: list[Column], filename: str):
    return _attachment(
        StreamingHttpResponse(json_lines(rows, columns), content_type=JSON_CONTENT_TYPE),
        filename,
    )


def _xlsx_cell(sheet, value, column: Column) -> WriteOnlyCell:
    if isinstance(value, list | tuple):
        value = text_value(value)
    if isinstance(value, datetime) and timezone.is_aware(value):
        value = timezone.localtime(value).replace(tzinfo=None)  # spreadsheets have no zones
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        # Never a formula: a title starting with « = » stays text (spreadsheet injection).
        cell.data_type = "s"
    elif isinstance(value, Decimal):
        cell.number_format = "#,##0.00"
    return cell


class _TemporaryFileStream:
    """Chunks of an anonymous temporary file, closed (and so deleted) when the response is
    closed, or when it is dropped without being read."""

    def __init__(self, fichier, chunk_size: int = 64 * 1024):
        self.fichier = fichier
        self.chunk_size = chunk_size

    def __iter__(self):
        while chunk := self.fichier.read(self.chunk_size):
            yield chunk
        self.close()

    def close(self):
        self.fichier.close()

    def __del__(self):
        self.fichier.close()


def xlsx_response(rows: Iterable[dict], columns: list[Column], filename: str, title: str):
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    sheet.append([c.key for c in columns])
    for row in rows:
        sheet.append([_xlsx_cell(sheet, row[c.key], c) for c in columns])
    fichier = tempfile.TemporaryFile()  # noqa: SIM115 — closed by _TemporaryFileStream
    workbook.save(fichier)
    taille = fichier.tell()
    fichier.seek(0)
    response = StreamingHttpResponse(_TemporaryFileStream(fichier), content_type=XLSX_CONTENT_TYPE)
    response["Content-Length"] = str(taille)
    return _attachment(response, filename)


def table_schema(columns: list[Column], **metadata) -> dict:
    """A frictionless Table Schema describing the columns."""
    fields = []
    for c in columns:
        field = {"name": c.key, "description": c.description, "type": c.type}
        if c.format != "default":
            field["format"] = c.format
        constraints = {}
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
