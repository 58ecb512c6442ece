"""Results as data: one UTF-8 CSV per result table."""

from __future__ import annotations

from pathlib import Path

from diagnostic._io.atomic import write_csv
from diagnostic.export.cells import inert_frame
from diagnostic.export.localized import localized
from diagnostic.privacy.audiences import DEFAULT_AUDIENCE, check_audience, contacts, shown_names
from diagnostic.privacy.disclosure import disclosed, public_of, public_projects
from diagnostic.privacy.masking import PUBLIC_ACTOR_COLUMNS, mask_text

TABLES = (
    "actors",
    "issue_ranking",
    "group_matrix",
    "opportunities",
    "cooperation_projects",
    "clusters",
    "context",
    "participation",
    "anomalies",
    "regard_croise",
    "question_map",
    "divergence",
    "text_words",
    "text_codes",
)

#: The tables written by a job of their own (`export.Outputs.write`): the largest by far
#: (50,000 actors: clusters 107 MB of the tables' 180 MB, opportunities 66 MB).
BIG_TABLES = ("clusters",)


def names_of(members, shown: dict) -> str:
    """The names an audience may read of the `;`-joined actor ids, in the same order."""
    if not isinstance(members, str) or not members:
        return ""
    return " ; ".join(shown.get(m, "") for m in members.split(";"))


def audience_projects(diag, audience: str = DEFAULT_AUDIENCE):
    """The `cooperation_projects` table as `audience` may read it: without `member_names`
    and `carrier` for funders; with the names allowed for the collective; with names and contacts
    (`member_contacts`) for the consultant."""
    frame = diag.cooperation_projects
    if check_audience(audience) != "consultant":  # places as the actors table gives them
        frame = public_projects(diag)
    if audience == "funder":  # the carrier is a structure's name too
        return frame.drop(columns=["member_names", "carrier"])
    shown = shown_names(diag, audience)
    frame = frame.assign(member_names=frame["members"].map(lambda m: names_of(m, shown)))
    if audience == "consultant":
        found = contacts(diag)
        frame = frame.assign(member_contacts=frame["members"].map(lambda m: names_of(m, found)))
    return frame


def to_tables(
    diag, folder, audience: str = DEFAULT_AUDIENCE, names: tuple[str, ...] = TABLES
) -> list[Path]:
    """Write ``tables/<table>.csv`` for every result table (those of `names` only, in the
    order of `TABLES`, when given); returns the paths written.

    The `actors` table keeps only pseudonymous columns (and, but for the consultant, the
    public view of `diagnostic.privacy.disclosure`: small types merged, withheld below
    `min_group_size`, rare places generalised; the participation and the clusters are
    counted on it); anomaly values are masked; text
    that a spreadsheet would run as a formula is made inert (see `inert`). The
    `cooperation_projects` table carries the names `audience` may read (see
    `audience_projects`).
    """
    folder = Path(folder)
    diag = disclosed(localized(diag), check_audience(audience))
    written = []
    for name in (n for n in TABLES if n in names):
        frame = getattr(diag, name)
        if name == "cooperation_projects":
            frame = audience_projects(diag, audience)
        if name == "actors":
            if audience != "consultant":  # small types merged, rare places generalised
                frame = public_of(diag).actors
            frame = frame[PUBLIC_ACTOR_COLUMNS]
        if name == "group_matrix" and audience != "consultant":
            # a hidden cell says it is hidden, not how many of its small group answered
            frame = frame.assign(respondents=frame["respondents"].mask(frame["suppressed"]))
        if name == "anomalies":
            frame = frame.assign(value=frame["value"].map(mask_text))
        path = folder / f"{name}.csv"
        written.append(write_csv(inert_frame(frame), path))
    return written
