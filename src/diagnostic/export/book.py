"""An xlsxwriter workbook written whole or not at all, with its styles made once.

The workbook streams (xlsxwriter's constant-memory mode): each sheet is written row after
row and a row, once left, cannot be changed. Every sheet writer therefore knows a row's
cells, formats and height before writing it.
"""

from __future__ import annotations

import tempfile
from contextlib import contextmanager
from pathlib import Path

from diagnostic._io.atomic import atomic_path

#: Text is always written as text: never read as a formula, a link or a number.
OPTIONS = {
    "constant_memory": True,
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
    "default_date_format": "dd/mm/yyyy",
    "remove_timezone": True,
}
#: Chart sizes are given in centimetres (as a page is measured); xlsxwriter counts pixels.
PIXELS_PER_CM = 96 / 2.54


class Book:
    """A workbook being written, with one Format per distinct style.

    Parameters
    ----------
    workbook : xlsxwriter.Workbook

    Examples
    --------
    ``book.format({"bold": True}, {"num_format": "0.0 %"})`` merges the styles and returns
    the same Format object every time it is asked for the same merged style.
    """

    def __init__(self, workbook):
        self.workbook = workbook
        self._formats: dict[tuple, object] = {}

    def format(self, *styles: dict | None):
        """The Format of the merged `styles` (later ones win); None when there is no style."""
        merged = {}
        for style in styles:
            if style:
                merged.update(style)
        if not merged:
            return None
        key = tuple(sorted(merged.items()))
        if key not in self._formats:
            self._formats[key] = self.workbook.add_format(merged)
        return self._formats[key]

    def sheet(self, name: str):
        """Add a worksheet at the end of the workbook."""
        return self.workbook.add_worksheet(name)

    def bar_chart(
        self,
        ws,
        title: str,
        *,
        name: tuple[int, int],
        values: tuple[int, int, int],
        categories: tuple[int, int, int],
        size_cm: tuple[float, float],
        anchor: tuple[int, int],
        percent: bool = False,
        full_scale: bool = False,
        top_down: bool = False,
        gap: int | None = None,
    ) -> None:
        """Insert a native horizontal bar chart of one series of `ws`.

        Parameters
        ----------
        name : (row, col)
            Cell holding the series name.
        values, categories : (first_row, last_row, col)
            Cells of the values and of their labels (rows and columns from 0).
        size_cm : (width, height)
        anchor : (row, col)
            Top-left cell of the chart.
        percent : bool
            Value axis in percent; `full_scale` fixes it from 0 to 100 %.
        top_down : bool
            First category at the top, as in the table beside the chart.
        """
        chart = self.workbook.add_chart({"type": "bar"})
        series = {
            "name": [ws.name, *name],
            "values": [ws.name, values[0], values[2], values[1], values[2]],
            "categories": [ws.name, categories[0], categories[2], categories[1], categories[2]],
        }
        if gap is not None:
            series["gap"] = gap  # type: ignore[assignment]
        chart.add_series(series)
        chart.set_title({"name": title})
        chart.set_legend({"none": True})
        value_axis = {"num_format": "0 %"} if percent else {}
        if full_scale:
            value_axis.update(min=0, max=1)  # type: ignore[call-overload]
        chart.set_x_axis(value_axis)  # a bar chart's x axis is its horizontal value axis
        # every bar labelled (a spreadsheet skips labels it finds too close together)
        category_axis = {"interval_unit": 1, "num_font": {"size": 8}}
        chart.set_y_axis({**category_axis, "reverse": True} if top_down else category_axis)
        width, height = size_cm
        chart.set_size(
            {"width": round(width * PIXELS_PER_CM), "height": round(height * PIXELS_PER_CM)}
        )
        ws.insert_chart(*anchor, chart)

    def quadrant_chart(
        self,
        ws,
        title: str,
        *,
        series: list[tuple[str, str, int, int]],
        x_col: int,
        y_col: int,
        label_col: int,
        lines: tuple[float, float],
        x_span: float,
        axes: tuple[str, str],
        size_cm: tuple[float, float],
        anchor: tuple[int, int],
    ) -> None:
        """Insert a native scatter chart of points of `ws`, one series per group of rows.

        Parameters
        ----------
        series : [(name, colour, first_row, last_row)]
            Consecutive rows of each group (rows from 0), drawn in `colour` (#RRGGBB).
        x_col, y_col, label_col : int
            Columns of the coordinates and of each point's label.
        lines : (x, y)
            The thresholds: the axes are drawn (dashed) through them.
        x_span : float
            The horizontal axis goes from −x_span to x_span.
        axes : (x title, y title)
        """
        from xlsxwriter.utility import xl_rowcol_to_cell as cell_name

        chart = self.workbook.add_chart({"type": "scatter"})
        for name, colour, first, last in series:
            chart.add_series(
                {
                    "name": name,
                    "categories": [ws.name, first, x_col, last, x_col],
                    "values": [ws.name, first, y_col, last, y_col],
                    "marker": {
                        "type": "circle",
                        "size": 9,
                        "fill": {"color": colour},
                        "border": {"color": "#FFFFFF"},
                    },
                    "data_labels": {
                        "custom": [
                            {"value": f"='{ws.name}'!{cell_name(row, label_col, True, True)}"}
                            for row in range(first, last + 1)
                        ],
                        "position": "above",
                        "font": {"size": 8},
                    },
                }
            )
        x, y = lines  # the axes cross at the thresholds: the four quadrants drawn
        line = {"color": "#999999", "dash_type": "dash", "width": 1}
        chart.set_title({"name": title})
        # an axis's « crossing » is where, on it, the other axis passes
        chart.set_x_axis(
            {
                "name": axes[0],
                "num_format": "0 %",
                "crossing": x,
                "line": line,
                "min": -x_span,
                "max": x_span,
                "label_position": "low",
                "major_gridlines": {"visible": False},
            }
        )
        chart.set_y_axis(
            {
                "name": axes[1],
                "num_format": "0 %",
                "min": 0,
                "max": 1,
                "crossing": y,
                "line": line,
                "label_position": "low",
                "major_gridlines": {"visible": False},
            }
        )
        chart.set_legend({"position": "bottom"})
        width, height = size_cm
        chart.set_size(
            {"width": round(width * PIXELS_PER_CM), "height": round(height * PIXELS_PER_CM)}
        )
        ws.insert_chart(*anchor, chart)


@contextmanager
def open_book(path):
    """Yield a `Book` writing to a temporary file beside `path`; moved onto `path` at the end.

    If anything fails, the temporary file is removed and `path` is left untouched; a
    failure of the disk is raised as the original OSError. The rows streamed so far wait in
    a scratch folder of the system's temporary directory, removed whatever happens.
    """
    with (
        atomic_path(Path(path)) as tmp,
        tempfile.TemporaryDirectory(
            prefix="diagnostic-xlsx-", ignore_cleanup_errors=True
        ) as scratch,
    ):
        # xlsxwriter imported by the process that writes the workbook (a forked worker),
        # not before the analyses
        import xlsxwriter
        from xlsxwriter.exceptions import FileCreateError

        workbook = xlsxwriter.Workbook(str(tmp), {**OPTIONS, "tmpdir": scratch})
        try:
            yield Book(workbook)
            workbook.close()
        except FileCreateError as exc:
            raise (exc.__context__ if isinstance(exc.__context__, OSError) else exc) from None
        finally:
            workbook.fileclosed = True  # never written later, after the temporary file went
