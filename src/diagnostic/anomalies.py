"""Anomaly records and row accounting: nothing read disappears without a trace."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from diagnostic.schemas import conform

#: Actions a reader may take on a problem, in the words shown to users.
KEPT, REPAIRED, REJECTED = "conservé", "corrigé", "rejeté"


@dataclass
class AnomalyLog:
    """Collects anomalies while a file is read; `frame()` gives the `anomalies` table."""

    file: str
    records: list[dict] = field(default_factory=list)

    def add(self, problem: str, action: str, *, row=None, column=None, value=None) -> None:
        self.records.append(
            {
                "file": self.file,
                "row": row,
                "column": column,
                "value": None if value is None else str(value)[:200],
                "problem": problem,
                "action": action,
            }
        )

    def frame(self) -> pd.DataFrame:
        """Return the `anomalies` table, in file order (problems of the whole file first)."""
        frame = conform(pd.DataFrame(self.records), "anomalies")
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


def concat_anomalies(frames) -> pd.DataFrame:
    """Stack several `anomalies` tables into one."""
    frames = [f for f in frames if f is not None and len(f)]
    if not frames:
        return conform(pd.DataFrame(), "anomalies")
    return conform(pd.concat(frames, ignore_index=True), "anomalies")
