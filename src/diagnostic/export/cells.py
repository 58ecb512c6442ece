"""Write frames into openpyxl sheets safely and handsomely."""

from __future__ import annotations

import math

import pandas as pd
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
HEADER_FILL = PatternFill("solid", fgColor="1F4E5F")
HEADER_FONT = Font(bold=True, color="FFFFFF")
TITLE_FONT = Font(bold=True, size=14, color="1F4E5F")
NOTE_FONT = Font(italic=True, size=9, color="555555")
PERCENT = "0.0 %"
DECIMAL = "#,##0.00"
DECIMAL_1 = "#,##0.0"
INTEGER = "#,##0"


def plain(value):
    """A cell value openpyxl can write: NA to None, text cleaned of control characters."""
    if value is None or value is pd.NA:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)[:32000]
    return value


def put(ws, row: int, col: int, value, number_format: str | None = None):
    """Write one cell; text that Excel would read as a formula is stored as text."""
    cell = ws.cell(row=row, column=col, value=plain(value))
    if isinstance(cell.value, str) and (cell.data_type == "f" or cell.value.startswith(FORMULA_STARTS)):
        cell.data_type = "s"
    if number_format and cell.value is not None and not isinstance(cell.value, str):
        cell.number_format = number_format
    return cell


def write_title(ws, title: str, notes: list[str], span: int = 0) -> int:
    """Title and notes (question, base, source…) above a table; returns the next free row.

    With `span`, each note is wrapped across the first `span` columns, so that a long note
    does not widen the printed page.
    """
    put(ws, 1, 1, title).font = TITLE_FONT
    row = 2
    for note in notes:
        cell = put(ws, row, 1, note)
        cell.font = NOTE_FONT
        if span > 1:
            ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=span)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            ws.row_dimensions[row].height = 12 * max(1, math.ceil(len(note) / (span * 14)))
        row += 1
    return row + 1


def align_top(ws, first: int, last: int, n_cols: int) -> None:
    """Top-align the cells of a small table whose wrapped rows are taller than one line."""
    for row in ws.iter_rows(min_row=first, max_row=last, max_col=n_cols):
        for cell in row:
            cell.alignment = Alignment(wrap_text=cell.alignment.wrap_text, vertical="top")


def write_frame(ws, frame: pd.DataFrame, start_row: int, headers: dict[str, str],
                formats: dict[str, str] | None = None, widths: dict[str, int] | None = None,
                filters: bool = True) -> tuple[int, int]:
    """Write `frame` with French headers from row `start_row`; returns (first, last) data rows."""
    formats, widths = formats or {}, widths or {}
    cols = [c for c in headers if c in frame.columns]
    for j, col in enumerate(cols, start=1):
        cell = put(ws, start_row, j, headers[col])
        cell.fill, cell.font = HEADER_FILL, HEADER_FONT
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    _append_rows(ws, frame[cols].reset_index(drop=True), start_row + 1)
    last = start_row + len(frame)
    wrap = Alignment(wrap_text=True, vertical="top")
    for j, col in enumerate(cols, start=1):
        longest = max([len(str(headers[col]))] + [len(str(v)) for v in frame[col].head(200)])
        ws.column_dimensions[get_column_letter(j)].width = widths.get(col, min(60, max(10, longest + 2)))
        if widths.get(col, 0) > 40 or longest > 60:
            for r in range(start_row + 1, last + 1):
                ws.cell(row=r, column=j).alignment = wrap
        if col in formats:
            for r in range(start_row + 1, last + 1):
                cell = ws.cell(row=r, column=j)
                if cell.value is not None and not isinstance(cell.value, str):
                    cell.number_format = formats[col]
    _fit_row_heights(ws, frame, cols, start_row, widths)
    ws.freeze_panes = ws.cell(row=start_row + 1, column=1)
    if filters and len(frame):
        ws.auto_filter.ref = f"A{start_row}:{get_column_letter(len(cols))}{last}"
    return start_row + 1, last


def _append_rows(ws, frame: pd.DataFrame, first: int) -> None:
    """Append `frame`'s rows from row `first` (the row after the last one written): values
    cleaned as by `put`, text beginning with "=" kept as text. Much faster than `put`."""
    cleaned = {}
    live = []
    for j, col in enumerate(frame.columns):
        values = [plain(v) for v in frame[col].tolist()]
        live += [(i, j) for i, v in enumerate(values) if isinstance(v, str) and v[:1] == "="]
        cleaned[col] = values
    if ws.max_row != first - 1:  # something below already: append would land elsewhere
        for i, row in enumerate(zip(*cleaned.values()), start=first):
            for j, value in enumerate(row, start=1):
                put(ws, i, j, value)
        return
    for row in zip(*cleaned.values()):
        ws.append(row)
    for i, j in live:
        ws.cell(row=first + i, column=j + 1).data_type = "s"


def _fit_row_heights(ws, frame, cols, start_row, widths) -> None:
    """Give wrapped rows the height their longest text needs (spreadsheets do not do it)."""
    wrapped = [c for c in cols if widths.get(c, 0) > 40]
    if not wrapped:
        return
    for i, rec in enumerate(frame[wrapped].itertuples(index=False), start=start_row + 1):
        lines = max(math.ceil(len(str(v)) / (widths[c] * 1.1)) if v is not None and v is not pd.NA
                    else 1 for c, v in zip(wrapped, rec))
        if lines > 1:
            ws.row_dimensions[i].height = 15 * min(lines, 12)


def print_setup(ws) -> None:
    """Landscape, fitted to the page width, titles repeated: ready to print."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = False
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.oddFooter.center.text = "&A — page &P / &N"
