"""Write a table into a sheet: French headers, number formats, widths, filters, frozen header.

The sheet streams row after row (see `book`): formats and heights are settled before a row
is written, and cells that sit beside the table on the same rows are written with it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from diagnostic.export.cells import (
    HEADER,
    QUOTED,
    WRAP_TOP,
    column_values,
    is_live,
    put,
    wrapped_lines,
)

_LIVE_FIRST = set("=+-@\t\r")  # a cheap test before `is_live`
#: Columns wider than this wrap their text, and their rows grow to show it (as does a column
#: whose text is longer than its width).
WRAP_WIDTH = 40


def write_frame(
    book,
    ws,
    frame: pd.DataFrame,
    start_row: int,
    headers: dict[str, str],
    formats: dict[str, str] | None = None,
    widths: dict[str, int] | None = None,
    filters: bool = True,
    *,
    top: bool = False,
    styles: dict[tuple[int, str], dict] | None = None,
    beside: dict[int, list[tuple]] | None = None,
) -> tuple[int, int]:
    """Write `frame`'s `headers` columns, header on row `start_row`, and return the rows of
    its first and last lines (`last` is the header row when `frame` is empty).

    Parameters
    ----------
    book : Book
    ws : the worksheet (written from `start_row` on)
    frame : DataFrame
    headers : {column: French header}, in the order of the sheet; absent columns skipped.
    formats : {column: number format}, applied to the numbers of the column.
    widths : {column: width}; otherwise fitted to the first 200 values (10 to 60).
    filters : bool
        An autofilter on the header row.
    top : bool
        Every cell of the table aligned to the top (tables of wrapped text).
    styles : {(line, column): style}
        Extra style of single cells, `line` counted from 0 from the first line.
    beside : {row: [(col, value, style or None)]}
        Cells written on the table's rows (or below), outside its columns.
    """
    formats, widths, styles = formats or {}, widths or {}, styles or {}
    beside = dict(beside or {})  # emptied as its rows are written
    cols = [c for c in headers if c in frame.columns]
    body = frame[cols].reset_index(drop=True)
    header = book.format(HEADER)
    sizes = [
        widths.get(col, min(60, max(10, _longest(body[col], headers[col]) + 2))) for col in cols
    ]
    # bold wrapped headers: a column of width w holds about 0.9 w characters a line
    lines = max([wrapped_lines(headers[c], 0.9 * w) for c, w in zip(cols, sizes)] + [1])
    if lines > 1:  # a spreadsheet does not grow the row by itself
        ws.set_row(start_row, 15 * lines)
    for j, col in enumerate(cols):
        put(ws, start_row, j, headers[col], header)
    _beside(book, ws, beside.pop(start_row, []))
    looks = []  # per column: (style of text, style of numbers)
    wrapped: dict[str, int] = {}  # wrapped columns and their widths, for the rows' heights
    for j, (col, width) in enumerate(zip(cols, sizes)):
        longest = _longest(body[col], headers[col])
        ws.set_column(j, j, width)
        if widths.get(col, 0) > WRAP_WIDTH or longest > width:  # wider than its column
            wrapped[col] = width
    top = top or bool(wrapped)  # a row taller than a line reads from its top, every cell
    numeric = [_numeric(body[c]) for c in cols]
    for j, col in enumerate(cols):
        text = WRAP_TOP if col in wrapped else ({"valign": "top"} if top else None)
        if j and numeric[j - 1] and not numeric[j]:  # text kept apart from numbers on its left
            text = {**(text or {}), "align": "left", "indent": 1}
        number = {**(text or {}), "num_format": formats[col]} if col in formats else text
        looks.append((text, number))
    by_line: dict[int, dict[str, dict]] = {}
    for (line, col), style in styles.items():
        by_line.setdefault(line, {})[col] = style
    col_formats = [(book.format(t), book.format(n)) for t, n in looks]
    heights = _row_heights(body, list(wrapped), wrapped)
    columns = [column_values(body[c]) for c in cols]
    first = start_row + 1
    for i, values in enumerate(zip(*columns)):
        row = first + i
        if i in heights:
            ws.set_row(row, heights[i])
        extra = by_line.get(i)
        for j, value in enumerate(values):
            if extra and cols[j] in extra:
                t, n = looks[j]
                style = book.format(t if isinstance(value, str) else n, extra[cols[j]])
                put(ws, row, j, value, style)
            elif value is None:
                continue
            elif value.__class__ is str:
                if value[:1] in _LIVE_FIRST and is_live(value):
                    ws.write_string(row, j, value, book.format(looks[j][0], QUOTED))
                else:
                    ws.write_string(row, j, value, col_formats[j][0])
            else:
                ws.write(row, j, value, col_formats[j][1])
        _beside(book, ws, beside.pop(row, []))
    for row in sorted(beside):
        _beside(book, ws, beside[row])
    last = start_row + len(body)
    ws.freeze_panes(first, 0)
    if filters and len(body):
        ws.autofilter(start_row, 0, last, len(cols) - 1)
    return first, last


def _longest(column: pd.Series, header: str) -> int:
    """Length of the longest of the header and the column's first 200 values."""
    return max([len(str(header))] + [len(str(v)) for v in column.head(200)])


def _numeric(column: pd.Series) -> bool:
    """Whether a column shows numbers (right-aligned), judged on its first 200 values."""
    if pd.api.types.is_bool_dtype(column):
        return False
    if pd.api.types.is_numeric_dtype(column):
        return True
    values = column.head(200).dropna()
    return bool(len(values)) and all(
        isinstance(v, (int, float, np.number)) and not isinstance(v, bool) for v in values
    )


def _beside(book, ws, cells) -> None:
    for row, col, value, style in cells:
        put(ws, row, col, value, book.format(style))


def beside_table(
    frame: pd.DataFrame, start_row: int, col: int, formats: dict[str, str] | None = None
) -> dict[int, list[tuple]]:
    """A small table to write beside another (see `write_frame`'s `beside`): header on
    `start_row`, from column `col`, with plain headers and its number formats.

    >>> beside_table(pd.DataFrame({"a": ["x"], "n": [2]}), 4, 8, {"n": "0"})[5]
    [(5, 8, 'x', None), (5, 9, 2, {'num_format': '0'})]
    """
    formats = formats or {}
    cells = {start_row: [(start_row, col + j, name, None) for j, name in enumerate(frame.columns)]}
    for i, rec in enumerate(frame.itertuples(index=False), start=start_row + 1):
        cells[i] = [
            (i, col + j, value, {"num_format": formats[name]} if name in formats else None)  # type: ignore[misc]
            for j, (name, value) in enumerate(zip(frame.columns, rec))
        ]
    return cells


def _row_heights(
    body: pd.DataFrame, wrapped: list[str], widths: dict[str, int]
) -> dict[int, float]:
    """Height of each line whose wrapped text needs more than one line (spreadsheets do not
    grow rows by themselves): 15 points a line, 12 lines at most."""
    if not wrapped or not len(body):
        return {}
    lines = np.ones(len(body))
    for col in wrapped:
        lengths = body[col].astype("string").str.len().to_numpy(dtype=float, na_value=np.nan)
        lines = np.maximum(lines, np.nan_to_num(np.ceil(lengths / (widths[col] * 1.1)), nan=1))
    return {int(i): 15 * min(int(lines[i]), 12) for i in np.flatnonzero(lines > 1)}
