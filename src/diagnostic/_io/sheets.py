"""Read spreadsheet and CSV files into frames of strings, with python-calamine."""

from __future__ import annotations

import re
import shutil
import tempfile
import threading
import zipfile
from collections.abc import Callable
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import TYPE_CHECKING

from diagnostic.errors import DiagnosticError

if TYPE_CHECKING:  # imported by the functions that make frames: `prefetch` starts the
    # parse of the answers before the command has loaded pandas and numpy
    import numpy as np
    import pandas as pd

SPREADSHEET_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"}


def cell_text(value) -> str | None:
    if type(value) is str:  # most cells: the checks below would give the same
        return value if value.strip() else None
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        return value.isoformat(sep=" ") if value.time() != time(0) else value.date().isoformat()
    if isinstance(value, (date, time)):
        return value.isoformat()
    text = str(value)
    return text if text.strip() else None


_LAST_READ: dict = {}  # the last sheet read, so that detecting a format then reading it parses once


_PREFETCHED: dict = {}  # a sheet being parsed ahead (`prefetch`): {key: (thread, outcome)}


def clear_cache() -> None:
    """Forget the last sheet read (it can be large), and any sheet parsed ahead."""
    _LAST_READ.clear()
    _PREFETCHED.clear()


def prefetch(path, sheet: str | int = 0) -> None:
    """Begin parsing `sheet` of the workbook `path` in a thread, for the `read_raw` that
    will ask for it: python-calamine lets the interpreter go on while it parses, so that
    the modules a run needs are imported meanwhile. The same checks (`_parse`) come first;
    an error is not raised here but by the reading, which parses again to say it. Not a
    workbook, or no such file: nothing to do."""
    path = Path(path)
    if path.suffix.lower() not in SPREADSHEET_SUFFIXES or not path.is_file():
        return
    key = _cache_key(path, sheet)
    outcome: list = []

    def parse() -> None:
        try:
            outcome.append(_parse(path, sheet))
        except Exception:  # said by the reading, in its own thread, with its own words
            pass

    thread = threading.Thread(target=parse, name="diagnostic-prefetch", daemon=True)
    _PREFETCHED.clear()
    _PREFETCHED[key] = (thread, outcome)
    thread.start()


def _cache_key(path: Path, sheet: str | int) -> tuple:
    try:
        stat = path.stat()
    except FileNotFoundError:
        raise DiagnosticError("fichier introuvable.", file=str(path)) from None
    return (str(path.resolve()), stat.st_size, stat.st_mtime_ns, sheet)


def _sheet_read(path: Path, sheet: str | int, nrows: int | None = None) -> SheetRead:
    path = Path(path)
    key = _cache_key(path, sheet)
    read = _LAST_READ.get(key)
    if read is None or (read.head_only and (nrows is None or nrows > len(read.rows))):
        _LAST_READ.clear()
        ahead = _PREFETCHED.pop(key, None)
        for other in [k for k in _PREFETCHED if k[0] == key[0]]:  # another sheet, or
            # version, of the file: never asked for, not kept; its thread ended first, so
            # that no parse still runs when a worker is forked
            _PREFETCHED.pop(other)[0].join()
        if ahead is not None:
            ahead[0].join()
        _LAST_READ[key] = ahead[1][0] if ahead is not None and ahead[1] else _parse(path, sheet)
    return _LAST_READ[key]


def keep_head(path: Path, sheet: str | int, nrows: int) -> None:
    """Keep only the first `nrows` rows of the sheet last read, once its body has been
    converted: the cells of a large export (a million strings) are freed before the
    tables are built from it, while its first rows stay at hand for the readers that look
    above the header. A later read of the whole sheet parses it again."""
    key = _cache_key(Path(path), sheet)
    read = _LAST_READ.get(key)
    if read is not None and len(read.rows) > nrows:
        read.rows, read.head_only = read.rows[:nrows], True


def read_raw(path: Path, sheet: str | int = 0, nrows: int | None = None) -> list[list]:
    """The cells of one sheet as calamine gives them (str, float, int, bool, dates, "").

    Stray cells far below or to the right of the data are not among them (see
    `stray_cells`).
    """
    rows = _sheet_read(path, sheet, nrows).rows
    return rows[:nrows] if nrows is not None else rows


def stray_cells(path: Path, sheet: str | int = 0) -> tuple[str, list[tuple[str, int]]]:
    """The sheet's name and the cells left out of `read_raw` as strays: (reference, row)."""
    read = _sheet_read(path, sheet, nrows=0)  # kept whole when the body is let go
    return read.name, read.strays


@dataclass
class SheetRead:
    """One sheet as read: its name, its rows (without strays) and its stray cells."""

    name: str
    rows: list[list]
    strays: list[tuple[str, int]] = field(default_factory=list)
    head_only: bool = False  # only the first rows are kept (see `keep_head`)


#: Limits on what a workbook may unpack to, so that a zip bomb is refused before parsing.
MAX_UNPACKED_BYTES = 2 * 1024**3
MAX_RATIO = 200
_CFB = bytes.fromhex("D0CF11E0A1B11AE1")  # OLE2: legacy .xls, or an encrypted .xlsx


def check_workbook(path: Path) -> None:
    """Refuse, with a plain French message, what is not a readable workbook.

    Empty files, other kinds of files renamed ``.xlsx``, password-protected (encrypted)
    workbooks, truncated archives and archives that would unpack to an unreasonable size.
    """
    path = Path(path)
    size = path.stat().st_size
    if size == 0:
        raise DiagnosticError("le fichier est vide (0 octet).", file=path.name)
    with open(path, "rb") as f:
        head = f.read(8)
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm", ".ods"):
        if head.startswith(_CFB):
            raise DiagnosticError(
                "ce classeur est protégé par un mot de passe (chiffré) : ouvrez-le dans votre "
                "tableur et enregistrez-le sans mot de passe.",
                file=path.name,
            )
        if not head.startswith(b"PK"):
            raise DiagnosticError(
                f"ce fichier n'est pas un classeur {suffix} : son contenu est d'un autre type "
                "(fichier renommé ?). Exportez-le de nouveau depuis la plateforme.",
                file=path.name,
            )
        try:
            with zipfile.ZipFile(path) as z:
                unpacked = sum(i.file_size for i in z.infolist())
        except (zipfile.BadZipFile, OSError):
            raise DiagnosticError(
                "classeur incomplet ou endommagé (fichier tronqué pendant la copie ou le "
                "téléchargement ?) : téléchargez-le de nouveau.",
                file=path.name,
            ) from None
        if unpacked > MAX_UNPACKED_BYTES or (
            unpacked > 100 * 1024**2 and unpacked > MAX_RATIO * size
        ):
            raise DiagnosticError(
                f"classeur suspect : il se décompresserait en {unpacked / 1024**2:.0f} Mo "
                f"pour {size / 1024**2:.1f} Mo compressés ; il n'est pas lu.".replace(".", ","),
                file=path.name,
            )
    elif suffix == ".xls" and head.startswith(b"PK"):
        raise DiagnosticError(
            "ce fichier .xls est en réalité un classeur .xlsx : renommez-le en .xlsx.",
            file=path.name,
        )


#: calamine lays a sheet out as one dense grid from A1 to its last cell: a single value at
#: XFD1048576 would ask for 17 billion cells. A sheet stating more than `SPARSE_ABOVE` cells
#: whose XML is too small to fill a fair part of them is read cell by cell instead; a sheet
#: whose data would still exceed `MAX_CELLS` is refused.
SPARSE_ABOVE = 1_000_000
MAX_CELLS = 60_000_000
#: A cell is a stray when at least `STRAY_GAP` empty rows (or columns) separate it from the
#: data and at most `STRAY_MAX` filled rows (or columns) lie beyond that gap.
STRAY_GAP = 100
STRAY_MAX = 10
_DIMENSION = re.compile(
    rb"<(?:\w+:)?dimension\s+ref=\"\$?([A-Z]{1,3})\$?(\d+)(?::\$?([A-Z]{1,3})\$?(\d+))?\""
)
_ROW_NUMBER = re.compile(rb"<(?:\w+:)?row\b[^>]*?\sr=\"(\d+)\"")
#: A cell beyond column ZZ (``r="AAA1"``, after a space): searched from its literal part,
#: which the regex engine scans for fast, the space before it checked on each match.
_WIDE_CELL = re.compile(rb"r=\"[A-Z]{3}\d")
_XML_SPACE = frozenset(b" \t\n\r\f\v")
#: Below this size of XML, a sheet's stated dimension is checked against its rows (a cheap
#: pass); above, it is trusted, as every spreadsheet program writes it right.
_CHECK_STATED_BELOW = 32 * 1024**2
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


@dataclass
class _Extent:
    """What an .xlsx sheet says of its size before it is parsed."""

    name: str
    member: str
    ref: str  # the stated dimension, e.g. "A1:XFD1048576"
    rows: int
    columns: int
    xml_bytes: int

    @property
    def cells(self) -> int:
        return self.rows * self.columns

    @property
    def sparse(self) -> bool:
        """True when most of the stated grid must be empty (a filled cell takes > 2 bytes)."""
        return self.cells > SPARSE_ABOVE and self.xml_bytes < 2 * self.cells


def get_column_letter(n: int) -> str:
    """Excel's letters for column number `n` (1 → A, 27 → AA, 16384 → XFD)."""
    letters = ""
    while n:
        n, rest = divmod(n - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _column_number(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def _sheet_extent(path: Path, sheet: str | int) -> _Extent | None:
    """The stated size of one sheet of an .xlsx/.xlsm, read from its first bytes.

    Without a ``<dimension>`` element, the last row number and the presence of columns
    beyond ZZ are found by one pass over the sheet's XML. None when the workbook's layout
    is not understood (calamine then reads it, or says why it cannot).
    """
    from defusedxml import ElementTree

    try:
        with zipfile.ZipFile(path) as z:
            book = ElementTree.fromstring(z.read("xl/workbook.xml"))
            rels = ElementTree.fromstring(z.read("xl/_rels/workbook.xml.rels"))
            targets = {r.get("Id"): r.get("Target", "") for r in rels}
            sheets = [e for e in book.iter() if e.tag.rsplit("}", 1)[-1] == "sheet"]
            entry = sheets[sheet] if isinstance(sheet, int) else None
            if entry is None:
                entry = next(e for e in sheets if e.get("name") == sheet)
            target = targets[entry.get(_REL)]
            member = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
            info = z.getinfo(member)
            with z.open(info) as f:
                head = f.read(64 * 1024)
                found = _DIMENSION.search(head.split(b"sheetData", 1)[0])
                if found:
                    last_col, last_row = found.group(3) or found.group(1), found.group(4)
                    rows, columns = (
                        int(last_row or found.group(2)),
                        _column_number(last_col.decode()),
                    )
                    ref = found.group(0).split(b'"')[1].decode()
                    if info.file_size <= _CHECK_STATED_BELOW:  # a forged, too small dimension?
                        last, wide = _scan_rows(f, head)
                        if last > rows or (wide and columns <= 702):
                            rows, columns = max(rows, last), 16384 if wide else max(columns, 702)
                else:
                    rows, wide = _scan_rows(f, head)
                    columns = 16384 if wide else 702
                    ref = f"(sans dimension déclarée) {_thousands(rows)} lignes"
    except Exception:  # an unusual layout: calamine decides
        return None
    return _Extent(entry.get("name"), member, ref, rows, columns, info.file_size)


def _scan_rows(f, head: bytes) -> tuple[int, bool]:
    """The last row number of a sheet's XML, and whether any cell lies beyond column ZZ."""
    rows, wide, buf = 0, False, head
    while buf:
        at = max(buf.rfind(b"<row"), buf.rfind(b":row"))
        found = _ROW_NUMBER.search(buf, max(0, at - 16)) if at >= 0 else None
        rows = max(rows, int(found.group(1))) if found else rows
        wide = wide or _has_wide_cell(buf)
        chunk = f.read(4 * 1024**2)
        buf = buf[-1024:] + chunk if chunk else b""
    return rows, wide


def _has_wide_cell(buf: bytes) -> bool:
    """Whether `buf` holds a cell reference beyond column ZZ (`_WIDE_CELL` after a space)."""
    return any(m.start() and buf[m.start() - 1] in _XML_SPACE for m in _WIDE_CELL.finditer(buf))


_ODS = "{urn:oasis:names:tc:opendocument:xmlns:%s:1.0}"
_ODS_TABLE, _ODS_OFFICE = _ODS % "table", _ODS % "office"
_ODS_BIG_REPEAT = re.compile(rb"number-(?:rows|columns)-repeated=\"\d{4,}\"")


def _check_ods(path: Path, sheet: str | int) -> None:
    """Refuse an .ods sheet that calamine would spread over a huge grid.

    An OpenDocument row or cell may stand for thousands (``number-rows-repeated``,
    ``number-columns-repeated``): a 3 KB file can hold a value 16,000 columns out, repeated
    on 2,000 rows, i.e. 32 million cells. Only files with such large repeats are parsed
    here (streamed), to find how far the cells with content reach.
    """
    from defusedxml.ElementTree import iterparse

    try:
        with zipfile.ZipFile(path) as z, z.open("content.xml") as f:
            if not any(_ODS_BIG_REPEAT.search(chunk) for chunk in _chunks(f)):
                return
        with zipfile.ZipFile(path) as z, z.open("content.xml") as f:
            tables, rows, columns, filled, row_at = [], 0, 0, 0, 0
            for event, element in iterparse(f, events=("start", "end")):
                if element.tag == f"{_ODS_TABLE}table":
                    if event == "start":
                        rows, columns, filled, row_at = 0, 0, 0, 0
                    else:
                        tables.append((element.get(f"{_ODS_TABLE}name"), rows, columns, filled))
                        element.clear()
                elif event == "end" and element.tag == f"{_ODS_TABLE}table-row":
                    repeat = int(element.get(f"{_ODS_TABLE}number-rows-repeated", 1))
                    at, reach = 0, 0
                    for cell in element:
                        span = int(cell.get(f"{_ODS_TABLE}number-columns-repeated", 1))
                        if len(cell) or cell.get(f"{_ODS_OFFICE}value-type"):
                            reach, filled = at + span, filled + span * repeat
                        at += span
                    if reach:
                        rows, columns = row_at + repeat, max(columns, reach)
                    row_at += repeat
                    element.clear()
    except Exception:  # damaged: calamine says so in its own words
        return
    found = (
        tables[sheet]
        if isinstance(sheet, int) and sheet < len(tables)
        else next((t for t in tables if t[0] == sheet), None)
    )
    if found is None:
        return
    name, rows, columns, filled = found
    if rows * columns > MAX_CELLS or (
        rows * columns > SPARSE_ABOVE and filled * 20 < rows * columns
    ):
        raise DiagnosticError(
            f"la feuille « {name} » s'étend sur {_thousands(rows)} lignes × "
            f"{_thousands(columns)} colonnes ({_thousands(rows * columns)} cellules) pour "
            f"{_thousands(filled)} cellules remplies : des cellules isolées très loin des "
            "données ou répétées. Supprimez-les dans votre tableur, ou enregistrez la feuille "
            "en .xlsx.",
            file=path.name,
        )


def _chunks(f, size: int = 4 * 1024**2):
    """The bytes of `f` in overlapping chunks (a match never falls between two)."""
    tail = b""
    while chunk := f.read(size):
        yield tail + chunk
        tail = chunk[-64:]


def _parse(path: Path, sheet: str | int) -> SheetRead:
    from python_calamine import CalamineWorkbook

    check_workbook(path)
    suffix = path.suffix.lower()
    if suffix == ".ods":
        _check_ods(path, sheet)
    extent = _sheet_extent(path, sheet) if suffix in (".xlsx", ".xlsm") else None
    if extent is not None and (extent.sparse or extent.cells > MAX_CELLS):
        if not extent.sparse:
            raise _too_large(path, extent)
        return _parse_sparse(path, extent)
    halves = _parse_halves(path, extent) if extent is not None else None
    try:
        wb = CalamineWorkbook.from_path(str(path))
        name = wb.sheet_names[sheet] if isinstance(sheet, int) else sheet
        rows = (
            halves
            if halves is not None
            else wb.get_sheet_by_name(name).to_python(skip_empty_area=False)
        )
    except FileNotFoundError:
        raise DiagnosticError("fichier introuvable.", file=str(path)) from None
    except Exception as exc:  # calamine raises its own types for damaged files
        raise DiagnosticError(
            f"impossible de lire ce classeur ({type(exc).__name__}). Vérifiez qu'il s'agit "
            "bien d'un fichier Excel non protégé par mot de passe.",
            file=path.name,
        ) from None
    strays = []
    cut = _stray_tail(rows)
    if cut is not None:
        strays += [
            (f"{get_column_letter(j + 1)}{i + 1}", i + 1)
            for i in range(cut, len(rows))
            for j, v in enumerate(rows[i])
            if v is not None and v != ""
        ]
        rows = rows[:cut]
    cut = _stray_columns(rows)
    if cut is not None:
        strays += [
            (f"{get_column_letter(j + 1)}{i + 1}", i + 1)
            for i, row in enumerate(rows)
            for j in range(cut, len(row))
            if row[j] is not None and row[j] != ""
        ]
        rows = [row[:cut] for row in rows]
    return SheetRead(name, rows, sorted(strays, key=lambda s: s[1]))


#: A sheet whose XML is larger than this is parsed in two halves at once, one on each core:
#: calamine parses a sheet on one core, and the parse is most of the wait at 50,000 rows.
#: Below, the parse lasts about as long as the run's imports, which use the other core
#: meanwhile (whole runs, same machine: 5,000 × 120, 24 MB, 0.15 s slower in halves;
#: 6,000 × 250, 67 MB, even; 12,000 × 250, 135 MB, 0.6 s faster; 50,000 × 250, 3 s).
HALVES_ABOVE = 64 * 1024**2
#: The first half's share of the XML: it is parsed while the second is still being unpacked,
#: so it takes more than half (at 50,000 rows × 245 columns, both end together at 57 %).
FIRST_HALF = 0.57
_SHEET_DATA = re.compile(rb"<((?:\w+:)?sheetData)\s*>")
_ROOT = re.compile(rb"<((?:\w+:)?worksheet)[\s>]")
_ROW_START = re.compile(rb"<(?:\w+:)?row[\s>/]")
_EMPTY_SHEET = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns='
    b'"http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData/></worksheet>'
)


def _parse_halves(path: Path, extent: _Extent) -> list[list] | None:
    """The rows of a large .xlsx sheet, parsed in two halves at once; None when the sheet is
    small, when a single core is available, or when its XML does not split cleanly (the
    caller then parses it whole, and says what is wrong with it if anything is).

    The sheet's XML is unpacked once and cut between two rows into two workbooks written
    uncompressed in a temporary folder (the same styles, shared strings and workbook, the
    other sheets left empty); calamine parses the first while the second is being written,
    then both at once (it lets the interpreter go on while it parses). The halves are
    joined as calamine lays a whole sheet out: from A1, every row as wide as the widest.
    """
    from diagnostic._io import spare_core

    if extent.xml_bytes <= HALVES_ABOVE or not spare_core():
        return None
    try:  # readable by this user only (mkdtemp: 0700); each half is deleted once opened
        folder = Path(tempfile.mkdtemp(prefix="diagnostic-lecture-"))
    except OSError:  # no temporary folder to write in: read whole
        return None
    first: list = []
    thread = threading.Thread(
        target=_parse_half,
        args=(folder / "1.xlsx", extent.name, False, first),
        name="diagnostic-first-half",
        daemon=True,
    )
    try:
        with zipfile.ZipFile(path) as z, z.open(extent.member) as xml:
            head = xml.read(256 * 1024)
            opening, root = _SHEET_DATA.search(head), _ROOT.search(head)
            if opening is None or root is None:
                return None
            row = _ROW_START.search(head, opening.end())
            if row is None or not _ROW_NUMBER.match(head, row.start()):
                return None  # no rows, or rows without their numbers: read whole
            prefix = head[: opening.end()]
            closing = b"</%s></%s>" % (opening.group(1), root.group(1))
            cut = int(extent.xml_bytes * FIRST_HALF)
            parts = _other_parts(z, extent.member)
            with _half_writer(z, parts, folder / "1.xlsx", extent.member) as out:
                out.write(head)
                done, chunk, at = len(head), b"", None
                while at is None:
                    chunk = xml.read(4 * 1024**2)
                    if not chunk:
                        return None
                    found = _ROW_START.search(chunk, max(0, cut - done))
                    if found and _ROW_NUMBER.match(chunk, found.start()):
                        at = found.start()
                        out.write(chunk[:at] + closing)
                    else:
                        out.write(chunk)
                        done += len(chunk)
            thread.start()
            with _half_writer(z, parts, folder / "2.xlsx", extent.member) as out:
                out.write(prefix + chunk[at:])
                while chunk := xml.read(4 * 1024**2):
                    out.write(chunk)
        second: list = []
        _parse_half(folder / "2.xlsx", extent.name, True, second)
    except Exception:  # a damaged archive or a full disk: the whole parse says or does it
        return None
    finally:
        if thread.is_alive():
            thread.join()
        shutil.rmtree(folder, ignore_errors=True)
    if (
        not (first and second)
        or isinstance(first[0], Exception)
        or isinstance(second[0], Exception)
    ):
        return None
    return _join_halves(first[0], second[0])


def _other_parts(book: zipfile.ZipFile, member: str) -> list[tuple[str, bytes]]:
    """`book`'s parts but the sheet `member`, unpacked once for both halves (its shared
    strings, styles, workbook…), any other sheet as an empty one."""
    parts = []
    for info in book.infolist():
        name = info.filename
        if name != member:
            sheet = name.startswith("xl/worksheets/") and "/" not in name[14:]
            parts.append((name, _EMPTY_SHEET if sheet else book.read(info)))
    return parts


@contextmanager
def _half_writer(book: zipfile.ZipFile, parts: list, path: Path, member: str):
    """A workbook, uncompressed, of `parts` (`_other_parts`) and the sheet `member`, whose
    XML is written through the file yielded."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as out:
        for name, data in parts:
            out.writestr(name, data)
        info = book.getinfo(member)
        large = info.file_size >= 2**31
        with out.open(zipfile.ZipInfo(member, info.date_time), "w", force_zip64=large) as f:
            yield f


def _parse_half(path: Path, name: str, second: bool, into: list) -> None:
    """Parse one half (`_parse_halves`) into `into`: its first and last cells and its rows,
    from A1 for the first half, from its first cell for the second; or the error met."""
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_path(str(path))
        with suppress(OSError):  # calamine holds it open: the answers leave the disk now
            path.unlink()  # (not on Windows: removed with its folder)
        sheet = book.get_sheet_by_name(name)
        into.append((sheet.start, sheet.end, sheet.to_python(skip_empty_area=second)))
    except Exception as exc:  # calamine raises its own types; the whole parse says it
        into.append(exc)


def _join_halves(first: tuple, second: tuple) -> list[list]:
    """One sheet's rows from its two halves, as calamine gives a whole sheet: from A1 to its
    last cell, every row as wide as the widest (empty cells are "")."""
    _, end, rows = first
    start2, end2, rows2 = second
    if start2 is None:  # nothing in the second half
        return rows
    width = max(end[1] if end is not None else -1, end2[1]) + 1
    if rows and len(rows[0]) < width:
        rows = [row + [""] * (width - len(row)) for row in rows]
    rows.extend([""] * width for _ in range(len(rows), start2[0]))
    left, right = [""] * start2[1], [""] * (width - 1 - end2[1])
    if left or right:
        rows2 = [left + row + right for row in rows2]
    rows.extend(rows2)
    return rows


def _too_large(path: Path, extent: _Extent) -> DiagnosticError:
    return DiagnosticError(
        f"la feuille « {extent.name} » s'étend sur {extent.ref} "
        f"({_thousands(extent.cells)} cellules) : trop grande pour être lue (limite "
        f"{_thousands(MAX_CELLS)} cellules). Supprimez dans votre tableur les lignes et "
        "colonnes inutiles, puis enregistrez de nouveau.",
        file=path.name,
    )


def _thousands(n: int) -> str:
    return f"{n:,}".replace(",", "\u202f")


def _stray_tail(rows: list[list]) -> int | None:
    """Index of the first row of a stray tail: a few filled rows far below the data.

    Walks up from the last row, so that only the tail of the sheet is looked at.
    """
    return _stray_edge(len(rows), lambda i: any(v is not None and v != "" for v in rows[i]))


def _stray_columns(rows: list[list]) -> int | None:
    """Index of the first column of a stray edge: a few filled columns far right of the data.

    Walks left from the last column, one column at a time, and stops after a few filled
    ones: the columns of the data themselves are not looked at.
    """
    width = max((len(r) for r in rows), default=0)
    return _stray_edge(
        width, lambda j: any(j < len(r) and r[j] is not None and r[j] != "" for r in rows)
    )


def _stray_edge(size: int, filled_at: Callable[[int], bool]) -> int | None:
    """First index of a few filled lines (rows or columns) lying beyond a gap of at least
    `STRAY_GAP` empty ones at the end of `size` lines; `filled_at(i)` tells whether line `i`
    holds a value. Walks back from the end and stops after `STRAY_MAX` filled lines."""
    filled, empty_run = 0, 0
    for i in range(size - 1, -1, -1):
        if filled_at(i):
            if empty_run >= STRAY_GAP and filled:
                return i + 1 if i + 1 > filled else None
            filled, empty_run = filled + 1, 0
            if filled > STRAY_MAX:
                return None
        else:
            empty_run += 1
    return None


def _cut(positions: list[int]) -> int:
    """How many of the sorted filled `positions` are data; the rest are strays."""
    for k in range(max(1, len(positions) - STRAY_MAX), len(positions)):
        if positions[k] - positions[k - 1] > STRAY_GAP and k > len(positions) - k:
            return k
    return len(positions)


def _parse_sparse(path: Path, extent: _Extent) -> SheetRead:
    """Read a mostly empty sheet cell by cell (openpyxl's parser), strays set apart."""
    from openpyxl import load_workbook
    from openpyxl.worksheet._reader import WorkSheetParser

    cells: dict[int, list[tuple[int, object]]] = {}
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
        try:
            ws = wb[extent.name]
            with ws._get_source() as src:  # as openpyxl's own ReadOnlyWorksheet does
                parser = WorkSheetParser(
                    src,
                    ws._shared_strings,
                    data_only=True,
                    epoch=wb.epoch,
                    date_formats=wb._date_formats,
                    timedelta_formats=wb._timedelta_formats,
                )
                for row, found in parser.parse():
                    kept = [
                        (c["column"], c["value"])
                        for c in found
                        if c["value"] is not None and c["value"] != ""
                    ]
                    if kept:
                        cells[row] = kept
        finally:
            wb.close()
    except Exception as exc:
        raise DiagnosticError(
            f"impossible de lire la feuille « {extent.name} » ({type(exc).__name__}).",
            file=path.name,
        ) from None
    row_numbers = sorted(cells)
    kept_rows = row_numbers[: _cut(row_numbers)]
    columns = sorted({c for r in kept_rows for c, _ in cells[r]})
    kept_columns = set(columns[: _cut(columns)])
    height, width = (kept_rows[-1] if kept_rows else 0), max(kept_columns, default=0)
    if height * width > MAX_CELLS:
        raise _too_large(path, extent)
    rows: list[list] = [[""] * width for _ in range(height)]
    strays = []
    for r in row_numbers:
        for c, value in cells[r]:
            if r <= height and c in kept_columns:
                rows[r - 1][c - 1] = value
            else:
                strays.append((f"{get_column_letter(c)}{r}", r))
    return SheetRead(extent.name, rows, strays)


def read_rows(path: Path, sheet: str | int = 0, nrows: int | None = None) -> list[list[str | None]]:
    """Return the cells of one sheet as text (None for empty), trailing empty rows removed."""
    rows = [[cell_text(v) for v in r] for r in read_raw(path, sheet, nrows)]
    while rows and all(v is None for v in rows[-1]):
        rows.pop()
    return rows


def column_text(values) -> pd.Series:
    """One column of raw cells as strings (NA for empty)."""
    return coded_column(values)[0]


def coded_column(values) -> tuple[pd.Series, np.ndarray, list]:
    """One column of raw cells as strings, with its factorization (codes, distinct texts).

    Cells are factorized first, so each distinct value is converted once: a column of
    50,000 ticks or Likert levels costs a handful of conversions, not 50,000. Codes are
    -1 for empty cells, as `pandas.factorize` gives them.
    """
    import numpy as np
    import pandas as pd

    cells = (
        values
        if isinstance(values, np.ndarray) and values.dtype == object
        else np.fromiter(values, dtype=object, count=len(values))
    )
    codes, uniques = pd.factorize(cells, use_na_sentinel=True)
    # `cell_text`, its first case (most cells are text) without a call per value
    texts = np.array(
        [((_own(u) if u.strip() else None) if type(u) is str else cell_text(u)) for u in uniques]
        + [None],
        dtype=object,
    )
    text_codes, distinct = pd.factorize(texts, use_na_sentinel=True)
    # the column is taken from its distinct texts: code -1 (empty) takes the last, None
    series = pd.Series(pd.array(texts, dtype="string").take(codes), copy=False)
    return series, text_codes[codes], list(distinct)


def raw_to_frame(header: list, body: list[list], codes: dict | None = None) -> pd.DataFrame:
    """A frame of strings from a header row and raw calamine rows, column by column.

    When `codes` is a dict, it receives each column's factorization (see `coded_column`),
    so that readers need not factorize the columns again.
    """
    import numpy as np
    import pandas as pd

    width = len(header)
    body = [r if len(r) == width else (list(r) + [""] * width)[:width] for r in body]
    names = unique_headers(header)
    if not body:
        return pd.DataFrame({n: pd.Series(dtype="string") for n in names})
    # one object array laid out column after column, filled through its transpose: each
    # column is then contiguous as it is (cheaper than zip(*body) and a copy per column,
    # than a transposed copy of every cell, and than a strided copy of each column)
    cells = np.empty((width, len(body)), dtype=object)
    cells.T[:] = body
    columns = {}
    for j, name in enumerate(names):
        columns[name], col_codes, distinct = coded_column(cells[j])
        if codes is not None:
            codes[name] = (col_codes, distinct)
    return pd.DataFrame(columns, copy=False)


def unique_headers(header: list) -> list[str]:
    """Header texts, blank ones named ``colonne_N``, repeated ones suffixed ``(2)``, ``(3)``…"""
    names, seen = [], {}  # type: ignore[var-annotated]
    for i, h in enumerate(header):
        text = cell_text(h)
        name = text.strip() if text else f"colonne_{i + 1}"
        seen[name] = seen.get(name, 0) + 1
        names.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
    return names


def sheet_names(path: Path) -> list[str]:
    from python_calamine import CalamineWorkbook

    if not Path(path).exists():
        raise DiagnosticError("fichier introuvable.", file=str(path))
    check_workbook(path)
    try:
        return list(CalamineWorkbook.from_path(str(path)).sheet_names)
    except FileNotFoundError:
        raise DiagnosticError("fichier introuvable.", file=str(path)) from None
    except Exception as exc:
        raise DiagnosticError(
            f"impossible d'ouvrir ce classeur ({type(exc).__name__}).", file=Path(path).name
        ) from None


def rows_to_frame(rows: list[list]) -> pd.DataFrame:
    """First row as header (blank headers named ``colonne_N``), the rest as string data."""
    import pandas as pd

    if not rows:
        return pd.DataFrame()
    width = max(len(r) for r in rows)
    header = list(rows[0]) + [None] * (width - len(rows[0]))
    return raw_to_frame(header, rows[1:])


def read_sheets(path: Path, strays: list | None = None) -> dict[str, pd.DataFrame]:
    """Read every sheet of a workbook as a frame of strings (first row as header).

    When `strays` is a list, it receives (sheet, cell, row) for each stray cell left out.
    """
    path = Path(path)
    if not path.exists():
        raise DiagnosticError("fichier introuvable.", file=str(path))
    frames = {}
    for name in sheet_names(path):
        frames[name] = rows_to_frame(read_rows(path, name))
        if strays is not None:
            strays += [(name, ref, row) for ref, row in stray_cells(path, name)[1]]
    return frames


def decided_table(path: Path, sheets: tuple[str, ...], what: str) -> pd.DataFrame:
    """The table a workshop filled in a workbook we wrote: the first sheet whose folded name
    starts with one of `sheets`, read from the row holding a « Statut » / "Status" header.

    `what` names the table in the French messages (« des pistes », « des projets »).
    """
    from diagnostic._io.text import fold

    path = Path(path)
    names = sheet_names(path)
    name = next((s for s in names if " ".join(fold(s).split()).startswith(sheets)), None)
    if name is None:
        raise DiagnosticError(f"aucune feuille {what} dans ce classeur.", file=path.name)
    rows = read_rows(path, name)
    head = next(
        (
            i
            for i, r in enumerate(rows)
            if any(fold(v).strip() in ("statut", "status") for v in r if v)
        ),
        None,
    )
    if head is None:
        raise DiagnosticError(f"aucune colonne « Statut » dans la feuille {what}.", file=path.name)
    return rows_to_frame(rows[head:])


def _own(text: str) -> str:
    """A copy of `text`: the distinct texts kept do not hold on to the memory of the
    millions of cells they were found among (each cell is its own object, and one kept
    among thousands keeps their whole block of memory)."""
    return text.encode("utf-8", "surrogatepass").decode("utf-8", "surrogatepass")
