"""The Données sheet: one row per actor, one column per question, answers as labels."""

from __future__ import annotations

import weakref
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd

from diagnostic._io.atomic import write_csv_parts
from diagnostic._io.progress import bar
from diagnostic.analysis.labels import relabel, role_labels
from diagnostic.export.cells import (
    HEADER_FILL,
    NOTE,
    QUOTED,
    inert,
    is_live,
    plain,
    put,
    sheet_rows,
    write_title,
)
from diagnostic.i18n import text
from diagnostic.i18n.workbook import sheet_name, word
from diagnostic.privacy.disclosure import COMMUNE, EPCI, public_of, public_sectors, type_words
from diagnostic.privacy.masking import public_answers
from diagnostic.schemas import question_rows, question_runs

#: Rows of an Excel sheet; beyond, the data continue on « Données (2) », « Données (3) »…
ROW_LIMIT = 1_048_576
#: Roles that never reach the workbook as columns (personal, or shown apart).
_HIDDEN_ROLES = ("actor_name", "contact", "commune", "actor_type")
_NOTES_ROWS = 4  # title, two notes, blank line
#: Above this many cells (actors × columns), the answers leave the funder workbook for a
#: CSV file of their own beside it (`annex_path`): xlsxwriter writes some 200,000 cells a
#: second, so that a larger sheet would cost the run more than reading the exports did,
#: and a synthesis workbook of millions of cells opens slowly for a reader who seldom
#: needs them. 100,000 cells, half a second of writing: a territory's survey (a few
#: hundred actors answering a hundred questions) keeps its sheet; 5,000 actors answering
#: 120 questions (600,000 cells, 3 s, six times the parse of their export) get the annex.
ANNEX_ABOVE = 100_000


@dataclass(frozen=True)
class LoadedData:
    """What the data annex reads of a diagnostic, all known once the answers are loaded,
    before any analysis (`run_diagnostic`'s ``loaded`` hook): `write_annex` and `in_annex`
    take it as they take a `Diagnostic`."""

    questions: pd.DataFrame
    choices: pd.DataFrame
    actors: pd.DataFrame
    personal: pd.DataFrame
    answers: pd.DataFrame
    epci: pd.DataFrame
    settings: object


def data_table(diag, audience: str = "funder", public=None) -> pd.DataFrame:
    """Answers wide and readable: one row per actor, choice labels instead of codes.

    Multiple choices are joined with « ; » in the form's order, the options of a ranking
    with « > » in rank order (first ranked first); free text is masked
    (`mask_text`: e-mails, phones, numbers, addresses, names, and each respondent's own
    name, structure and contacts); personal questions are left out.

    But for the consultant, the rows are those of the public view of the actors
    (`diagnostic.privacy.disclosure`): withheld actors left out, small types as « autres »,
    a generalised place as « Autres communes de <EPCI> » or « Autres communes ».

    Returns
    -------
    DataFrame
        actor_id, actor_type (label), commune_code, then one column per public question
        (named by its question_id, in the form's order); numeric answers as numbers.
    """
    questions = diag.questions[~diag.questions["role"].isin(_HIDDEN_ROLES)]
    answers = public_answers(diag.answers, diag.questions, getattr(diag, "personal", None))
    answers = answers[question_rows(answers, questions["question_id"])]
    lists = answers["question_id"].map(dict(zip(questions["question_id"], questions["list_name"])))
    choices = diag.choices.assign(order=diag.choices.groupby("list_name").cumcount())
    keyed = answers.assign(list_name=lists).merge(
        choices[["list_name", "value", "label", "order"]], on=["list_name", "value"], how="left"
    )
    keyed["text"] = keyed["label"].fillna(keyed["value"]).astype("string")
    types = role_labels(diag.questions, diag.choices, "actor_type")
    base = diag.actors[["actor_id", "actor_type", "commune_code"]]
    if audience != "consultant":
        if public is None:
            base, types = _public_base(diag), type_words(diag)
        else:  # (base, types) of the whole survey: this part's actors in its order
            base, types = public[0], public[1]
            base = base[base["actor_id"].isin(set(diag.actors["actor_id"]))]
    base = base.assign(actor_type=lambda f: relabel(f["actor_type"], types)).reset_index(drop=True)
    answered = set(keyed["question_id"].unique())
    columns = [q for q in questions["question_id"] if q in answered]
    out = pd.concat([base, _pivot(keyed, base["actor_id"], columns)], axis=1)
    if audience != "consultant":  # sector beside type and place: a quasi-identifier too
        sectors = [
            q for q in questions.loc[questions["role"] == "sector", "question_id"] if q in out
        ]
        if public is not None and len(public) > 2:  # a part: the whole survey's sectors
            for q in sectors:
                out[q] = pd.array(out["actor_id"].map(public[2][q]), dtype="string")
        else:
            out = public_sectors(
                out,
                sectors,
                diag.settings.min_group_size,
                text("privacy.other_sector", diag.settings.language),
            )
    once = questions["repeat"].isna() if "repeat" in questions.columns else True
    # a repeat group's numbers stay text: « 34 ; 51 » is one cell for two employees
    for q in questions.loc[(questions["type"] == "numeric") & once, "question_id"]:
        if q in out.columns:
            out[q] = pd.to_numeric(out[q].str.replace(",", ".", regex=False), errors="coerce")
    return out.reset_index(drop=True)


def _pivot(keyed: pd.DataFrame, actor_ids: pd.Series, columns: list) -> pd.DataFrame:
    """One row per actor of `actor_ids` (in its order), one column per question of
    `columns`: each actor's text answers to the question, a repeat group's in the order of
    its rows (member 1 ; member 2 …), a ranking's options in rank order (« a > b > c »),
    several choices in the form's order joined with « ; »; blank where none.

    Placed by numpy indexing into one grid, the answers sorted once by (actor, question,
    instance, order): no sort, unstack and merge of frames of text."""
    dtype = keyed["text"].dtype
    rows = pd.Index(actor_ids).get_indexer(keyed["actor_id"])
    cols = pd.Index(columns).get_indexer(keyed["question_id"])
    ranked = (
        keyed["rank"].notna().to_numpy(dtype=bool)
        if "rank" in keyed.columns
        else np.zeros(len(keyed), dtype=bool)
    )
    order = np.where(
        ranked,
        keyed["rank"].to_numpy(dtype=float, na_value=np.nan) if "rank" in keyed else 0.0,
        keyed["order"].to_numpy(dtype=float, na_value=np.nan),
    )
    instance = (
        keyed["instance"].to_numpy(dtype=float, na_value=np.nan)
        if "instance" in keyed.columns
        else np.zeros(len(keyed))
    )
    sort = np.lexsort((order, instance, cols, rows))  # stable; NaN last, as sort_values
    sort = sort[rows[sort] >= 0]  # answers of actors not in the table (withheld) left out
    r, c = rows[sort], cols[sort]
    texts = keyed["text"].to_numpy(dtype=object, na_value=None)[sort]
    grid = np.full((len(actor_ids), len(columns)), None, dtype=object)
    if len(sort):
        new = np.r_[True, (r[1:] != r[:-1]) | (c[1:] != c[:-1])]
        starts = np.flatnonzero(new)
        sizes = np.diff(np.r_[starts, len(sort)])
        single = starts[sizes == 1]
        grid[r[single], c[single]] = texts[single]
        firsts = ranked[sort]
        for a, n in zip(starts[sizes > 1].tolist(), sizes[sizes > 1].tolist()):
            sep = " > " if firsts[a] else " ; "
            grid[r[a], c[a]] = sep.join(texts[a : a + n])
    return pd.DataFrame(
        {q: pd.array(grid[:, j], dtype=dtype) for j, q in enumerate(columns)},
        index=pd.RangeIndex(len(actor_ids)),
    )


def _whole_survey(diag, questions) -> tuple:
    """(base, type words, sector question -> actor_id -> published sector): the public
    view of the whole survey, for a data annex built part by part."""
    base = _public_base(diag)
    sectors = questions.loc[questions["role"] == "sector", "question_id"].tolist()
    answers = diag.answers[diag.answers["question_id"].isin(set(sectors))]
    lists = dict(zip(questions["question_id"], questions["list_name"]))
    labels = {(r.list_name, r.value): r.label for r in diag.choices.itertuples()}
    frame = base.copy()
    for q in sectors:
        mine = answers[answers["question_id"] == q].drop_duplicates("actor_id")
        said = {
            a: labels.get((lists.get(q), v), v) for a, v in zip(mine["actor_id"], mine["value"])
        }
        frame[q] = pd.array(frame["actor_id"].map(said), dtype="string")
    lang = diag.settings.language
    frame = public_sectors(
        frame, sectors, diag.settings.min_group_size, text("privacy.other_sector", lang)
    )
    shown = {q: dict(zip(frame["actor_id"], frame[q])) for q in sectors}
    return base, type_words(diag), shown


def _public_base(diag) -> pd.DataFrame:
    """actor_id, actor_type (merged), commune_code (or the generalised place in words)."""
    public = public_of(diag).actors
    lang = diag.settings.language
    epci = dict(zip(diag.epci["epci_code"], diag.epci["name"]))
    place = [
        c
        if level == COMMUNE
        else text("privacy.other_communes_of", lang, epci=epci.get(e, e))
        if level == EPCI
        else text("privacy.other_communes", lang)
        for c, e, level in zip(public["commune_code"], public["epci_code"], public["place_level"])
    ]
    return public[["actor_id", "actor_type"]].assign(commune_code=pd.array(place, dtype="string"))


def annex_path(workbook) -> Path:
    """The data annex of the workbook `workbook`: ``<name>_donnees.csv`` beside it."""
    workbook = Path(workbook)
    return workbook.with_name(f"{workbook.stem}_donnees.csv")


#: id of an answers table → the questions it answers, dropped with the table
_ANSWERED: dict[int, frozenset] = {}


def _answered(answers: pd.DataFrame) -> frozenset:
    """The question ids `answers` holds (looked for once per table, from its runs of
    questions: `question_runs`)."""
    key = id(answers)
    if key not in _ANSWERED:
        runs = question_runs(answers)
        _ANSWERED[key] = frozenset(
            answers["question_id"].unique() if runs is None else runs[2].tolist()
        )
        weakref.finalize(answers, _ANSWERED.pop, key, None)
    return _ANSWERED[key]


def data_size(diag) -> tuple[int, int]:
    """(rows, columns) of the data table (`data_table`), counted without building it."""
    questions = diag.questions[~diag.questions["role"].isin(_HIDDEN_ROLES)]
    answered = _answered(diag.answers)
    return len(diag.actors), 3 + int(questions["question_id"].isin(answered).sum())


def in_annex(diag, limit: int | None = None) -> bool:
    """Whether the answers go to the data annex rather than to the Données sheet: more
    than `limit` cells (`ANNEX_ABOVE` by default)."""
    rows, columns = data_size(diag)
    return rows * columns > (ANNEX_ABOVE if limit is None else limit)


def annex_note(diag, workbook, limit: int | None = None) -> list[str]:
    """The Méthode sheet's sentence about the data annex (none when there is no annex)."""
    if not in_annex(diag, limit):
        return []
    limit = ANNEX_ABOVE if limit is None else limit
    n = lambda k: f"{k:,}".replace(",", "\u202f")  # noqa: E731
    return [
        word(
            "data_annex",
            diag.settings.language,
            rows=n(len(diag.actors)),
            limit=n(limit),
            file=annex_path(workbook).name,
        )
    ]


#: Actors per part of the data annex: its table is built and written a part at a time, so
#: that the long answers of 50,000 actors are never all pivoted at once in memory.
ANNEX_PART = 5_000


def write_annex(diag, path, part: int | None = None, audience: str = "funder") -> Path:
    """Write the data annex: the Données sheet's header row and rows as a UTF-8 CSV file
    (atomically), each cell as the sheet holds it (`plain`), text that would start a
    formula with an apostrophe (`inert`); returns its path.

    Built `part` actors at a time (`ANNEX_PART`): the same rows, in the same order, with
    the same columns as `data_table` gives for all actors at once.
    """
    part = part or ANNEX_PART
    questions = diag.questions[~diag.questions["role"].isin(_HIDDEN_ROLES)]
    answered = _answered(diag.answers)
    columns = ["actor_id", "actor_type", "commune_code"] + [
        q for q in questions["question_id"] if q in answered
    ]
    actor_of = diag.answers["actor_id"]
    ids = pd.Index(diag.actors["actor_id"])
    # each answer's actor as its row in `diag.actors`, found once (-1: no such actor): a
    # part's answers are then a range of rows, not millions of ids looked up again
    where = ids.get_indexer(actor_of) if ids.is_unique else None
    personal = getattr(diag, "personal", None)
    # the personal fields likewise: a part masks its own actors' names, not 50,000 actors'
    personal_where = (
        ids.get_indexer(personal["actor_id"])
        if where is not None and personal is not None and len(personal)
        else None
    )
    # places and types generalised over the whole survey, never over a part of it
    public = None if audience == "consultant" else _whole_survey(diag, questions)
    # each part's answers, in the table's order: the answers sorted once, stably, by the
    # number of their part (a few distinct numbers: a linear sort), then cut in ranges,
    # instead of a mask over every answer for each part
    runs = _part_runs(where, part) if where is not None else None

    def parts():
        for k, start in enumerate(range(0, max(len(diag.actors), 1), part)):
            actors = diag.actors.iloc[start : start + part]
            if runs is not None:
                order, bounds = runs
                mine = order[bounds[k] : bounds[k + 1]]
            else:
                mine = np.flatnonzero(
                    actor_of.isin(set(actors["actor_id"])).to_numpy(dtype=bool, na_value=False)
                )
            sub = replace(diag, actors=actors, answers=diag.answers.take(mine))
            if personal_where is not None:
                theirs = (personal_where >= start) & (personal_where < start + part)
                sub = replace(sub, personal=personal[theirs])
            table = data_table(sub, audience, public)
            yield _annex_cells(table.reindex(columns=columns), diag.settings.language)

    return write_csv_parts(parts(), path)


def _part_runs(where: np.ndarray, part: int) -> tuple[np.ndarray, np.ndarray]:
    """(positions, bounds): the positions of the answers sorted by the part of their actor
    (`where`: the actor's row, -1 for none: in no part), in their own order within a part;
    part k's are ``positions[bounds[k]:bounds[k + 1]]``."""
    number = np.where(where >= 0, where // part, -1)
    parts = int(number.max(initial=-1)) + 1
    small = np.int16 if parts < 2**15 else np.int64  # a radix sort for small numbers
    order = np.argsort(number.astype(small), kind="stable")
    bounds = np.searchsorted(number[order], np.arange(parts + 1), side="left")
    return order, bounds


def _annex_cells(table: pd.DataFrame, lang: str) -> pd.DataFrame:
    """`table` as the annex writes it: headers as in the sheet, cells `plain` and `inert`."""
    ids = word("data_ids", lang)
    cells = {}
    for col in table.columns:
        s = table[col]
        if pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s):
            finite = np.isfinite(s.to_numpy(dtype=float, na_value=np.nan))
            cells[ids.get(col, col)] = s.where(finite)  # as in the sheet: no infinity
            continue
        codes, uniques = pd.factorize(s)  # each distinct text cleaned once
        values = np.array([inert(plain(u)) for u in uniques] + [None], dtype=object)
        cells[ids.get(col, col)] = values[codes]
    return pd.DataFrame(cells, index=table.index)


def write_data(
    book, diag, source: str, audience: str = "funder", annex=None, limit: int | None = None
) -> list[str]:
    """Add « Données » at the end of the workbook (continuation sheets after it if needed);
    above `limit` cells, write the data annex to `annex` instead (`write_annex`).

    Returns the names of the sheets written.
    """
    lang = diag.settings.language
    if annex is not None and in_annex(diag, limit):
        write_annex(diag, annex, audience=audience)
        return []
    table = data_table(diag, audience)
    labels = dict(zip(diag.questions["question_id"], diag.questions["label"]))
    ids = word("data_ids", lang)
    headers = [ids.get(c, c) for c in table.columns]
    data = sheet_name("data", lang)
    rows = sheet_rows(table)
    live = _live_cells(table)
    per_sheet = ROW_LIMIT - (_NOTES_ROWS + 2)
    chunks = [rows[i : i + per_sheet] for i in range(0, len(rows), per_sheet)] or [[]]
    names = []
    for k, chunk in enumerate(chunks, start=1):
        name = data if k == 1 else f"{data} ({k})"
        ws = book.sheet(name)
        names.append(name)
        more = word("data_more", lang, name=f"{data} ({k + 1})") if k < len(chunks) else ""
        title = word("data_title", lang) + (word("data_continued", lang, k=k) if k > 1 else "")
        start = write_title(
            book, ws, title, [word("data_note", lang, more=more), source], span=min(8, len(headers))
        )
        _write_block(
            book, ws, start, table.columns, headers, labels, chunk, live, (k - 1) * per_sheet
        )
    return names


def _live_cells(table: pd.DataFrame) -> dict[int, list[int]]:
    """{line: [columns]} of the text cells a spreadsheet would run as formulas (`is_live`),
    each distinct text of a column looked at once."""
    out: dict[int, list[int]] = {}
    for j, col in enumerate(table.columns):
        s = table[col]
        if pd.api.types.is_numeric_dtype(s) or pd.api.types.is_bool_dtype(s):
            continue
        codes, uniques = pd.factorize(s)
        live = np.array([is_live(plain(u)) for u in uniques] + [False], dtype=bool)
        for line in np.flatnonzero(live[codes]):
            out.setdefault(int(line), []).append(j)
    return out


def _write_block(
    book, ws, start: int, columns, headers, labels, rows, live=None, offset: int = 0
) -> None:
    """Question labels, then codes as the header row (row `start`), then the rows; `live`
    ({line: [columns]}, lines counted from `offset`) are written with the quote prefix."""
    live = live or {}
    ws.set_row(start - 1, 45)
    label = book.format(NOTE, {"text_wrap": True, "valign": "bottom"})
    header = book.format(HEADER_FILL)
    for j, col in enumerate(columns):  # a row is finished before the next one is begun
        if col in labels:
            put(ws, start - 1, j, labels[col], label)
    for j, head in enumerate(headers):
        put(ws, start, j, head, header)
    for j, width in enumerate((13, 30, 15)):  # at least, else as wide as the longest value
        longest = max((len(str(r[j])) for r in rows[:1000] if r[j] is not None), default=0)
        ws.set_column(j, j, min(45, max(width, longest + 2)))
    if len(headers) > 3:
        ws.set_column(3, len(headers) - 1, 22)
    first = start + 1
    step = 10_000
    with bar(total=len(rows), description=f"Classeur, feuille {ws.name}", unit="ligne") as b:
        for i, row in enumerate(rows, start=first):
            ws.write_row(i, 0, row)  # text stays text: the workbook writes no formula
            for j in live.get(i - first + offset, ()):
                ws.write_string(i, j, row[j], book.format(QUOTED))  # stays text once edited
            if (i - first) % step == step - 1:
                b.update(step)
        b.update(len(rows) - b.n)
    ws.freeze_panes(first, 1)
    # too wide to fit one page: printed at a readable scale, header row and actor repeated
    ws.repeat_rows(start)
    ws.repeat_columns(0)
    if rows:
        ws.autofilter(start, 0, start + len(rows), len(headers) - 1)
