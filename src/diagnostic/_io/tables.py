"""Read any response table (CSV or workbook sheet) into a frame of strings.

Handles what real French files do: UTF-8 with or without BOM, Windows-1252, UTF-16, separator
`;`, `,` or tab, title rows above the header, header cells merged over two rows, and
trailing empty rows and columns. Nothing is converted: cells stay text.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from diagnostic._io.sheets import (
    SPREADSHEET_SUFFIXES,
    cell_text,
    keep_head,
    raw_to_frame,
    read_raw,
    stray_cells,
)
from diagnostic._io.text import MAX_COLUMNS, check_columns, check_lines, decode_text
from diagnostic.anomalies import REJECTED
from diagnostic.errors import DiagnosticError

# A free-text answer may be long (a 1 MB cell is not unheard of); the default is 128 kB.
csv.field_size_limit(max(csv.field_size_limit(), 64 * 1024**2))


@dataclass
class Table:
    """A response table as read: the frame, where its header was, and how it was decoded."""

    frame: pd.DataFrame
    header_rows: int = 1  # file rows up to and including the header
    encoding: str | None = None
    separator: str | None = None
    # (problem, row) pairs worth an anomaly, or (problem, row, action) when not kept
    notes: list = field(default_factory=list)
    codes: dict = field(default_factory=dict)  # column -> (codes, distinct values)


def decode(raw: bytes, name: str) -> tuple[str, str]:
    """Decode a text file: UTF-16, UTF-8 (with or without BOM), else Windows-1252."""
    text, encoding, _notes = decode_text(raw, name)
    return text, encoding


_SNIFF_CHARS = 4 * 1024**2  # the separator is guessed from the first lines, within this


def sniff_separator(text: str) -> str:
    """The separator that splits the first lines most consistently (`;`, `,` or tab)."""
    head = text[:_SNIFF_CHARS].splitlines()
    if len(text) > _SNIFF_CHARS and len(head) > 1:
        head = head[:-1]  # cut in the middle
    lines = [line for line in head[:30] if line.strip()]
    best, best_score = ",", -1.0
    for sep in (";", ",", "\t", "|"):
        try:
            counts = [len(r) for r in csv.reader(lines, delimiter=sep)]
        except csv.Error:  # e.g. a quote opened and never closed: not this separator
            continue
        if not counts or max(counts) < 2:
            continue
        width = max(counts)
        score = sum(c == width for c in counts) / len(counts) + width / 1000
        if score > best_score:
            best, best_score = sep, score
    return best


def csv_rows(raw: bytes, name: str) -> tuple[list[list[str | None]], str, str, list]:
    """The cells of a CSV file as text (None for empty), with encoding, separator and notes.

    A line longer than 16 MB or a row of more than 16,384 cells is refused (see
    `diagnostic._io.text`); lines of a UTF-8 file written in Windows-1252 are noted.
    """
    check_lines(raw, name)
    text, encoding, notes = decode_text(raw, name)
    sep = sniff_separator(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep)
    rows = []
    try:
        for row in reader:
            if len(row) > MAX_COLUMNS:
                check_columns(row, name, reader.line_num)
            rows.append([cell if cell.strip() else None for cell in row])
    except csv.Error as exc:
        raise DiagnosticError(f"CSV illisible ({exc}).", file=name, row=reader.line_num) from None
    return rows, encoding, sep, notes


def _trim(rows: list[list]) -> list[list]:
    """Drop trailing empty rows and columns."""
    while rows and all(v is None for v in rows[-1]):
        rows.pop()
    width = max((i + 1 for r in rows for i, v in enumerate(r) if v is not None), default=0)
    return [(r + [None] * width)[:width] for r in rows]


#: Header cells only a survey platform writes: a row holding one is the header.
_PLATFORM_HEADERS = {
    "Horodateur",
    "Timestamp",
    "Marca temporal",
    "Zeitstempel",
    "_uuid",
    "X_uuid",
    "_submission_time",
    "X_submission_time",
    "SubmissionDate",
    "submitdate",
    "ResponseId",
    "Response ID",
    "ID réponse",
}
_PLATFORM_ROWS = 10  # a platform header is looked for this far down


def _platform_header(rows: list[list]) -> int | None:
    """Index of the first of the first rows holding a header cell only a platform writes
    (``Horodateur``, ``_uuid``, ``submitdate``…), or None."""
    width = max((len(r) for r in rows), default=0)
    for i, row in enumerate(rows[:_PLATFORM_ROWS]):
        cells = {str(v).strip() for v in row if v is not None}
        if len(cells) < max(2, 0.5 * width):
            continue  # a header names (nearly) every column
        if cells & _PLATFORM_HEADERS:
            return i
        if "KEY" in cells and cells & {"SubmissionDate", "meta-instanceID", "PARENT_KEY"}:
            return i
    return None


def _header_index(rows: list[list]) -> int:
    """Index of the header: a platform's header row within the first lines (the lines
    above it are notes someone added), else the first row filled as widely as the rows
    below it.

    Title rows ("Enquête acteurs — export du 3 mars") fill one or two cells only.
    """
    platform = _platform_header(rows)
    if platform is not None:
        return platform
    width = len(rows[0]) if rows else 0
    for i, row in enumerate(rows[:15]):
        filled = sum(v is not None for v in row)
        if filled >= max(2, 0.5 * width) or filled == width:
            return i
    return 0


def _is_subheader(header: list, below: list) -> bool:
    """True when `below` fills the gaps left by merged cells of `header`.

    A merged group title ("Besoins" over "Locaux", "Véhicules") leaves empty cells in
    the header row that the row below fills with texts, while that row is empty under the
    ordinary headers.
    """
    gaps = [i for i, v in enumerate(header) if v is None and i > 0 and below[i] is not None]
    under_plain = [i for i, v in enumerate(header) if v is not None and below[i] is None]
    texts = all(
        v is None or not str(v).replace(",", ".").replace(".", "", 1).isdigit() for v in below
    )
    return bool(gaps) and bool(under_plain) and texts


def _merge_header(header: list, below: list) -> list:
    """Combine a header with merged group cells and the sub-headers below it."""
    merged, current = [], None
    for top, sub in zip(header, below):
        current = top if top is not None else current
        if sub is None:
            merged.append(top if top is not None else current)
        elif current is not None:
            merged.append(f"{current} [{sub}]")
        else:
            merged.append(sub)
    return merged


_STRAYS_SHOWN = 20  # stray cells listed one by one in the anomalies
_HEAD_ROWS = 16  # title rows and merged headers are looked for this far down


def table_from_rows(rows: list[list], **info) -> Table:
    """Find the header in `rows` (text or raw calamine cells) and build the frame of strings.

    Only the first rows are examined cell by cell; the body is converted column by column.
    """
    end = len(rows)
    while end and all(v is None or v == "" for v in rows[end - 1]):
        end -= 1
    if not end:
        return Table(pd.DataFrame(), **info)
    head = _trim([[cell_text(v) for v in r] for r in rows[: min(end, _HEAD_ROWS)]])
    h = _header_index(head)
    notes, header, start = [], head[h], h + 1
    if h:
        notes.append((f"{h} ligne(s) de titre au-dessus des en-têtes : ignorée(s)", 1))
    if start < len(head) and _is_subheader(header, head[start]):
        header, start = _merge_header(header, head[start]), start + 1
        notes.append(("en-têtes sur deux lignes (cellules fusionnées) : combinés", h + 1))
    notes += _shifted_rows(header, rows, start, end)
    width = max(len(header), max(len(r) for r in rows[start:end]) if end > start else 0)
    codes: dict = {}
    frame = raw_to_frame(list(header) + [None] * (width - len(header)), rows[start:end], codes)
    return Table(_drop_empty_tail(frame, len(header)), start, notes=notes, codes=codes, **info)


def _shifted_rows(header: list, rows: list, start: int, end: int, shown: int = 20) -> list:
    """Rows with more cells than the header has columns: a sign of shifted columns
    (a separator inside an unquoted text). They are kept, and reported."""
    named = len(header)
    while named and header[named - 1] is None:
        named -= 1
    longer = [
        i
        for i in range(start, end)
        if len(rows[i]) > named and any(v not in (None, "") for v in rows[i][named:])
    ]
    notes = [
        (
            f"{sum(v not in (None, '') for v in rows[i])} cellules remplies pour {named} "
            "colonnes d'en-tête : colonnes décalées ? (ligne conservée, à vérifier)",
            i + 1,
        )
        for i in longer[:shown]
    ]
    if len(longer) > shown:
        notes.append((f"… et {len(longer) - shown} autres lignes trop longues", None))  # type: ignore[arg-type]
    return notes


def _drop_empty_tail(frame: pd.DataFrame, named: int) -> pd.DataFrame:
    """Drop trailing columns that have neither a header nor any value."""
    keep = len(frame.columns)
    while keep > named and frame.iloc[:, keep - 1].isna().all():
        keep -= 1
    return frame.iloc[:, :keep] if keep < len(frame.columns) else frame


def read_header(path) -> list[str]:
    """The header of a table, reading only the first rows of a workbook."""
    path = Path(path)
    if not path.exists():
        raise DiagnosticError("fichier introuvable.", file=str(path))
    if path.suffix.lower() in SPREADSHEET_SUFFIXES:
        frame = table_from_rows(read_raw(path, 0, nrows=_HEAD_ROWS + 2)).frame
    else:
        frame = table_from_bytes(path.read_bytes(), path.name).frame
    return [str(c) for c in frame.columns]


def head_rows(path, count: int) -> list[list[str | None]]:
    """The first `count` rows of a CSV file or of a workbook's first sheet, as text cells
    (None for empty): the lines a platform writes above its header (Webform's groups)."""
    path = Path(path)
    if path.suffix.lower() in SPREADSHEET_SUFFIXES:
        return [[cell_text(v) for v in row] for row in read_raw(path, 0, nrows=count)]
    return csv_rows(path.read_bytes(), path.name)[0][:count]


def read_table(path, sheet: str | int = 0) -> Table:
    """Read a CSV file or one sheet of a workbook as a `Table` of strings.

    Parameters
    ----------
    path : str or Path
        ``.csv``/``.txt``/``.tsv`` or a workbook (``.xlsx``, ``.xls``, ``.ods``…).
    sheet : str or int
        Sheet of a workbook; ignored for CSV.
    """
    path = Path(path)
    if not path.exists():
        raise DiagnosticError("fichier introuvable.", file=str(path))
    if path.suffix.lower() in SPREADSHEET_SUFFIXES:
        table = table_from_rows(read_raw(path, sheet))
        name, strays = stray_cells(path, sheet)
        keep_head(path, sheet, _HEAD_ROWS + 2)  # the body is in `table` now
        table.notes += [
            (
                f"cellule {ref} de la feuille « {name} » isolée loin des données : "
                "ni réponse ni répondant, ignorée",
                row,
                REJECTED,
            )
            for ref, row in strays[:_STRAYS_SHOWN]
        ]
        if len(strays) > _STRAYS_SHOWN:
            more = len(strays) - _STRAYS_SHOWN
            table.notes.append((f"… et {more} autres cellules isolées ignorées", None, REJECTED))
        return table
    return table_from_bytes(path.read_bytes(), path.name)


def table_from_bytes(raw: bytes, name: str) -> Table:
    """Read CSV content (from a file or a ZIP member) as a `Table` of strings."""
    if not raw.strip(b"\xef\xbb\xbf \t\r\n"):
        raise DiagnosticError(
            "le fichier est vide : aucune ligne d'en-tête ni de réponse.", file=name
        )
    rows, encoding, sep, notes = csv_rows(raw, name)
    table = table_from_rows(rows, encoding=encoding, separator=sep)
    table.notes[:0] = notes
    return table


def zip_csv_members(path: Path) -> dict[str, bytes]:
    """The CSV files of a ZIP archive (an ODK Central export), by name.

    Refused in French, before anything is unpacked, when the archive is damaged or would
    unpack to more than the limits a spreadsheet gets (a zip bomb).
    """
    import zipfile

    from diagnostic._io.sheets import MAX_RATIO, MAX_UNPACKED_BYTES

    path = Path(path)
    try:
        with zipfile.ZipFile(path) as archive:
            infos = [i for i in archive.infolist() if i.filename.lower().endswith(".csv")]
            unpacked = sum(i.file_size for i in infos)
            packed = max(sum(i.compress_size for i in infos), 1)
            if unpacked > MAX_UNPACKED_BYTES or (
                unpacked > 100 * 1024**2 and unpacked > MAX_RATIO * packed
            ):
                raise DiagnosticError(
                    "archive refusée : elle se décompresserait en "
                    f"{unpacked / 1024**2:.0f} Mo (taux {unpacked / packed:.0f} pour 1).",
                    file=path.name,
                )
            return {i.filename: archive.read(i) for i in infos}
    except zipfile.BadZipFile:
        raise DiagnosticError("archive ZIP illisible ou endommagée.", file=path.name) from None


def read_filled_in(path, columns: list[str], required: tuple[str, ...], what: str) -> pd.DataFrame:
    """A small file the consultant fills in (roles, coding, quotes…), CSV or workbook:
    headers lower-cased, each `required` column checked, `columns` kept in order as
    stripped strings (empty cells missing), the file's row numbers as index.

    Raises
    ------
    DiagnosticError
        « `what` doit avoir les colonnes … ; il manque « x » », naming the file, row 1.
    """
    path = Path(path)
    frame = read_table(path).frame
    frame.columns = [str(c).strip().lower() for c in frame.columns]
    for needed in required:
        if needed not in frame.columns:
            quoted = [f"« {c} »" for c in required]
            listed = " et ".join(
                [", ".join(quoted[:-1]), quoted[-1]] if len(quoted) > 1 else quoted
            )
            others = [c for c in columns if c not in required]
            extra = f" (et, si besoin, {', '.join(f'« {c} »' for c in others)})" if others else ""
            raise DiagnosticError(
                f"{what} doit avoir les colonnes {listed}{extra} ; il manque « {needed} ».",
                file=path.name,
                row=1,
            )
    out = frame.reindex(columns=columns).astype("string")
    out.index = range(2, len(out) + 2)
    for column in columns:
        out[column] = out[column].str.strip()
    return out.replace("", pd.NA)
