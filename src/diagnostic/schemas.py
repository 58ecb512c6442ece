"""The column contracts of every table, declared once (see DESIGN.md, "Tables")."""

from __future__ import annotations

import weakref

import numpy as np
import pandas as pd

S, C, I, F, B = "string", "category", "Int64", "Float64", "boolean"  # noqa: E741

#: table name -> {column: dtype}
SCHEMAS: dict[str, dict[str, str]] = {
    "questions": {
        "question_id": S,
        "label": S,
        "type": S,
        "list_name": S,
        "group": S,
        "role": S,
        "theme": S,
        "required": B,
        "repeat": S,
    },
    "choices": {
        "list_name": S,
        "value": S,
        "label": S,
        "order": I,
        "is_missing_code": B,
    },
    "actors": {
        "actor_id": S,
        "actor_type": S,
        "sector": S,
        "commune_name": S,
        "commune_code": S,
        "epci_code": S,
        "cooperation": S,
        # the answer to the consent question (role consent), as the form's choice value
        "consent": S,
        "source_file": S,
        "source_row": I,
    },
    "personal": {"actor_id": S, "field": S, "value": S},
    # instance: which row of a repeat group (1, 2…) the answer comes from; empty outside repeats.
    # rank: for a ranking question, the position the respondent gave the option in `value`
    # (1 = first; one row per ranked option); empty for every other question
    "answers": {"actor_id": S, "question_id": S, "value": S, "instance": I, "rank": I},
    "asked": {"actor_id": S, "question_id": S},
    # each header of a response export: the question (and option) it holds, and how it was
    # recognised (code, label, full_text, abbreviated, fuzzy; meta: bookkeeping; none: left out);
    # rank: the position a column of a ranking question holds (``Q1[2]``: 2)
    "column_map": {"column": S, "question_id": S, "option": S, "rank": I, "match": S, "score": F},
    # several questionnaires: each one's question (survey = its name) and the canonical
    # question it is stacked on; rule: same_as | id | role | label | new | conflict
    "question_map": {
        "survey": S,
        "question_id": S,
        "canonical_id": S,
        "list_name": S,
        "canonical_list": S,
        "rule": S,
    },
    "needs": {"actor_id": S, "category": S, "subcategory": S, "text": S},
    "offers": {"actor_id": S, "category": S, "subcategory": S, "text": S},
    "communes": {
        "commune_code": S,
        "name": S,
        "type": S,
        "parent_code": S,
        "departement": S,
        "region": S,
        "epci_code": S,
        "population": I,
        "postal_codes": S,
        "former_codes": S,
    },
    "epci": {"epci_code": S, "name": S, "kind": S, "population": I},
    "indicators": {
        "geo_level": S,
        "geo_code": S,
        "indicator": S,
        "year": I,
        "value": F,
        "numerator": F,
        "denominator": F,
        "source": S,
        "missing_reason": S,
    },
    "anomalies": {
        "file": S,
        "row": I,
        "column": S,
        "value": S,
        "problem": S,
        "action": S,
    },
    "issue_ranking": {
        "issue_id": S,
        "label": S,
        "theme": S,
        "respondents": I,
        "support": F,
        "support_ci_low": F,
        "support_ci_high": F,
        "support_by_type_mean": F,
        "breadth": I,
        "min_support": F,
        "intensity": F,
        "consensus": F,
        "tag": S,
        "reason": S,
        "rank": I,
    },
    "group_matrix": {
        "actor_type": S,
        "issue_id": S,
        "label": S,
        "respondents": I,
        "supporters": I,
        "support": F,
        "suppressed": B,
    },
    "opportunities": {
        "kind": S,
        "actors": S,
        "need_actor": S,
        "offer_actor": S,
        "category": S,
        "score": F,
        "score_category": F,
        "score_text": F,
        "score_geo": F,
        "score_willingness": F,
        "distance_km": F,
        "explanation": S,
        "status": S,
        "flags": S,
    },
    # cooperation projects (analysis/projects.py): codes in kind, resources (a ↔ b for a
    # swap), actor_types (code : n), communes (codes) and issues (ids); members, needers and
    # offerers are actor ids joined by ";"; member_names only in the collective and
    # consultant outputs
    "cooperation_projects": {
        "project_id": S,
        "title": S,
        "kind": S,
        "resources": S,
        "actors": I,
        "members": S,
        "needers": S,
        "offerers": S,
        "actor_types": S,
        "communes": S,
        "commune_names": S,
        "issues": S,
        "summary": S,
        "first_step": S,
        "score": F,
        "score_size": F,
        "score_diversity": F,
        "score_offer": F,
        "score_nearness": F,
        "score_issues": F,
        "score_willingness": F,
        "status": S,
        "carrier": S,
        "next_step": S,
        "member_names": S,
    },
    "clusters": {
        "cluster_id": S,
        "method": S,
        "issues": S,
        "actors": S,
        "size": I,
        "actor_types": S,
        "label": S,
    },
    "participation": {
        "commune_code": S,
        "commune": S,
        "epci_code": S,
        "population": I,
        "actor_type": S,
        "respondents": I,
        "per_1000_inhabitants": F,
        "establishments": I,
        "per_100_establishments": F,
        "density_class": S,
    },
    # analyse: divergence, workshop, regard croisé (issue 5)
    # one row per issue; compared cells: types of at least min_group_size actors, cells of
    # at least min_group_size answers (analysis/contrasts.py)
    "divergence": {
        "issue_id": S,
        "gap": F,  # top-box support of the most minus the least supportive compared type
        "gap_ci_low": F,  # Newcombe's 95 % interval of that gap
        "gap_ci_high": F,
        "test": S,  # Fisher-Freeman-Halton on the type × supports table, or "aucun"
        "p_value": F,  # exact (two types) or Monte-Carlo (≤ 9 999 draws, seeded, sequential stop)
        "p_adjusted": F,  # Benjamini-Hochberg over the tested issues
        "significant": B,  # p_adjusted < divergence_alpha
        "effect_size": F,  # Cramér's V of the type × supports table
        "label": S,
        "between": S,  # "X > Y": widest pair significant after Holm (significant issues only)
        "types": I,  # number of compared types
        "respondents": I,  # answers in the compared cells
        "pair_gap": F,  # support of X minus support of Y
        "pair_p_adjusted": F,  # Holm-adjusted p of the pairwise Fisher test X vs Y
    },
    "type_similarity": {
        "type_a": S,
        "type_b": S,
        "common": I,
        "top_k": I,
        "similarity": F,
        "issues": S,
        "text": S,
    },
    "votes": {"participant": S, "actor_type": S, "item_id": S, "dots": I},
    "shared_priorities": {
        "issue_id": S,
        "label": S,
        "survey_rank": I,
        "support": F,
        "participants": I,
        "workshop_share": F,
        "workshop_rank": I,
        "shift": I,
        "trend": S,
    },
    "afom": {"category": S, "item": S, "source": S, "evidence": S},
    # paroles d'acteurs: lemma counts of the free texts per question and actor type (an empty
    # actor_type: every respondent), with Lafon's hypergeometric specificity
    "text_words": {"question_id": S, "lemma": S, "actor_type": S, "count": I, "specificity": F},
    # the consultant's coding of the free texts into themes (one row per answer and theme)
    "text_codes": {"question_id": S, "actor_id": S, "theme": S},
    "regard_croise": {
        "issue_id": S,
        "label": S,
        "support": F,
        "gap": F,
        "perceived": B,
        "objective": B,
        "quadrant": S,
        "indicator": S,
        "indicator_label": S,
        "reference": S,
        "area_value": F,
        "reference_value": F,
    },
    # the busiest table: one row per actor and issue answered (see `issue_responses`);
    # its text columns are categories, so that millions of rows stay cheap
    "responses": {
        "actor_id": C,
        "actor_type": C,
        "issue_id": C,
        "label": C,
        "theme": C,
        "level": F,
        "levels": I,
        "supports": B,
    },
    # the explorer's tables (see `diagnostic.analysis.explore`)
    "likert_answers": {
        "actor_id": S,
        "actor_type": S,
        "issue_id": S,
        "label": S,
        "theme": S,
        "value": S,
        "level_label": S,
        "order": I,
        "is_missing": B,
    },
    "commune_participation": {"commune": S, "respondents": I, "per_1000_inhabitants": F},
    "context": {
        "indicator": S,
        "label": S,
        "geo_level": S,
        "geo_code": S,
        "geo_name": S,
        "year": I,
        "value": F,
        "numerator": F,
        "denominator": F,
        "index": F,
        "gap": F,
        "notable": B,
        "source": S,
        "missing_reason": S,
    },
}


def validate(frame: pd.DataFrame, table: str, columns: list[str] | None = None) -> pd.DataFrame:
    """Check that `frame` meets the contract of `table`, and return it unchanged.

    Unlike `conform`, which builds a stage's output, `validate` guards what a stage
    receives: a misspelt column is an error, not an empty column, and a value that is not of
    its column's type (``"0.4x"`` in a number column) is an error, not a missing value.

    Parameters
    ----------
    columns : list of str, optional
        The declared columns the stage needs (default: all of them).

    Raises
    ------
    SchemaError
        Naming the table, the missing columns or the first bad value and its row.

    Examples
    --------
    >>> validate(pd.DataFrame({"participant": ["a"], "item_id": ["x"], "dots": ["2"]}),
    ...          "votes", ["participant", "item_id", "dots"]).shape
    (1, 3)
    >>> validate(pd.DataFrame({"participant": ["a"], "item": ["x"]}), "votes")
    Traceback (most recent call last):
    ...
    diagnostic.errors.SchemaError: table « votes » : colonnes manquantes : actor_type, item_id, dots (présentes : participant, item).
    """
    from diagnostic.errors import SchemaError

    if not isinstance(frame, pd.DataFrame):
        raise SchemaError(
            f"table « {table} » : un DataFrame était attendu, pas {type(frame).__name__}."
        )
    schema = SCHEMAS[table]
    wanted = list(schema) if columns is None else columns
    missing = [c for c in wanted if c not in frame.columns]
    if missing:
        present = ", ".join(map(str, frame.columns)) or "aucune"
        raise SchemaError(
            f"table « {table} » : colonnes manquantes : {', '.join(missing)} (présentes : {present})."
        )
    for name in wanted:
        dtype, col = schema[name], frame[name]
        if dtype in (I, F) and not pd.api.types.is_numeric_dtype(col):
            given = col.notna() & (col.astype("string").str.strip() != "")
            bad = given & pd.to_numeric(col.where(given), errors="coerce").isna()
            what = "un nombre"
        elif dtype == B and not pd.api.types.is_bool_dtype(col):
            bad = col.notna() & ~col.isin([True, False])
            what = "vrai ou faux"
        else:
            continue
        if bad.any():
            row = bad.to_numpy().argmax()
            raise SchemaError(
                f"table « {table} », colonne « {name} », ligne {frame.index[row]} : "
                f"« {col.iloc[row]} » n'est pas {what}."
            )
    return frame


def columns(table: str) -> list[str]:
    """Return the declared columns of `table`, in order."""
    return list(SCHEMAS[table])


def _missing(n: int, dtype: str):
    """`n` missing values of `dtype`; numbers built from their mask (pandas would fill an
    array of NA objects and convert it, a third of a second for ten million rows)."""
    if dtype == I:
        return pd.arrays.IntegerArray(np.zeros(n, dtype="int64"), np.ones(n, dtype=bool))
    if dtype == F:
        return pd.arrays.FloatingArray(np.zeros(n), np.ones(n, dtype=bool))
    return pd.Series(pd.NA, index=pd.RangeIndex(n), dtype=dtype).array


def conform(frame: pd.DataFrame, table: str) -> pd.DataFrame:
    """Return `frame` with exactly the declared columns of `table`, in order and dtype.

    Missing columns are added empty; undeclared columns are dropped.
    """
    schema = SCHEMAS[table]
    arrays = {}  # one frame built at once: a column set at a time costs more than the work
    for name, dtype in schema.items():
        if name not in frame.columns:  # typed at once: no conversion of millions of NA
            arrays[name] = _missing(len(frame), dtype)
            continue
        col = frame[name]
        if dtype == I:
            col = pd.to_numeric(col, errors="coerce").round().astype(I)
        elif dtype == F:
            col = pd.to_numeric(col, errors="coerce").astype(F)
        elif dtype == B:
            col = col.astype("boolean")
        else:
            col = col.astype(S)
        arrays[name] = col.array
    return pd.DataFrame(arrays, index=pd.RangeIndex(len(frame)), copy=False)


#: id of a long table -> its question runs, dropped with the table
_RUNS: dict[int, tuple] = {}


def question_runs(table: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """(starts, ends, question ids) of the runs of consecutive rows holding one question
    in the long table `table` (`answers`, `asked`): the readers write each question's rows
    together, so there are few runs, and the distinct questions and each one's rows are
    found by comparing neighbours, without hashing millions of rows (10 million answers:
    0.07 s against 0.25 s for ``unique``). A question may hold several runs (several
    surveys). None when a question id is missing (the caller reads the column itself).
    Found once per table."""
    key = id(table)
    if key not in _RUNS:
        column = table["question_id"]
        if column.isna().any():
            return None
        cells = np.asarray(column.array, dtype=object)
        starts = np.zeros(min(len(cells), 1), dtype=np.intp)  # none in an empty table
        if len(cells):
            starts = np.append(starts, np.flatnonzero(cells[1:] != cells[:-1]) + 1)
        ends = np.append(starts[1:], len(cells))[: len(starts)]
        _RUNS[key] = (starts, ends, cells[starts])
        weakref.finalize(table, _RUNS.pop, key, None)
    return _RUNS[key]


def question_rows(table: pd.DataFrame, ids) -> np.ndarray:
    """True at the rows of the long table `table` whose question is one of `ids`: as
    ``table["question_id"].isin(ids)``, read from the table's runs (`question_runs`)."""
    runs = question_runs(table)
    if runs is None:
        return table["question_id"].isin(ids).to_numpy(dtype=bool, na_value=False)
    starts, ends, qids = runs
    wanted = set(ids)
    return np.repeat(np.array([q in wanted for q in qids], dtype=bool), ends - starts)
