"""ODK Central exports: the CSV of submissions, or the ZIP with one CSV per repeat group.

Group paths are joined with ``-`` (``identite-commune``), each submission has a ``KEY``
(``uuid:…``), and repeat rows point to their submission through ``PARENT_KEY``.
"""

from __future__ import annotations

from pathlib import Path

from diagnostic._io.tables import Table, read_table, table_from_bytes, zip_csv_members
from diagnostic.anomalies import columns_text
from diagnostic.errors import DiagnosticError
from diagnostic.forms.model import Form
from diagnostic.readers.build import index_columns, platform_reader
from diagnostic.readers.inferred import infer_form
from diagnostic.readers.kobo import has_kobo_columns, review_states
from diagnostic.readers.repeats import RepeatTable, attach_repeats
from diagnostic.readers.survey import Platform, Reading

META_COLUMNS = {
    "SubmissionDate",
    "start",
    "end",
    "today",
    "deviceid",
    "KEY",
    "PARENT_KEY",
    "meta-instanceID",
    "meta-instanceName",
    "SubmitterID",
    "SubmitterName",
    "AttachmentsPresent",
    "AttachmentsExpected",
    "Status",
    "ReviewState",
    "DeviceID",
    "Edits",
    "FormVersion",
    "instanceID",
    "meta-audit",
    "username",
    "phonenumber",
    "email",
}
#: ODK meta columns about the person who submitted (role ``contact``, never an answer).
PERSONAL_META = {"SubmitterName", "deviceid", "DeviceID", "username", "phonenumber", "email"}
#: Columns holding the submission id, in order of preference.
_ID_COLUMNS = ("KEY", "meta-instanceID", "instanceID")


def _zip_tables(path: Path) -> tuple[Table, list[RepeatTable]]:
    """The submissions table of an ODK Central ZIP, and its repeat tables."""
    members = zip_csv_members(path)
    if not members:
        raise DiagnosticError(
            "l'archive ne contient aucun fichier CSV d'export ODK.", file=path.name
        )
    tables = {name: table_from_bytes(raw, name) for name, raw in members.items()}
    main = [n for n, t in tables.items() if "PARENT_KEY" not in t.frame.columns]
    if len(main) != 1:
        raise DiagnosticError(
            "l'archive doit contenir un seul CSV de soumissions (sans "
            f"colonne PARENT_KEY) ; trouvés : {', '.join(main) or 'aucun'}.",
            file=path.name,
        )
    repeats = []
    for name, t in tables.items():
        if name == main[0]:
            continue
        # a repeat inside a repeat points to a repeat row, "uuid:…/groupe[2]": the
        # submission's KEY is its first part
        parents = t.frame["PARENT_KEY"].str.split("/").str[0]
        repeats.append(
            RepeatTable(
                Path(name).stem,
                f"{path.name}, {name}",
                t.frame,
                t.header_rows,
                parents,
                "PARENT_KEY",
                "KEY",
            )
        )
    return tables[main[0]], repeats


def _prepare(path: Path, form: Form | None, include_incomplete: bool) -> Reading:
    """The submissions (of the CSV, or of the ZIP's main CSV), with the review states and
    the geopoints set aside; the repeat CSVs attached once the Survey is built."""
    repeats = []  # type: ignore[var-annotated]
    if path.suffix.lower() == ".zip":
        table, repeats = _zip_tables(path)
    else:
        table = read_table(path)
    frame = table.frame
    located = geopoint_columns(frame.columns)
    if form is None:
        form = infer_form(frame, path.name, meta=META_COLUMNS | located | index_columns(frame))
    exclude, flags = review_states(frame, include_incomplete)
    notes = [*table.notes]
    if located:
        notes.append(
            (
                "positions GPS (points ODK) : données personnelles, mises à l'écart "
                f"(rôle « contact »), jamais publiées ({columns_text(sorted(located))})",
                None,
            )
        )
    return Reading(
        frame,
        form,
        table.header_rows,
        notes,
        meta=located,
        personal=[c for c in frame.columns if c in PERSONAL_META or c in located],
        options={
            "repeats": {t.name: len(t.frame) for t in repeats},
            "exclude": exclude,
            "flags": flags,
        },
        fmt="odk_zip" if path.suffix.lower() == ".zip" else "odk_csv",  # ODK writes no sheets
        finish=lambda survey: attach_repeats(
            survey, frame, table.header_rows, repeats, form, meta=META_COLUMNS
        ),
    )


def is_odk_header(header: list[str]) -> bool:
    """ODK Central's ``KEY`` with its other columns, or with ``-`` joining group paths; not
    with KoboToolbox's own columns (a Kobo export)."""
    names = set(header)
    return (
        "KEY" in names
        and bool(_DETECTED & names or any("-" in h for h in header))
        and not has_kobo_columns(header)
    )


_DETECTED = {"SubmissionDate", "meta-instanceID", "PARENT_KEY", "ReviewState", "SubmitterID"}
ODK = Platform(
    "odk",
    _prepare,
    detect=is_odk_header,
    meta=frozenset(META_COLUMNS),
    ids=_ID_COLUMNS,
    doc="""Read an ODK Central CSV or ZIP export with its XLSForm (or an inferred form).

    Submissions a reviewer marked ``rejected`` (``ReviewState``) are left out with an
    anomaly, those marked ``hasIssues`` kept with one; the submitter's name and device
    go to `personal`.

    Returns
    -------
    Survey
        The answers of each repeat CSV of a ZIP are given to their submission (see
        `attach_repeats`); `repeats` counts the rows of each repeat CSV, and repeat rows
        whose ``PARENT_KEY`` matches no loaded submission are rejected and reported.
    """,
)
read_odk = platform_reader(ODK)


_GEO_PARTS = ("Latitude", "Longitude", "Altitude", "Accuracy")


def geopoint_columns(columns) -> set[str]:
    """The columns of a geopoint as ODK Central exports it (``q-Latitude``, ``q-Longitude``,
    ``q-Altitude``, ``q-Accuracy``): where a respondent was, personal like an address."""
    names = {str(c) for c in columns}
    stems = {
        c[: -len("-Latitude")]
        for c in names
        if c.endswith("-Latitude") and c[: -len("-Latitude")] + "-Longitude" in names
    }
    return {f"{stem}-{part}" for stem in stems for part in _GEO_PARTS} & names
