"""A Form guessed from the data alone, when no questionnaire definition is given.

Each column becomes a question whose type is read from its cells; headers of the form
``Question [option]`` sharing one question are grouped: tick-like cells (Oui/Non, Y,
1/0) make one ``multiple`` question, other cells one question per row of a grid.
Cells that read as an ordered scale (known wordings, numbers with or without labelled
ends: see `diagnostic.forms.scales`) make a ``likert`` question whose levels are ordered by
their meaning, the integers missing between two numbered levels included; non-answers
("ne sait pas", "don't know"…) are flagged and come last. Every guessed question is flagged
"unlabelled" in the anomalies, so nobody mistakes the guess for a real questionnaire.
"""

from __future__ import annotations

import re
from dataclasses import replace

import pandas as pd

from diagnostic._io.text import fold
from diagnostic.anomalies import KEPT, AnomalyLog
from diagnostic.forms.model import Form, choice_row, is_missing_code, question_row
from diagnostic.forms.scales import by_words, leading_number, scale_positions
from diagnostic.readers.columns import NOT_ASKED, TICKED, UNTICKED, norm_text
from diagnostic.readers.values import parse_date, parse_number, us_numbers
from diagnostic.schemas import conform

_BRACKET = re.compile(r"^(.*\S)\s*\[([^\]]+)\]\s*$")
_OTHER = {"autre", "other", "autres", "précisez", "other (please specify)"}
_MAX_CHOICES = 15
#: the name of a file a collection app attached to the answer (a photo, a recording, a
#: signature, a document: « 1568794395624.jpg »): one per respondent, never a choice
_FILE_NAME = re.compile(
    r"^[^\s/\\]+\.(?:jpe?g|png|gif|heic|heif|webp|bmp|tiff?|mp[34]|m4a|aac|wav|ogg|opus|amr|"
    r"3gp|mov|avi|webm|pdf|docx?|xlsx?|odt|csv|txt|zip)$",
    re.I,
)


def slug(text: str, taken: set[str]) -> str:
    """A short, readable, unique question id from a header ("Vous êtes venu:" -> vous_etes_venu).

    A header that is already a name (no space: an ODK or Kobo field with its group path,
    ``habitat-morphological_type_photo``) keeps every word: cut, two fields of one group
    would differ only by a number. A sentence keeps its first words, 30 characters at most."""
    words = re.findall(r"[a-z0-9]+", fold(text))
    base, out = "", []  # type: ignore[var-annotated]
    named = not re.search(r"\s", str(text).strip())
    for w in words:
        if not named and len("_".join(out + [w])) > 30:
            break
        out.append(w)
    base = "_".join(out) or "q"
    base = base if not base[0].isdigit() else f"q_{base}"
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}_{n}", n + 1
    taken.add(candidate)
    return candidate


def _present(frame: pd.DataFrame):
    """A function giving a column's cells that are not missing, as a list taken once."""
    taken: dict[str, list] = {}

    def values(col: str) -> list:
        if col not in taken:
            taken[col] = frame[col].dropna().tolist()
        return taken[col]

    return values


def _cells(values: list, not_asked: set[str]) -> list[str]:
    # each distinct value normalised once: a column repeats few values
    asked = {v for v in set(values) if norm_text(v) not in not_asked}
    return [str(v).strip() for v in values if v in asked]


def _guess_type(cells: list[str]) -> str:
    if not cells:
        return "text"
    numbers = [parse_number(c) is not None for c in cells]
    if any(numbers) and all(n or is_missing_code(c, c) for n, c in zip(numbers, cells)):
        return "numeric"  # numbers, and perhaps "dont_know" (a non-answer, not a number)
    if us_numbers(cells):
        return "numeric"
    if all(parse_date(c) is not None for c in cells):
        return "date"
    distinct = set(cells)
    real = [c for c in distinct if not is_missing_code(c, c)]
    if len(distinct) <= _MAX_CHOICES and len(real) >= 3 and by_words(real):
        return "likert"
    if _free_text(cells, distinct) or all(_FILE_NAME.match(c) for c in distinct):
        return "text"  # as an XLSForm ``image`` or ``file`` question is read
    if len(distinct) <= _MAX_CHOICES and len(distinct) <= max(2, len(cells) // 2):
        return "single"
    return "text"


_SENTENCE_END = re.compile(r"\w\s*[.!?…]$")


def _free_text(cells: list[str], distinct: set[str]) -> bool:
    """Answers written by each respondent rather than chosen from a list: sentences of
    three words or more on average, repeated little (at least one distinct answer for three
    answers); or, with a handful of answers, every answer different and some a sentence
    (« Hello World! »). Choice labels, however long, repeat."""
    words = sum(len(c.split()) for c in distinct) / len(distinct)
    if len(cells) >= 10 and len(distinct) >= 0.3 * len(cells) and words >= 3:
        return True
    return (
        len(cells) < 10
        and len(distinct) == len(cells)
        and any(len(c.split()) >= 2 and _SENTENCE_END.search(c) for c in distinct)
    )


def option_order(options) -> list[str]:
    """Options of a choice list inferred from the data, in a stable order that means
    something: by number when every option is a number (« 2 » before « 10 »), else by
    label (accents and case aside); non-answers (« Ne sait pas », « N/A »…) last."""
    options = list(dict.fromkeys(options))
    missing = [o for o in options if is_missing_code(o, o)]
    real = [o for o in options if o not in missing]
    numbers = {o: parse_number(o) for o in real}
    if real and all(n is not None for n in numbers.values()):
        real.sort(key=lambda o: (float(numbers[o]), o))  # type: ignore[arg-type]
    else:
        real.sort(key=lambda o: (fold(o), o))
    return real + sorted(missing, key=lambda o: (fold(o), o))


def _in_order(cells: set[str]) -> list[str]:
    """The answers of a single-choice question: in the order their meaning gives (classes
    « Moins de 5 ans », « De 5 à 9 ans »…), else in text order; non-answers last."""
    missing = sorted(c for c in cells if is_missing_code(c, c))
    real = [c for c in cells if c not in missing]
    positions = scale_positions(real)
    return (
        sorted(real, key=lambda c: (positions[c], c)) if positions else option_order(real)
    ) + missing


#: A class of values rather than one level: « 15 à 29 ans », « de 5 à 9 », « 18-24 ».
_RANGE = re.compile(r"\d\s*(?:à|a|-|–|to)\s*\d", re.IGNORECASE)


def _levels(cells: set[str]) -> list[str]:
    """The levels of a scale read from its cells, lowest first, non-answers last; integers
    missing between two numbered levels (nobody chose 4) are levels too, unless the levels
    are classes (« 15 à 29 ans », « 30 à 44 ans »: 16 is not one of them)."""
    missing = sorted(c for c in cells if is_missing_code(c, c))
    real = [c for c in cells if c not in missing]
    numbers = [leading_number(c) for c in real]
    whole = [int(n) for n in numbers if n is not None and n == int(n)]
    if len(whole) >= 2 and not any(_RANGE.search(c) for c in real):
        real += [str(n) for n in range(min(whole), max(whole) + 1) if n not in set(whole)]
    positions = scale_positions(real) or {}
    return sorted(real, key=lambda c: (positions.get(c, 0.0), c)) + missing


#: A header made unique by the reader (« Autre (2) ») or by R's readr (« Autre...19 »).
_DEDUPED = re.compile(r"\s*\(\d+\)$|\.\.\.\d+$")


def option_label(header: str, headers) -> str:
    """The option a tick column stands for: its header without the suffix that made it
    unique (« Autre (2) », « Autre...19 » -> « Autre »)."""
    base = _DEDUPED.sub("", header)
    return base if base and (base in headers or _DEDUPED.search(header)) else header


def tick_runs(frame: pd.DataFrame, columns, not_asked, starts=(), values=None) -> list[list[str]]:
    """Runs of adjacent columns holding only a cross (« X ») or nothing: the options of a
    checkbox question exported one column per option under the options' own headers
    (Drupal Webform / Framaforms, hand-made tables). A column of `starts` (the first option
    of a question, named on a line above the header) begins a new run. A run holds at least
    two crossed columns; never-crossed columns at its end are left out. `values`: a
    column's cells that are not missing (`_present`)."""
    values = values or _present(frame)
    runs, current = [], []  # type: ignore[var-annotated]

    def crossed(col) -> bool:
        return any(norm_text(v) == "x" for v in values(col))

    def close():
        while current and not crossed(current[-1]):
            current.pop()
        if sum(crossed(c) for c in current) >= 2:
            runs.append(current.copy())
        current.clear()

    for col in columns:
        cells = {norm_text(v) for v in set(values(col))} - set(not_asked)
        if cells <= {"x"}:
            if col in starts:
                close()
            if current or cells or col in starts:  # a run starts on a cross
                current.append(col)
        else:
            close()
    close()
    return runs


_CODES = re.compile(r"^[a-z][a-z0-9_]*( [a-z][a-z0-9_]*)*$")
_MAX_CODES = 40


def space_joined_codes(cells: list[str]) -> list[str] | None:
    """The choice codes of a select_multiple exported without its form (Kobo, ODK): every
    answer is lower-case codes joined by spaces (``farmer miner carpenter``), some answer
    joins several, and codes recur. None otherwise."""
    if not cells or not all(_CODES.match(c) for c in cells):
        return None
    split = [c.split() for c in cells]
    if sum(len(parts) > 1 for parts in split) < 1:
        return None
    rows_of: dict[str, set[int]] = {}
    for i, parts in enumerate(split):
        for code in parts:
            rows_of.setdefault(code, set()).add(i)
    recurring = {code for code, rows in rows_of.items() if len(rows) >= 2}
    if len(rows_of) > _MAX_CODES or len(recurring) < max(2, len(rows_of) / 2):
        return None
    # some answer joins codes that other answers hold too
    if not any(sum(code in recurring for code in parts) >= 2 for parts in split):
        return None
    # an answer given several times whose words are found nowhere else is one answer of
    # several words (« dont know »), not codes
    rows_of_cell: dict[str, set[int]] = {}
    for i, cell in enumerate(cells):
        rows_of_cell.setdefault(cell, set()).add(i)
    for cell, rows in rows_of_cell.items():
        words = cell.split()
        if len(words) > 1 and len(rows) >= 2 and all(rows_of[w] == rows for w in words):
            return None
    return option_order(rows_of)


def infer_form(
    frame: pd.DataFrame, file: str, *, meta=(), not_asked=(), groups: dict | None = None
) -> Form:
    """Guess the questions of an export that comes without its questionnaire.

    Parameters
    ----------
    frame : DataFrame
        The export (raw headers, cells as strings).
    file : str
        Name of the export, for the anomalies.
    meta : iterable of str
        Columns that are not questions.
    not_asked : iterable of str
        Cells meaning "not asked" (LimeSurvey's ``N/A``).
    groups : dict, optional
        Column -> the question's text written above it on a line over the header (a
        Webform export names each checkbox question above its first option column).

    Returns
    -------
    Form
        Questions with ids made from the headers and labels equal to the headers.
    """
    # imported here: the readers package imports this module
    not_asked = set(NOT_ASKED) | {norm_text(v) for v in not_asked}
    taken: set[str] = set()
    columns = [c for c in frame.columns if c not in set(meta)]
    bracketed: dict[str, list[tuple[str, str]]] = {}
    for col in columns:
        match = _BRACKET.match(col)
        if match:
            bracketed.setdefault(match.group(1), []).append((match.group(2), col))
    plain = {col for col in columns if not _BRACKET.match(col)}
    questions: list[dict] = []
    choices: list[dict] = []
    done: set[str] = set()
    # Kobo/ODK option columns of a select_multiple exported without its answer column:
    # ``HHITEMS/Computer``, ``HHITEMS/Radio``… holding 0/1
    slashed: dict[str, list[tuple[str, str]]] = {}
    for col in columns:
        stem, _sep, option = col.rpartition("/")
        if stem and option and stem not in plain:
            slashed.setdefault(stem, []).append((option, col))
    values = _present(frame)  # each column read once, whichever test asks first
    ticked_or_not: dict[str, bool] = {}

    def ticks(col: str) -> bool:
        """The column holds only ticks, unticks or « not asked » (asked once per column)."""
        if col not in ticked_or_not:
            cells = {norm_text(v) for v in set(values(col))}
            ticked_or_not[col] = cells <= TICKED | UNTICKED | not_asked
        return ticked_or_not[col]

    ticks_only = lambda cols: all(ticks(c) for c in cols)  # noqa: E731
    slashed = {
        stem: subs
        for stem, subs in slashed.items()
        if len(subs) >= 2 and ticks_only([c for _o, c in subs])
    }
    first_of = {subs[0][1]: stem for stem, subs in slashed.items()}
    groups = groups or {}
    runs = {
        run[0]: run
        for run in tick_runs(frame, [c for c in columns if c in plain], not_asked, groups, values)
    }

    def add(qid, label, qtype, cells, col):
        list_name = None
        if qtype in ("single", "likert", "multiple"):
            list_name = qid
            for order, value in enumerate(
                _levels(set(cells)) if qtype == "likert" else _in_order(set(cells)), 1
            ):
                choices.append(choice_row(qid, value, value, order))
        questions.append(question_row(qid, label, qtype, list_name))

    for col in columns:
        if col in done:
            continue
        if col in runs:  # one multiple question for a run of « X » columns
            run = runs[col]
            labels = [option_label(c, frame.columns) for c in run]
            stem = groups.get(col) or " / ".join(labels[:3]) + (" / …" if len(run) > 3 else "")
            qid = slug(stem, taken)
            for order, (option, label) in enumerate(zip(run, labels), 1):
                # the value is the header itself: `map_columns` finds the column by it
                choices.append(choice_row(qid, option, label, order))
            questions.append(question_row(qid, stem, "multiple", qid))
            done.update(run)
            continue
        if col in first_of:  # one multiple question for the option columns of its stem
            stem = first_of[col]
            qid = slug(stem, taken)
            for order, (option, _col) in enumerate(slashed[stem], 1):
                choices.append(choice_row(qid, option, option, order))
            questions.append(question_row(qid, stem, "multiple", qid))
            done.update(c for _o, c in slashed[stem])
            continue
        match = _BRACKET.match(col)
        stem = match.group(1) if match else None
        if stem and stem in bracketed and stem not in done:
            subs = [s for s in bracketed[stem] if not (stem in plain and norm_text(s[0]) in _OTHER)]
            if subs and ticks_only([c for _s, c in subs]):
                qid = slug(stem, taken)
                for order, (sub, _col) in enumerate(subs, 1):
                    choices.append(choice_row(qid, slug(sub, set()), sub, order))
                questions.append(question_row(qid, stem, "multiple", qid))
                done.update(c for _s, c in subs)
            done.add(stem)
            if col in done:
                continue
        if stem and stem in plain and norm_text(match.group(2)) in _OTHER:  # type: ignore[union-attr]
            continue  # "Question [Autre]": the text of the "other" choice, added below
        cells = _cells(values(col), not_asked)
        qid = slug(col, taken)
        codes = space_joined_codes(cells)
        # the option columns Kobo adds beside the answer (``q/code``, ``q.code``), one per
        # choice of the list, ticked or not: they make the question multiple and complete
        # its list
        options = {
            c: c[len(col) + 1 :]
            for c in columns
            if c[: len(col) + 1] in (f"{col}/", f"{col}.")
            and _CODES.match(c[len(col) + 1 :])
            and " " not in c[len(col) + 1 :]
            and ticks(c)
        }
        if codes is not None or len(options) >= 2:
            if codes is None and all(_CODES.match(c) for c in cells):
                codes = [t for c in cells for t in c.split()]
            add(qid, col, "multiple", option_order([*(codes or ()), *options.values()]), col)
            done.update(options)
        else:
            add(qid, col, _guess_type(cells), cells, col)
        for sub, other_col in bracketed.get(col, []):
            if norm_text(sub) in _OTHER:
                questions.append(question_row(f"{qid}_other", other_col, "text"))
                done.add(other_col)
    questions = conform(pd.DataFrame(questions), "questions")
    return Form(
        file,
        file,
        None,
        questions,
        conform(pd.DataFrame(choices), "choices"),
        inferred_anomalies(questions, file),
    )


_GUESSED = "question sans formulaire (« unlabelled ») : type « "


def inferred_anomalies(
    questions: pd.DataFrame, file: str, names: dict[str, str] | None = None
) -> pd.DataFrame:
    """The `anomalies` of a form inferred from the data: one line per type guessed, with
    the number of questions and the first few of them (not one line per column). Each
    question is named by its label, or by its column in `names` (question_id -> header)."""
    names = names or {}
    log = AnomalyLog(file)
    for qid, label, qtype in zip(questions["question_id"], questions["label"], questions["type"]):
        log.add(
            f"{_GUESSED}{qtype} » déduit des réponses",
            KEPT,
            column=names.get(qid, label),
            across_columns=True,
        )
    return log.frame()


def with_current_types(form: Form, names: dict[str, str]) -> Form:
    """`form` whose lines "type « … » déduit des réponses" say the type each question has now.

    A question of an inferred form may change type after the guess (a personal column set
    aside is read as text): the lines are written again from `form.questions`, in place of
    the old ones, each question named by its column in `names` (question_id -> header), so
    that `inspect` and the anomalies state one type per question. A form without such lines
    (read from a file) is returned as is.
    """
    anomalies = form.anomalies
    guessed = anomalies["problem"].astype("string").str.startswith(_GUESSED).fillna(False)
    if not guessed.any():
        return form
    first = int(guessed.to_numpy().argmax())
    before, after = anomalies.iloc[:first], anomalies.iloc[first:][~guessed.iloc[first:]]
    fresh = inferred_anomalies(form.questions, form.file, names)
    return replace(form, anomalies=pd.concat([before, fresh, after], ignore_index=True))
