"""Results as data: one UTF-8 CSV per result table."""

from __future__ import annotations

from pathlib import Path

from diagnostic._io.atomic import atomic_path
from diagnostic.export.cells import inert_frame
from diagnostic.export.localized import localized
from diagnostic.privacy.masking import PUBLIC_ACTOR_COLUMNS, mask_text

TABLES = (
    "actors",
    "issue_ranking",
    "group_matrix",
    "opportunities",
    "clusters",
    "context",
    "participation",
    "anomalies",
    "regard_croise",
    "question_map",
    "divergence",
)


def to_tables(diag, folder) -> list[Path]:
    """Write ``tables/<table>.csv`` for every result table; returns the paths written.

    The `actors` table keeps only pseudonymous columns; anomaly values are masked; text
    that a spreadsheet would run as a formula is made inert (see `inert`).
    """
    folder = Path(folder)
    diag = localized(diag)
    written = []
    for name in TABLES:
        frame = getattr(diag, name)
        if name == "actors":
            frame = frame[PUBLIC_ACTOR_COLUMNS]
        if name == "anomalies":
            frame = frame.assign(value=frame["value"].map(mask_text))
        path = folder / f"{name}.csv"
        with atomic_path(path) as tmp:
            inert_frame(frame).to_csv(tmp, index=False, encoding="utf-8")
        written.append(path)
    return written
