"""Anomaly records and row accounting: nothing read disappears without a trace."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd

from diagnostic.schemas import conform

#: Actions a reader may take on a problem, in the words shown to users.
KEPT, REPAIRED, REJECTED = "conservé", "corrigé", "rejeté"


#: Row numbers shown in the text of an anomaly found on several rows.
SHOWN_ROWS = 5


def _missing(value) -> bool:
    """True for None, NaN and pd.NA (never printed as ``<NA>``)."""
    try:
        return value is None or bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def rows_text(rows) -> str:
    """ "3 lignes : 2, 5, 9" or "12 lignes : 2, 5, 9, 11, 14…" (the first rows only)."""
    rows = list(rows)
    shown = ", ".join(str(r) for r in rows[:SHOWN_ROWS])
    return f"{len(rows)} lignes : {shown}{'…' if len(rows) > SHOWN_ROWS else ''}"


#: Values shown for an anomaly met on several values outside any row (codes of a file).
SHOWN_VALUES = 20
#: Column names shown in the text of an anomaly found on several columns.
SHOWN_COLUMNS = 4


def columns_text(columns, noun: str = "colonnes") -> str:
    """ "3 colonnes : « a », « b », « c »" (the first columns only); `noun` names what is
    counted when it is not the export's columns (« questions » of a form)."""
    columns = list(columns)
    shown = ", ".join(f"« {c} »" for c in columns[:SHOWN_COLUMNS])
    return f"{len(columns)} {noun} : {shown}{'…' if len(columns) > SHOWN_COLUMNS else ''}"


@dataclass
class AnomalyLog:
    """Collects anomalies while a file is read; `frame()` gives the `anomalies` table.

    With `aggregate` (the default), one line per file, column and problem: the same problem
    on several rows of one column is one line, its text ending with the number of rows and
    the first few row numbers (`rows_text`), its row the first of them. With
    `rejected_alone` (a response export's log), a rejected row keeps a line of its own: no
    respondent leaves without a reason. A problem added with ``across_columns`` (a guess made for every
    column, such as the type of a question inferred without a form) is one line per file
    and problem, naming the number of columns and the first few (`columns_text`).
    """

    file: str
    records: list[dict] = field(default_factory=list)
    aggregate: bool = True
    rejected_alone: bool = False

    def add(
        self,
        problem: str,
        action: str,
        *,
        row=None,
        column=None,
        value=None,
        across_columns: bool | str = False,
    ) -> None:
        """Add one anomaly; `across_columns` (True, or the noun of what is counted, such as
        « questions ») makes it one line per file and problem whatever its column."""
        self.records.append(
            {
                "file": self.file,
                "row": row,
                "column": None if _missing(column) else column,
                "value": None if _missing(value) else str(value)[:200],
                "problem": problem,
                "action": action,
                "across": bool(across_columns) and row is None,
                "noun": across_columns if isinstance(across_columns, str) else "colonnes",
            }
        )

    def frame(self) -> pd.DataFrame:
        """Return the `anomalies` table, in file order (problems of the whole file first)."""
        groups: dict = {}
        for record in self.records:
            if self.aggregate and record["across"]:
                key = ("across", record["problem"], record["action"])
                groups.setdefault(key, []).append(record)
                continue
            key = (record["column"], record["problem"], record["action"])
            # a value met outside any row (a code of an indicator file) aggregates too
            unplaced = record["row"] is None and record["value"] is None
            alone = (
                not self.aggregate
                or unplaced
                or (self.rejected_alone and record["action"] == REJECTED)
            )
            groups.setdefault(id(record) if alone else key, []).append(record)
        lines = []
        for key, records in groups.items():
            noun = records[0]["noun"]
            records = [{k: v for k, v in r.items() if k not in ("across", "noun")} for r in records]
            if len(records) == 1:
                lines.append(records[0])
                continue
            if isinstance(key, tuple) and key[0] == "across":
                columns = list(dict.fromkeys(r["column"] for r in records if r["column"]))
                lines.append(
                    {
                        **records[0],
                        "problem": f"{records[0]['problem']} ({columns_text(columns, noun)})",
                    }
                )
                continue
            rows = sorted(r["row"] for r in records if r["row"] is not None)
            values = list(dict.fromkeys(r["value"] for r in records if r["value"] is not None))
            value = values[0] if len(values) == 1 else None
            # values met outside any row (codes) are what the line is about: more of them
            shown = 3 if rows else SHOWN_VALUES
            if len(values) > 1:
                value = " ; ".join(values[:shown]) + (" ; …" if len(values) > shown else "")
            count = rows_text(rows) if len(rows) == len(records) else f"{len(records)} valeurs"
            lines.append(
                {
                    **records[0],
                    "row": rows[0] if rows else None,
                    "value": None if value is None else value[:200],
                    "problem": f"{records[0]['problem']} ({count})",
                }
            )
        frame = conform(pd.DataFrame(lines), "anomalies")
        return frame.sort_values("row", na_position="first", kind="stable", ignore_index=True)


@dataclass(frozen=True)
class RowAccount:
    """Rows read = rows loaded + rows rejected, for one input file."""

    file: str
    rows_read: int
    rows_loaded: int
    rows_rejected: int

    def __post_init__(self):
        if self.rows_read != self.rows_loaded + self.rows_rejected:
            raise AssertionError(
                f"{self.file}: {self.rows_read} lues ≠ {self.rows_loaded} chargées "
                f"+ {self.rows_rejected} rejetées"
            )

    def as_dict(self) -> dict:
        return {
            "file": self.file,
            "rows_read": self.rows_read,
            "rows_loaded": self.rows_loaded,
            "rows_rejected": self.rows_rejected,
        }


# « … (12 lignes : 2, 5…) », « … (3 colonnes : « a (b) », …) »: the count and what follows
_COUNTED = re.compile(r"\s*\((\d+) (?:lignes|colonnes|questions|valeurs)(?:\)| : .*)$")


def summarise(anomalies: pd.DataFrame) -> pd.DataFrame:
    """The `anomalies` table by problem: what a reader looks at first.

    Parameters
    ----------
    anomalies : DataFrame
        The `anomalies` table; a line « … (12 lignes : 2, 5…) » speaks of 12 rows.

    Returns
    -------
    DataFrame
        One row per problem (its text without the count of rows or columns) and action:
        ``problem``, ``action``, ``lines`` (lines of the table), ``rows`` (rows or columns
        of the files they speak of), ``files`` (how many files), most rows first.

    Examples
    --------
    >>> t = pd.DataFrame({"file": ["a", "a", "b"], "problem": ["x (3 lignes : 2, 4, 5)",
    ...     "y", "x"], "action": ["conservé"] * 3})
    >>> summarise(t)[["problem", "lines", "rows", "files"]].values.tolist()
    [['x', 2, 4, 2], ['y', 1, 1, 1]]
    """
    columns = ["problem", "action", "lines", "rows", "files"]
    if anomalies is None or anomalies.empty:
        return pd.DataFrame(columns=columns)
    problems = anomalies["problem"].astype(str)
    counted = problems.str.extract(_COUNTED)[0]
    frame = pd.DataFrame(
        {
            "problem": problems.str.replace(_COUNTED, "", n=1, regex=True),
            "action": anomalies["action"].astype(str),
            "rows": counted.astype(float).fillna(1).astype(int),
            "file": anomalies["file"].astype(str),
        }
    )
    out = (
        frame.groupby(["problem", "action"], sort=False)
        .agg(lines=("rows", "size"), rows=("rows", "sum"), files=("file", "nunique"))
        .reset_index()
    )
    out = out.sort_values(["rows", "lines"], ascending=False, kind="stable", ignore_index=True)
    return out[columns]


def concat_anomalies(frames) -> pd.DataFrame:
    """Stack several `anomalies` tables into one."""
    frames = [f for f in frames if f is not None and len(f)]
    if not frames:
        return conform(pd.DataFrame(), "anomalies")
    return conform(pd.concat(frames, ignore_index=True), "anomalies")
