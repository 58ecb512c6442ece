"""Values made safe for a sheet, the workbook's styles, titles and print setup.

Rows and columns are counted from 0, as xlsxwriter does: row 0 is the sheet's first row.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import textwrap
from decimal import Decimal

import numpy as np
import pandas as pd

#: Characters a sheet cannot hold (tab, line feed and carriage return it can).
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
#: Longest text written in a cell (Excel holds 32,767 characters).
MAX_TEXT = 32000
DARK = "#1F4E5F"
HEADER_FILL = {"bold": True, "font_color": "#FFFFFF", "bg_color": DARK}
HEADER = {**HEADER_FILL, "text_wrap": True, "valign": "vcenter"}
TITLE = {"bold": True, "font_size": 14, "font_color": DARK}
NOTE = {"italic": True, "font_size": 9, "font_color": "#555555"}
BOLD = {"bold": True}
GREY = {"bg_color": "#E6E6E6"}
WRAP_TOP = {"text_wrap": True, "valign": "top"}
#: Excel's quote prefix: the cell shows its text, and stays text once edited.
QUOTED = {"quote_prefix": True}
PERCENT = "0.0 %"
DECIMAL = "#,##0.00"
DECIMAL_1 = "#,##0.0"
INTEGER = "#,##0"
_WRITABLE = (str, bool, int, float, Decimal, dt.datetime, dt.date, dt.time, dt.timedelta)
#: Text a spreadsheet would run as a formula once opened or edited (OWASP "CSV injection").
_LIVE = re.compile(r"[=+\-@\t\r]")
#: A true number written as text ("-1", "-0,5", "-2.5e3"): the only text a minus may start.
_NUMBER = re.compile(r"-\d+(?:[.,]\d+)?(?:[eE][+-]?\d+)?|-[.,]\d+")


def inert(value):
    """Text a spreadsheet would run as a formula gets a leading apostrophe: text starting
    with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return, except a true negative
    number. Anything else is returned as it is.

    The one rule (`is_live`) for every CSV and for the workbook's tables.

    >>> inert("=HYPERLINK(1)"), inert("-1"), inert("-1+cmd|' /C calc'!A0"), inert("Logement")
    ("'=HYPERLINK(1)", '-1', "'-1+cmd|' /C calc'!A0", 'Logement')
    """
    return "'" + value if is_live(value) else value


def is_live(value) -> bool:
    """True for text a spreadsheet would run as a formula (see `inert`). The CSV files get
    an apostrophe; the workbook writes such text as text with Excel's hidden quote prefix
    (`QUOTED`), so that editing the cell does not turn it into a formula either."""
    return isinstance(value, str) and bool(_LIVE.match(value)) and not _NUMBER.fullmatch(value)


def inert_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` with every cell of its text columns passed through `inert`: columns of
    objects, of pandas' ``string`` and ``str`` dtypes and categories alike; numbers,
    booleans and dates are left alone."""
    out = {}
    for col in frame.columns:
        s = frame[col]
        if (
            pd.api.types.is_numeric_dtype(s)
            or pd.api.types.is_bool_dtype(s)
            or pd.api.types.is_datetime64_any_dtype(s)
            or isinstance(s.dtype, pd.PeriodDtype | pd.IntervalDtype)
        ):
            continue
        if isinstance(s.dtype, pd.CategoricalDtype):
            if any(inert(c) is not c for c in s.cat.categories):
                out[col] = s.astype(object).map(inert)
            continue
        codes, uniques = pd.factorize(s)  # each distinct text looked at once
        fixed = [inert(u) for u in uniques]
        if any(a is not b for a, b in zip(fixed, uniques)):
            values = np.array([*fixed, None], dtype=object)[codes]
            out[col] = pd.Series(values, index=s.index, dtype=s.dtype)
    return frame.assign(**out) if out else frame


def plain(value):
    """A value a sheet can hold: NA, NaN, infinities and "" to None (an empty cell), text
    cleaned of control characters and cut at `MAX_TEXT`, anything unknown as text.

    >>> plain("a\\x07b"), plain(float("nan")), plain(np.int64(3))
    ('ab', None, 3)
    """
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if hasattr(value, "item") and not isinstance(value, str):
        value = value.item()  # numpy scalars
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, str):
        return CONTROL_CHARACTERS.sub("", value)[:MAX_TEXT] or None
    return value if isinstance(value, _WRITABLE) else plain(str(value))


def column_values(s: pd.Series) -> list:
    """The values of `s` made `plain`: numbers column-wise, text once per distinct value."""
    if pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s):
        finite = np.isfinite(s.to_numpy(dtype=float, na_value=np.nan))
        return s.astype(object).where(finite, None).tolist()
    if pd.api.types.infer_dtype(s, skipna=True) in ("string", "empty"):
        codes, values = pd.factorize(s)  # answers repeat: a column holds few distinct texts
        cleaned = np.array([plain(v) for v in values] + [None], dtype=object)
        return cleaned[codes].tolist()  # code -1 (missing) takes the None at the end
    return [plain(v) for v in s.tolist()]


def sheet_rows(frame: pd.DataFrame) -> list[tuple]:
    """Rows of `frame` ready for a sheet (see `plain`), one tuple per row."""
    return list(zip(*(column_values(frame[c]) for c in frame.columns)))


def put(ws, row: int, col: int, value, cell_format=None) -> None:
    """Write one cell; text stays text (the workbook never turns it into a formula)."""
    value = plain(value)
    if value is None:
        if cell_format is not None:
            ws.write_blank(row, col, None, cell_format)
    elif isinstance(value, str):
        ws.write_string(row, col, value, cell_format)
    else:
        ws.write(row, col, value, cell_format)


def wrapped_lines(text: str, width: float) -> int:
    """How many lines `text` takes in a wrapped cell `width` characters wide (words are
    not cut, so a line holds fewer characters than the width).

    >>> wrapped_lines("Commune ou intercommunalité (n=21–26)", 22)
    3
    """
    lines = textwrap.wrap(str(text), width=max(1, int(width)), break_long_words=False)
    return max(1, len(lines))


def write_title(book, ws, title: str, notes: list[str], span: int = 0, width: float = 0) -> int:
    """Title and notes (question, base, source…) above a table; returns the next free row.

    With `span`, each note is wrapped across the first `span` columns, so that a long note
    does not widen the printed page; `width` is those columns' width in characters when
    known (else 14 a column).
    """
    put(ws, 0, 0, title, book.format(TITLE))
    note = book.format(NOTE)
    wrapped = book.format(NOTE, WRAP_TOP)
    for row, text in enumerate(notes, start=1):
        if span > 1:
            # notes are in a small font: a column of width w holds about 1.2 w characters
            lines = (
                wrapped_lines(text, 1.2 * width) if width else math.ceil(len(text) / (span * 14))
            )
            ws.set_row(row, 12 * max(1, lines))
            ws.merge_range(row, 0, row, span - 1, plain(text), wrapped)
        else:
            put(ws, row, 0, text, note)
    return len(notes) + 2


def print_setup(ws, *, scale: int | None = None) -> None:
    """Landscape A4 fitted to the page width, or printed at `scale` percent; sheet name and
    page numbers in the footer: ready to print."""
    ws.set_landscape()
    ws.set_paper(9)  # A4
    if scale is None:
        ws.fit_to_pages(1, 0)
    else:
        ws.set_print_scale(scale)
    ws.set_margins(left=0.4, right=0.4, top=1, bottom=1)
    ws.set_footer("&C&A — page &P / &N", {"margin": 0.5})
