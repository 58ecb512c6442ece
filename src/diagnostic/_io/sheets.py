"""Read spreadsheet and CSV files into frames of strings, with python-calamine."""

from __future__ import annotations

import zipfile
from datetime import date, datetime, time
from pathlib import Path

import numpy as np
import pandas as pd

from diagnostic.errors import DiagnosticError

SPREADSHEET_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"}


def _cell_text(value) -> str | None:
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


def clear_cache() -> None:
    """Forget the last sheet read (it can be large)."""
    _LAST_READ.clear()


def read_raw(path: Path, sheet: str | int = 0, nrows: int | None = None) -> list[list]:
    """The cells of one sheet as calamine gives them (str, float, int, bool, dates, "")."""
    path = Path(path)
    try:
        stat = path.stat()
    except FileNotFoundError:
        raise DiagnosticError("fichier introuvable.", file=str(path)) from None
    key = (str(path.resolve()), stat.st_size, stat.st_mtime_ns, sheet)
    if key not in _LAST_READ:
        _LAST_READ.clear()
        _LAST_READ[key] = _parse(path, sheet)
    rows = _LAST_READ[key]
    return rows[:nrows] if nrows is not None else rows


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


def _parse(path: Path, sheet: str | int) -> list[list]:
    from python_calamine import CalamineWorkbook

    check_workbook(path)
    try:
        wb = CalamineWorkbook.from_path(str(path))
        name = wb.sheet_names[sheet] if isinstance(sheet, int) else sheet
        return wb.get_sheet_by_name(name).to_python(skip_empty_area=False)
    except FileNotFoundError:
        raise DiagnosticError("fichier introuvable.", file=str(path)) from None
    except Exception as exc:  # calamine raises its own types for damaged files
        raise DiagnosticError(
            f"impossible de lire ce classeur ({type(exc).__name__}). Vérifiez qu'il s'agit "
            "bien d'un fichier Excel non protégé par mot de passe.",
            file=path.name,
        ) from None


def read_rows(path: Path, sheet: str | int = 0, nrows: int | None = None) -> list[list[str | None]]:
    """Return the cells of one sheet as text (None for empty), trailing empty rows removed."""
    rows = [[_cell_text(v) for v in r] for r in read_raw(path, sheet, nrows)]
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
    cells = (
        values
        if isinstance(values, np.ndarray) and values.dtype == object
        else np.fromiter(values, dtype=object, count=len(values))
    )
    codes, uniques = pd.factorize(cells, use_na_sentinel=True)
    texts = np.array([_cell_text(u) for u in uniques] + [None], dtype=object)
    text_codes, distinct = pd.factorize(texts, use_na_sentinel=True)
    # the column is taken from its distinct texts: code -1 (empty) takes the last, None
    series = pd.Series(pd.array(texts, dtype="string").take(codes), copy=False)
    return series, text_codes[codes], list(distinct)


def raw_to_frame(header: list, body: list[list], codes: dict | None = None) -> pd.DataFrame:
    """A frame of strings from a header row and raw calamine rows, column by column.

    When `codes` is a dict, it receives each column's factorization (see `coded_column`),
    so that readers need not factorize the columns again.
    """
    width = len(header)
    body = [r if len(r) == width else (list(r) + [""] * width)[:width] for r in body]
    names = unique_headers(header)
    if not body:
        return pd.DataFrame({n: pd.Series(dtype="string") for n in names})
    # transposed through one object array: cheaper than zip(*body) and a copy per column
    cells = np.empty((len(body), width), dtype=object)
    cells[:] = body
    cells = np.ascontiguousarray(cells.T)
    columns = {}
    for name, values in zip(names, cells):
        columns[name], col_codes, distinct = coded_column(values)
        if codes is not None:
            codes[name] = (col_codes, distinct)
    return pd.DataFrame(columns, copy=False)


def unique_headers(header: list) -> list[str]:
    """Header texts, blank ones named ``colonne_N``, repeated ones suffixed ``(2)``, ``(3)``…"""
    names, seen = [], {}
    for i, h in enumerate(header):
        text = _cell_text(h)
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
    if not rows:
        return pd.DataFrame()
    width = max(len(r) for r in rows)
    header = list(rows[0]) + [None] * (width - len(rows[0]))
    return raw_to_frame(header, rows[1:])


def read_sheets(path: Path) -> dict[str, pd.DataFrame]:
    """Read every sheet of a workbook as a frame of strings (first row as header)."""
    path = Path(path)
    if not path.exists():
        raise DiagnosticError("fichier introuvable.", file=str(path))
    return {name: rows_to_frame(read_rows(path, name)) for name in sheet_names(path)}
