"""Read spreadsheet and CSV files into frames of strings, with python-calamine."""

from __future__ import annotations

from datetime import date, datetime, time
from pathlib import Path

import pandas as pd

from diagnostic.errors import DiagnosticError

SPREADSHEET_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"}


def _cell_text(value) -> str | None:
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


def read_rows(path: Path, sheet: str | int = 0) -> list[list[str | None]]:
    """Return the cells of one sheet as text (None for empty), trailing empty rows removed."""
    from python_calamine import CalamineWorkbook

    path = Path(path)
    try:
        wb = CalamineWorkbook.from_path(str(path))
        name = wb.sheet_names[sheet] if isinstance(sheet, int) else sheet
        raw = wb.get_sheet_by_name(name).to_python(skip_empty_area=False)
    except FileNotFoundError:
        raise DiagnosticError("fichier introuvable.", file=str(path)) from None
    except Exception as exc:  # calamine raises its own types for damaged files
        raise DiagnosticError(
            f"impossible de lire ce classeur ({type(exc).__name__}). Vérifiez qu'il s'agit "
            "bien d'un fichier Excel non protégé par mot de passe.",
            file=path.name,
        ) from None
    rows = [[_cell_text(v) for v in r] for r in raw]
    while rows and all(v is None for v in rows[-1]):
        rows.pop()
    return rows


def sheet_names(path: Path) -> list[str]:
    from python_calamine import CalamineWorkbook

    try:
        return list(CalamineWorkbook.from_path(str(path)).sheet_names)
    except FileNotFoundError:
        raise DiagnosticError("fichier introuvable.", file=str(path)) from None
    except Exception as exc:
        raise DiagnosticError(
            f"impossible d'ouvrir ce classeur ({type(exc).__name__}).", file=Path(path).name
        ) from None


def rows_to_frame(rows: list[list[str | None]]) -> pd.DataFrame:
    """First row as header (blank headers named ``colonne_N``), the rest as string data."""
    if not rows:
        return pd.DataFrame()
    width = max(len(r) for r in rows)
    header = [
        (h.strip() if h else f"colonne_{i + 1}")
        for i, h in enumerate(rows[0] + [None] * (width - len(rows[0])))
    ]
    body = [r + [None] * (width - len(r)) for r in rows[1:]]
    frame = pd.DataFrame(body, columns=header, dtype="string")
    return frame


def read_sheets(path: Path) -> dict[str, pd.DataFrame]:
    """Read every sheet of a workbook as a frame of strings (first row as header)."""
    path = Path(path)
    if not path.exists():
        raise DiagnosticError("fichier introuvable.", file=str(path))
    return {name: rows_to_frame(read_rows(path, name)) for name in sheet_names(path)}
