"""Google Forms response exports (CSV or Sheets download).

The first column is the timestamp (``Horodateur`` / ``Timestamp``); checkbox answers are
joined with ", " in one cell, split against the known options, longest first, so that an
option containing a comma stays whole; grids come as ``Question [ligne]`` columns.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from diagnostic._io.tables import read_table
from diagnostic.forms.model import Form, is_missing_code, question_row
from diagnostic.readers.build import platform_reader
from diagnostic.readers.inferred import infer_form, inferred_anomalies, option_order
from diagnostic.readers.survey import Platform, Reading
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


def _prepare(path: Path, form: Form | None, include_incomplete: bool) -> Reading:
    """The frame with its checkbox answers split (`split_checkboxes`)."""
    table = read_table(path)
    frame = table.frame
    if form is None:
        form = with_checkboxes(infer_form(frame, path.name, meta=META_COLUMNS), frame)
    frame = split_checkboxes(form, frame)
    return Reading(
        frame,
        form,
        table.header_rows,
        table.notes,
        # no submission id: a duplicate has the same timestamp and every answer the same
        options={"same_with": next((c for c in TIMESTAMPS if c in frame.columns), None)},
    )


GOOGLE_FORMS = Platform(
    "google_forms",
    _prepare,
    detect=lambda header: bool(header) and header[0] in TIMESTAMPS,
    meta=frozenset(META_COLUMNS),
    personal=frozenset(PERSONAL_META),
    doc="""Read a Google Forms export; without a form, questions are inferred from the data.

    Without a form, a column whose answers join recurring options with ", " is a checkbox
    question (`learn_options`); what is left of a cell once its options are taken is the
    « autre » text, kept in a question of its own (``<question>_autre``).

    Returns
    -------
    Survey
    """,
)
read_google_forms = platform_reader(GOOGLE_FORMS)


_JOIN = re.compile(r"\s*[,;]\s+|\s*;\s*")  # how Google Forms joins ticked options: ", "
OTHER_VALUE, OTHER_LABEL = "autre", "Autre"


def _spaced(cell, tight: bool):
    """A cell whose options are joined by "," alone (Qualtrics) joined by ", " instead."""
    return re.sub(r"\s*,\s*", ", ", str(cell)) if tight else cell


def _pieces(cell: str) -> list[str]:
    return [p for p in _JOIN.split(cell.strip()) if p]


def learn_options(cells: list[str]) -> list[str] | None:
    """The options of a checkbox question, learned from every answer; None when the
    answers are not those of a checkbox question.

    A cell is split on ", "; a piece is an option when at least two answers hold it. Two
    pieces always found together, one right after the other, the second starting in lower
    case, are one option containing a comma (« Locaux, salles »). The answers support a
    checkbox question when at least two of them combine two options or more, nearly all
    (90 %) hold an option and at most one other text (the « Autre » answer), and the options
    move like ticks (one is first in a combination and later in another, or those found only
    after others are also ticked alone: not « town, country »).
    """
    cells = [str(c).strip() for c in cells if str(c).strip()]
    if len(cells) < 3 or not any(len(_pieces(c)) > 1 for c in cells):
        return None
    split = [_pieces(c) for c in cells]
    while True:  # merge pieces that only ever appear as "first, second"
        holders: dict[str, int] = {}
        for parts in split:
            for piece in set(parts):
                holders[piece] = holders.get(piece, 0) + 1
        pairs: dict[tuple[str, str], int] = {}
        for parts in split:
            for a, b in zip(parts, parts[1:]):
                pairs[(a, b)] = pairs.get((a, b), 0) + 1
        merge = next(
            (
                (a, b)
                for (a, b), n in pairs.items()
                if n == holders[a] == holders[b] and b[:1].islower()
            ),
            None,
        )
        if merge is None:
            break
        joined = f"{merge[0]}, {merge[1]}"
        for k, parts in enumerate(split):
            out, i = [], 0
            while i < len(parts):
                if parts[i : i + 2] == list(merge):
                    out.append(joined)
                    i += 2
                else:
                    out.append(parts[i])
                    i += 1
            split[k] = out
    options = {p for p, n in holders.items() if n >= 2}
    combined = sum(sum(p in options for p in parts) >= 2 for parts in split)
    made_of = sum(
        any(p in options for p in parts) and sum(p not in options for p in parts) <= 1
        for parts in split
    )
    if len(options) < 2 or combined < 2 or made_of < 0.9 * len(split):
        return None
    # ticked options come in the form's order: an option is first in one combination and
    # later in another, or an option found only after others is also ticked alone; in
    # « Texas, USA » a state is always first and « USA » always second, never alone
    first = {parts[0] for parts in split if len(parts) > 1}
    later = {p for parts in split if len(parts) > 1 for p in parts[1:]} & options
    alone = {parts[0] for parts in split if len(parts) == 1}
    if not (first & later) and not (later <= alone):
        return None
    return option_order(options)


def split_options(cell: str, options: list[str]) -> tuple[list[str], str | None]:
    """The options ticked in `cell` (longest options first, so that an option containing a
    comma stays whole) and the text left over (the « Autre » answer), or None."""
    rest, found = f", {str(cell).strip()}, ", []
    for option in sorted(options, key=len, reverse=True):
        pattern = rf"(?<=[,;] ){re.escape(option)}(?=[,;] )"
        if re.search(pattern, rest):
            found.append(option)
            rest = re.sub(pattern, "", rest)
    left = ", ".join(_pieces(re.sub(r"(\s*[,;]\s*)+", ", ", rest).strip(", ")))
    found.sort(key=options.index)
    return found, (left or None)


def with_checkboxes(form: Form, frame: pd.DataFrame, tight: bool = False) -> Form:
    """Turn inferred questions whose answers join recurring options into checkboxes, with
    an « autre » option and a ``<question>_autre`` text question when some answer holds
    text besides the options (`split_checkboxes` then splits the cells)."""
    questions, choices = form.questions.copy(), [form.choices]
    extra = []
    for i, q in form.questions.iterrows():
        if q["type"] not in ("text", "single") or q["label"] not in frame.columns:
            continue
        column = q["label"]
        options = learn_options([_spaced(c, tight) for c in frame[column].dropna().astype(str)])
        if options is None:
            continue
        qid = q["question_id"]
        has_other = any(
            split_options(_spaced(cell, tight), options)[1]
            for cell in frame[column].dropna().unique()
        )
        values = options + ([OTHER_VALUE] if has_other else [])
        labels = options + ([OTHER_LABEL] if has_other else [])
        questions.loc[i, ["type", "list_name"]] = ["multiple", qid]
        choices = [c[c["list_name"] != qid] for c in choices]
        choices.append(
            pd.DataFrame(
                {
                    "list_name": qid,
                    "value": values,
                    "label": labels,
                    "order": range(1, len(values) + 1),
                    "is_missing_code": [is_missing_code(o, o) for o in values],
                }
            )
        )
        if has_other:
            extra.append(question_row(f"{qid}_autre", f"{column} [{OTHER_LABEL}]", "text"))
    if extra:
        questions = pd.concat([questions, pd.DataFrame(extra)], ignore_index=True)
    return Form(
        form.file,
        form.title,
        form.language,
        conform(questions, "questions"),
        conform(pd.concat(choices, ignore_index=True), "choices"),
        inferred_anomalies(questions, form.file),
    )


def split_checkboxes(form: Form, frame: pd.DataFrame, tight: bool = False) -> pd.DataFrame:
    """The frame to read for checkbox questions learned from the data (`with_checkboxes`):
    each such column rewritten as its options joined by ", " (« Autre » added when text is
    left), the text left in a new column ``<header> [Autre]``. The input is not modified.

    Only multiple questions whose header is a column and whose ``<header> [Autre]``
    question has no column of its own are rewritten (a form read from a file is left alone).
    """
    labels = set(form.questions["label"])
    out = None
    for q in form.questions.itertuples():
        other = f"{q.label} [{OTHER_LABEL}]"
        if (
            q.type != "multiple"
            or q.label not in frame.columns
            or other not in labels
            or other in frame.columns
        ):
            continue
        sub = form.choices[form.choices["list_name"] == q.list_name]
        options = sub.loc[sub["value"] != OTHER_VALUE, "label"].tolist()
        raw = frame[q.label].to_numpy(dtype=object, na_value=None)
        parts = {
            cell: split_options(_spaced(cell, tight), options)
            for cell in set(raw)
            if cell is not None
        }
        out = frame.copy() if out is None else out
        out[q.label] = pd.array(
            [
                None
                if cell is None
                else ", ".join(parts[cell][0] + ([OTHER_LABEL] if parts[cell][1] else []))
                for cell in raw
            ],
            dtype="string",
        )
        out[other] = pd.array(
            [None if cell is None else parts[cell][1] for cell in raw], dtype="string"
        )
    return frame if out is None else out
