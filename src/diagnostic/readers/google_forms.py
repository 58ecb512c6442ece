"""Google Forms response exports (CSV or Sheets download).

The first column is the timestamp (``Horodateur`` / ``Timestamp``); checkbox answers are
joined with ", " in one cell, split against the known options, longest first, so that an
option containing a comma stays whole; grids come as ``Question [ligne]`` columns.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from diagnostic.forms.inferred import infer_form
from diagnostic.forms.model import Form, is_missing_code
from diagnostic.readers.build import survey_from_frame
from diagnostic.readers.survey import Survey
from diagnostic.readers.tables import read_table
from diagnostic.schemas import conform

TIMESTAMPS = ("Horodateur", "Timestamp", "Marca temporal", "Zeitstempel")
#: The e-mail address Google Forms collects (role ``contact``, never an answer).
PERSONAL_META = {
    "Adresse e-mail",
    "Email Address",
    "Email address",
    "Adresse courriel",
    "Nom d'utilisateur",
    "Username",
}
META_COLUMNS = set(TIMESTAMPS) | PERSONAL_META | {"Score", "Note"}


def read_google_forms(
    path, form: Form | None = None, *, actor_type: str | None = None, fmt: str | None = None
) -> Survey:
    """Read a Google Forms export; without a form, questions are inferred from the data.

    Returns
    -------
    Survey
    """
    path = Path(path)
    table = read_table(path)
    frame = table.frame
    if form is None:
        form = _with_checkboxes(infer_form(frame, path.name, meta=META_COLUMNS), frame)
    fmt = fmt or ("google_forms_csv" if path.suffix.lower() == ".csv" else "google_forms_xlsx")
    return survey_from_frame(
        frame,
        form,
        file=path.name,
        fmt=fmt,
        actor_type=actor_type,
        header_rows=table.header_rows,
        meta=META_COLUMNS,
        notes=table.notes,
        # no submission id: a duplicate has the same timestamp and every answer the same
        same_with=next((c for c in TIMESTAMPS if c in frame.columns), None),
        personal_meta=[c for c in frame.columns if c in PERSONAL_META],
    )


def _with_checkboxes(form: Form, frame: pd.DataFrame) -> Form:
    """Turn inferred text questions whose cells join recurring options into checkboxes.

    The options are the answers that cannot be split into shorter answers (given alone
    by some respondent); a cell that splits entirely into such options is a combination.
    """
    from diagnostic.readers.values import choice_lookup, split_multi

    questions, choices = form.questions.copy(), [form.choices]
    for i, q in questions.iterrows():
        if q["type"] not in ("text", "single") or q["label"] not in frame.columns:
            continue
        cells = [str(v).strip() for v in frame[q["label"]].dropna()]
        if not any(", " in c for c in cells):
            continue
        options, combined = [], False
        for cell in sorted(set(cells), key=len):  # shortest first: options before combinations
            parts = split_multi(cell, choice_lookup(options, options)) if options else None
            if parts is None or len(parts) < 2:
                options.append(cell)
            else:
                combined = True
        if combined:
            questions.loc[i, ["type", "list_name"]] = ["multiple", q["question_id"]]
            choices = [c[c["list_name"] != q["question_id"]] for c in choices]
            choices.append(
                pd.DataFrame(
                    {
                        "list_name": q["question_id"],
                        "value": options,
                        "label": options,
                        "order": range(1, len(options) + 1),
                        "is_missing_code": [is_missing_code(o, o) for o in options],
                    }
                )
            )
    return Form(
        form.file,
        form.title,
        form.language,
        conform(questions, "questions"),
        conform(pd.concat(choices, ignore_index=True), "choices"),
        form.anomalies,
    )
