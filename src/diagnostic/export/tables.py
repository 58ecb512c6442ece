"""Results as data: one UTF-8 CSV per result table."""

from __future__ import annotations

import re
from pathlib import Path

from diagnostic._io.atomic import atomic_path
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
)


_LIVE = re.compile(r"^(?:[=+@\t\r]|-(?![\d.]))")


def inert(value):
    """Text a spreadsheet would run as a formula gets a leading apostrophe; numbers, codes
    such as "-1" and everything else are left as they are.

    >>> inert("=HYPERLINK(1)"), inert("-1"), inert("Logement")
    ("'=HYPERLINK(1)", '-1', 'Logement')
    """
    if isinstance(value, str) and _LIVE.match(value):
        return "'" + value
    return value


def inert_frame(frame):
    """`frame` with every text cell passed through `inert`."""
    text = [c for c in frame.columns if frame[c].dtype == object or str(frame[c].dtype) == "string"]
    return frame.assign(**{c: frame[c].map(inert) for c in text}) if text else frame


def to_tables(diag, folder) -> list[Path]:
    """Write ``tables/<table>.csv`` for every result table; returns the paths written.

    The `actors` table keeps only pseudonymous columns; anomaly values are masked; text
    that a spreadsheet would run as a formula is made inert (see `inert`).
    """
    folder = Path(folder)
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
