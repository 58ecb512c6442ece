"""Map export headers to the form's questions: the one place raw headers become ids.

Platforms name columns differently: ``grp/q``, ``grp.q``, ``grp-q`` (ODK Central), ``q``,
``code. Question text`` and ``Q1[SQ001]`` (LimeSurvey), the question label itself (label
exports, Google Forms). Multi-select split columns add the option: ``q/opt``, ``q.opt``,
``q_opt``, ``Q[opt]``, ``Q[3]`` (LimeSurvey's position), ``Label [Option label]``. A column
is taken as an option column only when its option is in the question's choice list and its
cells look like ticks, never by its name pattern alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd

from diagnostic.forms.model import Form
from diagnostic.schemas import columns as schema_columns
from diagnostic.schemas import conform

#: Cells of an option column: ticked, not ticked, not asked.
TICKED = {"1", "true", "vrai", "oui", "yes", "y", "x", "coché", "checked"}
UNTICKED = {"0", "false", "faux", "non", "no", "n"}
NOT_ASKED = {"n/a", "na", "-", ""}
_LS_CODE = re.compile(r"^([A-Za-z][\w]*(?:\[[^\]]*\])*)\.\s")
_SEPARATORS = re.compile(r"[/.\-:]")
#: LimeSurvey's code heading of a row of a dual-scale array: ``Q1[SQ001][1]``, the scale
#: counted from 1 (``viewHelper::getFieldCode``), i.e. the variable ``Q1_SQ001_0``.
_DUAL_SCALE = re.compile(r"^([^\[\]]+)\[([^\]]+)\]\[(\d)\]$")


_SPACES = re.compile(r"\s+")


def norm_text(text) -> str:
    """Compare texts loosely: case, spaces, non-breaking spaces and stray braces aside."""
    text = str(text).replace("\xa0", " ").replace("}", "").replace("{", "")
    return _SPACES.sub(" ", text).strip().casefold()


def _code_key(code: str) -> str:
    """``grp.q`` / ``grp-q`` / ``Q1[SQ001]`` -> ``grp/q`` / ``grp/q`` / ``q1_sq001``;
    ``Q1[SQ001][2]`` (second scale of a dual-scale array) -> ``q1_sq001_1``."""
    dual = _DUAL_SCALE.match(code.strip())
    if dual:
        code = f"{dual.group(1)}_{dual.group(2)}_{int(dual.group(3)) - 1}"
    code = re.sub(r"\[([^\]]*)\]", r"_\1", code.strip())
    return _SEPARATORS.sub("/", code).casefold()


def header_keys(column: str) -> set[str]:
    """Every name a header may stand for (normalised)."""
    keys = {_code_key(column), norm_text(column)}
    match = _LS_CODE.match(column)
    if match:
        keys.add(_code_key(match.group(1)))
    return keys


@dataclass
class ColumnMap:
    """Which column holds which question (and which option of a multi-select).

    `how` says how a column was recognised: (``code`` | ``label`` | ``full_text`` |
    ``abbreviated`` | ``fuzzy``, score 0-100); `notes`, in French, why a column left
    unmatched was left out.
    """

    single: dict = field(default_factory=dict)  # question_id -> column
    split: dict = field(default_factory=dict)  # question_id -> {choice value -> column}
    ranks: dict = field(default_factory=dict)  # question_id -> {rank (1, 2…) -> column}
    how: dict = field(default_factory=dict)  # column -> (match, score)
    notes: dict = field(default_factory=dict)  # column -> problem, for columns left out

    def used(self) -> set[str]:
        return set(self.single.values()) | {
            c for m in (*self.split.values(), *self.ranks.values()) for c in m.values()
        }

    def table(self, headers, meta=()) -> pd.DataFrame:
        """The ``column_map`` table: one row per header, in the file's order."""
        where = {c: (q, None, None) for q, c in self.single.items()}
        where.update({c: (q, v, None) for q, m in self.split.items() for v, c in m.items()})
        where.update({c: (q, None, r) for q, m in self.ranks.items() for r, c in m.items()})
        rows = []
        for col in headers:
            qid, option, rank = where.get(col, (None, None, None))
            match, score = (
                self.how.get(col, ("code", 100.0))
                if qid
                else (("meta" if col in meta or col.startswith("_") else "none"), None)
            )
            rows.append(
                {
                    "column": col,
                    "question_id": qid,
                    "option": option,
                    "rank": rank,
                    "match": match,
                    "score": score,
                }
            )
        return conform(pd.DataFrame(rows, columns=schema_columns("column_map")), "column_map")


def looks_ticked(frame: pd.DataFrame, column: str, distinct=None) -> bool:
    """True when the cells of `column` are all ticks, blanks or "not asked".

    `distinct`, when given, holds the column's distinct non-empty cells (read once)."""
    cells = frame[column].dropna().unique() if distinct is None else distinct
    values = {norm_text(v) for v in cells}
    return values <= TICKED | UNTICKED | NOT_ASKED


def map_columns(frame: pd.DataFrame, form: Form, ignore=(), distinct=None) -> ColumnMap:
    """Map the columns of `frame` to the questions of `form`.

    Parameters
    ----------
    frame : DataFrame
        The export, one column per header.
    form : Form
        The questionnaire.
    ignore : iterable of str
        Meta columns that never hold answers.
    distinct : dict, optional
        Column -> its distinct non-empty cells, when the reader has them already.

    Returns
    -------
    ColumnMap
    """
    columns = [c for c in frame.columns if c not in set(ignore)]
    lookup: dict[str, str] = {}
    for col in columns:
        for key in header_keys(col):
            lookup.setdefault(key, col)
    question_ids = {_code_key(q) for q in form.questions["question_id"]}
    out, taken = ColumnMap(), set()
    for q in form.questions.itertuples():
        path = f"{q.group}/{q.question_id}" if q.group else q.question_id
        for key, how in (
            (_code_key(path), "code"),
            (_code_key(q.question_id), "code"),
            (norm_text(q.label), "label"),
        ):
            col = lookup.get(key)
            if col and col not in taken:
                out.single[q.question_id] = col
                out.how[col] = (how, 100.0)
                taken.add(col)
                break
    for q in form.questions.itertuples():
        if q.type != "multiple" or not isinstance(q.list_name, str):
            continue
        path = f"{q.group}/{q.question_id}" if q.group else q.question_id
        options = form.choices[form.choices["list_name"] == q.list_name].sort_values("order")
        found = {}
        for position, (value, label) in enumerate(zip(options["value"], options["label"]), 1):
            keys = []
            for stem in dict.fromkeys((_code_key(path), _code_key(q.question_id))):
                keys += [f"{stem}/{_code_key(value)}", f"{stem}_{_code_key(value)}"]
                if not options["value"].eq(str(position)).any():
                    keys.append(f"{stem}_{position}")
            keys = [(k, "code") for k in keys] + [  # type: ignore[assignment]
                (norm_text(f"{q.label} [{label}]"), "label"),
                (norm_text(f"{q.label}/{label}"), "label"),
                # a question inferred from the data is named by its header: ``grp.q``
                (_code_key(f"{q.label}/{value}"), "label"),
            ]
            if q.question_id not in out.single:
                # options inferred from a run of tick columns are named by their headers
                keys.append((norm_text(value), "label"))  # type: ignore[arg-type]
            for key, how in keys:  # type: ignore[str-unpack]
                col = lookup.get(key)
                # `q_opt` may be a question of its own: then it is not an option column
                if (
                    col
                    and col not in taken
                    and key not in question_ids
                    and looks_ticked(frame, col, (distinct or {}).get(col))
                ):
                    found[value] = col
                    out.how[col] = (how, 100.0)
                    break
        if found:
            out.split[q.question_id] = found
            taken.update(found.values())
    _map_ranks(form, lookup, out, taken)
    return out


def _map_ranks(form: Form, lookup: dict, out: ColumnMap, taken: set) -> None:
    """The columns of rankings answered in one column per rank (`Form.ranks`):
    ``Q1[1]``/``Q1_1`` (LimeSurvey), ``grp/rnk/level`` or ``level`` (Kobo rank levels)."""
    questions = form.questions.set_index("question_id")
    for qid, levels in (form.ranks or {}).items():
        if qid not in questions.index or qid in out.single:
            continue
        group = questions.at[qid, "group"]
        path = f"{group}/{qid}" if isinstance(group, str) and group else qid
        found = {}
        for position, level in enumerate(levels, start=1):
            keys = [
                f"{_code_key(stem)}{sep}{_code_key(level)}"
                for stem in dict.fromkeys((path, qid))
                for sep in ("_", "/")
            ]
            if not level.isdigit():  # a named level may stand alone (no group in headers)
                keys.append(_code_key(level))
            col = next((lookup[k] for k in keys if lookup.get(k) not in (None, *taken)), None)
            if col:
                found[position] = col
                out.how[col] = ("code", 100.0)
        if found:
            out.ranks[qid] = found
            taken.update(found.values())
