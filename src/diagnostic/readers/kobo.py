"""KoboToolbox (and ODK-like) spreadsheet exports: one row per submission."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from diagnostic._io.sheets import SPREADSHEET_SUFFIXES, sheet_names
from diagnostic._io.tables import Table, read_table
from diagnostic.forms.model import Form
from diagnostic.readers.build import incomplete_rows, index_columns, platform_reader
from diagnostic.readers.inferred import infer_form
from diagnostic.readers.repeats import RepeatTable, attach_repeats
from diagnostic.readers.survey import Platform, Reading

#: The submission columns Kobo appends to every export, in the order it writes them.
SUBMISSION_META = (
    "_id",
    "_uuid",
    "_submission_time",
    "_validation_status",
    "_notes",
    "_status",
    "_submitted_by",
    "__version__",
    "_tags",
    "_index",
)
#: Columns Kobo adds to every export; never answers.
META_COLUMNS = {
    *SUBMISSION_META,
    "start",
    "end",
    "today",
    "deviceid",
    "username",
    "_version_",
    "_xform_id_string",
    "_attachments",
    "_geolocation",
    "meta/instanceid",
    "meta/instanceID",
    "instanceID",
    "_parent_index",
    "_parent_table_name",
    "_submission__uuid",
    "_submission__id",
    "formhub/uuid",
    "uuid",
}
#: Kobo meta columns about the person who submitted (role ``contact``, never an answer).
PERSONAL_META = {
    "deviceid",
    "username",
    "_submitted_by",
    "phonenumber",
    "simserial",
    "subscriberid",
    "email",
}
META_COLUMNS |= PERSONAL_META | {"audit", "_validation_status.uid", "__version__"}


def r_names(names) -> set[str]:
    """The names R gives those columns when it re-saves an export (``read.csv`` then
    ``write.csv``): ``_uuid`` -> ``X_uuid``, ``meta/instanceID`` -> ``meta.instanceID``, and
    the UTF-8 byte order mark glued to the first header -> ``X.U.FEFF.start``."""
    out = set()
    for name in names:
        dotted = name.replace("/", ".")
        out.add(dotted)
        if not dotted[:1].isalpha():
            out.add("X" + dotted)
        out.add("X.U.FEFF." + dotted)
    return out - set(names)


META_COLUMNS |= r_names(set(META_COLUMNS))
PERSONAL_META |= r_names(set(PERSONAL_META))
#: ODK Central's ``Status`` of an encrypted submission exported without its answers.
UNREADABLE = {"missing encrypted form data", "not decrypted"}
#: `_validation_status` values of a submission a reviewer did not approve.
NOT_APPROVED = {"validation_status_not_approved", "not approved", "non approuvé"}
#: How a repeat sheet names its submission: (its column, the submissions' column).
_PARENT_LINKS = (
    ("_submission__uuid", "_uuid"),
    ("_submission__id", "_id"),
    ("_parent_index", "_index"),
)
#: Columns holding the submission id, by platform, in order of preference.
ID_COLUMNS = (
    "_uuid",
    "X_uuid",
    "KEY",
    "meta/instanceID",
    "meta-instanceID",
    "instanceID",
    "meta.instanceID",
    "_id",
)


_DETECTED = {"_uuid", "_submission_time", "_index", "_id", "_validation_status"}
# the same columns in an export re-saved by R (``write.csv``): ``X_uuid``…
_DETECTED |= {"X" + name for name in _DETECTED}
_GROUP = re.compile(r"^group_[a-z]{2}\d[a-z0-9]{4}[./]")


def has_kobo_columns(header: list[str]) -> bool:
    """Two of Kobo's own columns (``_uuid``, ``_submission_time``…), or its generated group
    names (``group_ab1cd23/q``)."""
    return len(_DETECTED & set(header)) >= 2 or any(_GROUP.match(h) for h in header)


def is_kobo_header(header: list[str]) -> bool:
    """Kobo's own columns, or a ``KEY`` column (ODK-like exports that ODK Central's
    reader, asked first, did not take)."""
    return has_kobo_columns(header) or "KEY" in header


def _prepare(path: Path, form: Form | None, include_incomplete: bool) -> Reading:
    """The submissions of the first sheet, each further sheet a repeat group's table;
    without a form, the questions inferred from the data."""
    table = read_table(path)
    frame = table.frame
    if form is None:
        form = infer_form(
            frame, path.name, meta=META_COLUMNS | set(ID_COLUMNS) | index_columns(frame)
        )
    repeats, tables = {}, []
    if path.suffix.lower() in SPREADSHEET_SUFFIXES:
        names = sheet_names(path)
        resolved: dict = {}
        for name in names[1:]:
            sheet = read_table(path, name)
            repeats[name] = len(sheet.frame)
            tables.append(_repeat_table(path.name, name, sheet, frame, names[0], resolved))
    id_column = next((c for c in ID_COLUMNS if c in frame.columns), None)
    notes, dedupe = list(table.notes), True
    if id_column and frame[id_column].duplicated().sum() > len(frame) // 2:
        # e.g. one row per household member, each carrying its household's KEY
        notes.append(
            (
                f"la colonne « {id_column} » se répète : tableau d'une répétition "
                "(plusieurs lignes par soumission), chaque ligne est gardée",
                None,
            )
        )
        id_column, dedupe = None, False
    exclude, flags = review_states(frame, include_incomplete)
    return Reading(
        frame,
        form,
        table.header_rows,
        notes,
        ids=(id_column,) if id_column else (),
        options={
            "repeats": repeats,
            "dedupe": dedupe,
            "codes": table.codes,
            "exclude": exclude,
            "flags": flags,
        },
        finish=lambda survey: attach_repeats(
            survey, frame, table.header_rows, tables, form, meta=META_COLUMNS | set(ID_COLUMNS)
        ),
    )


KOBO = Platform(
    "kobo",
    _prepare,
    detect=is_kobo_header,
    meta=frozenset(META_COLUMNS),
    personal=frozenset(PERSONAL_META),
    ids=ID_COLUMNS,
    doc="""Read a KoboToolbox export (XLSX or `;` CSV; XML or label headers and values).

    Parameters
    ----------
    path : str or Path
        The export; the first sheet holds submissions, further sheets repeat groups.
    form : Form, optional
        The questionnaire, from `read_xlsform`; without it, questions are inferred from
        the data.
    actor_type : str, optional
        Actor type for every respondent when the questionnaire targets one type.
    include_incomplete : bool
        Keep the drafts (``_status`` "incomplete") instead of leaving them out.

    Returns
    -------
    Survey
        `actors`, `answers`, `asked`, `needs`, `offers`, `personal`, `anomalies` tables and
        the row account (rows read = rows loaded + rows rejected). Submissions whose
        ``_validation_status`` is "not approved" are left out with an anomaly.
    """,
)
read_kobo = platform_reader(KOBO)


def review_states(frame: pd.DataFrame, include_incomplete: bool = False) -> tuple[list, list]:
    """(exclude, flags) for `survey_from_frame` from Kobo's and ODK Central's review columns:
    not approved / rejected submissions left out, ``hasIssues`` kept with a note, drafts
    left out unless `include_incomplete`."""
    exclude, flags = [], []
    for column in ("_validation_status", "X_validation_status"):
        if column in frame.columns:
            status = frame[column].fillna("").str.strip().str.casefold()
            # the API's JSON form too: {"uid": "validation_status_not_approved", …}
            refused = status.isin(NOT_APPROVED) | status.str.contains(
                "validation_status_not_approved", regex=False
            )
            exclude.append(
                (
                    refused.to_numpy(dtype=bool, na_value=False),
                    "soumission non approuvée (validation KoboToolbox) : écartée",
                    column,
                )
            )
    if "ReviewState" in frame.columns:
        state = frame["ReviewState"].fillna("").str.strip().str.casefold()
        exclude.append(
            (
                (state == "rejected").to_numpy(),
                "soumission rejetée à la relecture (ODK Central) : écartée",
                "ReviewState",
            )
        )
        flags.append(
            (
                (state == "hasissues").to_numpy(),
                "soumission signalée « problème » à la relecture (ODK Central) : conservée, "
                "à vérifier",
                "ReviewState",
            )
        )
    for column in ("_status", "X_status"):
        # KoboToolbox keeps ODK's instance statuses (incomplete, submitted, complete) beside
        # its own (submitted_via_web, imported_via_csv): kobocat's logger Instance.status
        if column in frame.columns:
            draft = frame[column].fillna("").str.strip().str.casefold().eq("incomplete")
            more = incomplete_rows(
                draft.to_numpy(),
                f"« {column} » = incomplete : brouillon",
                column,
                include_incomplete,
            )
            exclude += more[0]
            flags += more[1]
    if "Status" in frame.columns and "KEY" in frame.columns:
        # ODK Central writes its metadata alone, every answer empty, for an encrypted
        # submission it could not read (central-backend lib/data/briefcase.js); drafts stay
        # on the device and are never exported
        status = frame["Status"].fillna("").str.strip().str.casefold()
        exclude.append(
            (
                status.isin(UNREADABLE).to_numpy(),
                "soumission chiffrée illisible (Status ODK Central) : aucune réponse, écartée",
                "Status",
            )
        )
    return exclude, flags


def _repeat_table(
    file: str, name: str, sheet: Table, main: pd.DataFrame, main_name: str, resolved: dict
) -> RepeatTable:
    """A repeat sheet and the submission of each of its rows.

    The submission is named by ``_submission__uuid`` (or ``_submission__id``); older exports
    give only ``_parent_index``, the ``_index`` of the parent row, which for a repeat inside
    a repeat is a row of another sheet: followed up to the submission (`resolved` keeps,
    for each sheet read, its ``_index`` -> submission ``_index``).
    """
    frame = sheet.frame
    column, target = next(
        ((c, t) for c, t in _PARENT_LINKS if c in frame.columns and t in main.columns),
        _PARENT_LINKS[-1],
    )
    parents = (
        frame[column]
        if column in frame.columns
        else pd.Series(pd.NA, index=frame.index, dtype="string")
    )
    if column == "_parent_index" and "_parent_table_name" in frame.columns:
        up = frame["_parent_table_name"].fillna(main_name).to_numpy()
        parents = pd.Series(
            [p if t == main_name else resolved.get(t, {}).get(p) for p, t in zip(parents, up)],
            index=frame.index,
            dtype="string",
        )
    if "_index" in frame.columns:
        resolved[name] = dict(zip(frame["_index"], parents))
    return RepeatTable(
        name, f"{file}, feuille {name}", frame, sheet.header_rows, parents, column, target
    )
