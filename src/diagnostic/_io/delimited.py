"""Low-level reading of INSEE files: delimited text of any encoding, sheets with title rows."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pandas as pd

from diagnostic._io.sheets import read_rows
from diagnostic._io.text import check_lines, decode_text
from diagnostic.errors import DiagnosticError


def read_delimited(path: Path) -> pd.DataFrame:
    """Read a CSV/TSV as strings: encoding (UTF-8, Windows-1252, UTF-16) and separator detected.

    Headers are kept as written; empty cells are empty strings, never NaN, so that a blank
    and an INSEE secret ``s`` stay distinguishable. Row ``i`` of the frame is file line ``i+2``.
    """
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise DiagnosticError("fichier introuvable.", file=str(path)) from None
    check_lines(raw, path.name)
    text = decode_text(raw, path.name, strict=False)[0]
    first = text.split("\n", 1)[0]
    sep = max(["\t", ";", ","], key=first.count)
    if not first.count(sep):
        raise DiagnosticError(
            "aucun séparateur (tabulation, « ; » ou « , ») dans la ligne d'en-tête.",
            file=path.name,
            row=1,
        )
    try:
        frame = pd.read_csv(
            io.StringIO(text),
            sep=sep,
            dtype=str,
            keep_default_na=False,
            quoting=csv.QUOTE_MINIMAL,
            skipinitialspace=False,
        )
    except (pd.errors.ParserError, ValueError) as exc:
        line = re.search(r"line (\d+)", str(exc))
        raise DiagnosticError(
            "ligne mal formée (nombre de colonnes inattendu).",
            file=path.name,
            row=int(line.group(1)) if line else None,
        ) from None
    frame.columns = [clean_header(c) for c in frame.columns]
    return frame.astype("string")


def clean_header(value) -> str:
    """Collapse the newlines and spaces INSEE puts inside header cells."""
    return re.sub(r"\s+", " ", str(value or "")).strip()


def sheet_with_header(
    path: Path,
    sheet: str,
    wanted: set[str],
    *,
    titles: list | None = None,
) -> tuple[pd.DataFrame, int]:
    """Read `sheet`, skipping title rows: the header is the first row holding `wanted`.

    Returns
    -------
    (frame, first_row)
        Cells as strings, and the Excel row number of the first data row; the title rows'
        text is appended to `titles` when given.
    """
    rows = read_rows(path, sheet)
    for i, row in enumerate(rows[:30]):
        cells = {clean_header(c) for c in row}
        if wanted <= cells:
            header = [clean_header(c) for c in row]
            if titles is not None:
                titles.extend(" ".join(c for c in r if c) for r in rows[:i])
            body = [r + [None] * (len(header) - len(r)) for r in rows[i + 1 :]]
            frame = pd.DataFrame([r[: len(header)] for r in body], columns=header, dtype="string")
            return frame, i + 2
    raise DiagnosticError(
        f"en-tête introuvable dans la feuille « {sheet} » (colonnes attendues : "
        f"{', '.join(sorted(wanted))}).",
        file=Path(path).name,
    )


def require(frame: pd.DataFrame, wanted, path: Path) -> None:
    """Raise a French error naming the columns a file lacks."""
    missing = [c for c in wanted if c not in frame.columns]
    if missing:
        raise DiagnosticError(
            f"colonne(s) absente(s) : {', '.join(missing)} ; colonnes trouvées : "
            f"{', '.join(map(str, frame.columns[:15]))}.",
            file=Path(path).name,
        )
