"""Common issues: who cares about what, how broadly, how strongly, how unanimously."""

from __future__ import annotations

import math
import os

import numpy as np
import pandas as pd

from diagnostic.analysis import contrasts
from diagnostic.analysis._codes import (
    categorical_from_few,
    first_by_code,
    indexer_by_blocks,
    indexer_by_runs,
    kept_rows,
    key_codes,
    run_starts,
)
from diagnostic.analysis.tags import DIVISIVE, MINOR, SPECIFIC, TRANSVERSAL  # noqa: F401
from diagnostic.errors import DiagnosticError
from diagnostic.forms.scales import is_not_a_lead, ordered_levels
from diagnostic.i18n import text
from diagnostic.schemas import columns as table_columns
from diagnostic.schemas import conform, validate
from diagnostic.settings import Settings


def short_issue_label(label: str, labels: list[str]) -> str:
    """Drop a wording shared by every issue question ("Importance … : Logement" -> "Logement")."""
    prefix = os.path.commonprefix(labels) if len(labels) > 1 else ""
    if " : " in prefix or ": " in prefix:
        cut = max(prefix.rfind(" : ") + 3, prefix.rfind(": ") + 2)
        return label[cut:].strip() or label
    return label


def issue_responses(
    answers: pd.DataFrame,
    asked: pd.DataFrame,
    questions: pd.DataFrame,
    choices: pd.DataFrame,
    actors: pd.DataFrame,
    settings: Settings = Settings(),
    *,
    scales: dict | None = None,
    unoffered: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One row per actor and issue they answered, with the level and whether they support it.

    Likert issue questions (role ``issue_importance``) are one issue each, their levels
    ordered by meaning whatever order the form lists them in (`scales`: list name or
    question id -> levels lowest first, the project's ``[scales]``, for scales whose words
    say nothing; see `scale_of`); "don't know" codes are left out. In a multi-select issue question (role ``issue``) each choice is
    an issue, answered by everyone who was asked the question (`asked`: from the form's
    conditions when it has them, see `diagnostic.readers.asked`; a blank answer of someone
    asked is "ticked nothing"), except those whose form did not offer that choice
    (`unoffered`: actor_id, question_id, value, when several questionnaires with different
    lists are stacked, see `diagnostic.project.stacking.unoffered_options`). Answers given inside a
    repeat group (``instance`` set: one per household member, per site…) are left out:
    each actor speaks once for their structure.

    Returns
    -------
    DataFrame
        actor_id, actor_type, issue_id, label, theme (categories; actor_id a string column
        only when some answer's actor is not in `actors`; actor_type missing for actors
        without a type, who are in no comparison of types nor in the published totals), level (Float64, Likert only), levels, supports (bool).
    """
    validate(answers, "answers", ["actor_id", "question_id", "value"])
    validate(questions, "questions", ["question_id", "type", "list_name", "role"])
    validate(choices, "choices", ["list_name", "value", "label", "order"])
    validate(actors, "actors", ["actor_id", "actor_type"])
    answers = outside_repeats(answers)
    types = actors.drop_duplicates("actor_id").set_index("actor_id")["actor_type"]
    likert, likert_codes = _likert_responses(
        answers, questions, choices, settings, types.index, scales
    )
    frames = [likert]
    absent: dict = {}
    if unoffered is not None and len(unoffered):
        for key, who in unoffered.groupby(["question_id", "value"], sort=False)["actor_id"]:
            absent[key] = set(who.astype(object))
    for q in questions[questions["role"] == "issue"].itertuples():
        ticked = answers[answers["question_id"] == q.question_id]
        listed = choices[choices["list_name"] == q.list_name]
        substantive = listed[~listed["is_missing_code"].fillna(False).astype(bool)]
        # "other" and "none" are answers (the actor stays in the base), never issues
        opts = substantive[
            [
                not is_not_a_lead(v, lab)
                for v, lab in zip(substantive["value"], substantive["label"])
            ]
        ]
        # "ne sait pas" alone: neither in the numerator nor in the denominator
        real = ticked["value"].isin(set(substantive["value"]))
        unsure = set(
            ticked.loc[~real & ticked["value"].isin(set(listed["value"])), "actor_id"]
        ) - set(ticked.loc[real, "actor_id"])
        asked_q = asked.loc[asked["question_id"] == q.question_id, "actor_id"].unique()
        was_asked = [a for a in asked_q if a not in unsure]
        for opt in opts.itertuples():
            who = set(ticked.loc[ticked["value"] == opt.value, "actor_id"])
            out_of = absent.get((q.question_id, opt.value))
            base = [a for a in was_asked if a not in out_of] if out_of else was_asked
            frames.append(
                pd.DataFrame(
                    {
                        "actor_id": base,
                        "issue_id": f"{q.question_id}:{opt.value}",
                        "label": opt.label,
                        "theme": q.theme,
                        "level": pd.NA,
                        "levels": pd.NA,
                        "supports": [a in who for a in base],
                    }
                )
            )
    frames = [f for f in frames if len(f)]
    if not frames:
        return pd.DataFrame(columns=table_columns("responses"))
    if len(frames) == 1 and frames[0] is likert:  # actors found with the Likert answers
        out, codes = likert, likert_codes
    else:
        out = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
        codes = types.index.get_indexer(out["actor_id"].array)
    # no actor type: left out of every comparison of types (no « non précisé » group)
    type_of = np.append(types.astype(object).where(types.notna(), None).to_numpy(), None)  # type: ignore[call-overload]
    out["actor_type"] = categorical_from_few(type_of, codes)  # type: ignore[arg-type]
    if (codes >= 0).all() and not isinstance(out["actor_id"].dtype, pd.CategoricalDtype):  # type: ignore[operator, union-attr]
        out["actor_id"] = pd.Categorical.from_codes(codes, categories=types.index)
    for col in ("issue_id", "label", "theme"):
        if not isinstance(out[col].dtype, pd.CategoricalDtype):
            out[col] = out[col].astype("category")
    out["supports"] = out["supports"].astype(bool)
    return out[
        ["actor_id", "actor_type", "issue_id", "label", "theme", "level", "levels", "supports"]
    ]


def non_answers(answers: pd.DataFrame, questions: pd.DataFrame, choices: pd.DataFrame) -> int:
    """How many answers to the issue questions are non-answers ("ne sait pas"…), left out
    of every base (answers inside repeat groups aside, as in `issue_responses`)."""
    issue_q = questions[questions["role"].isin(["issue", "issue_importance"])]
    missing = choices[choices["is_missing_code"].fillna(False).astype(bool)]
    pairs = set(zip(missing["list_name"], missing["value"]))
    if issue_q.empty or not pairs:
        return 0
    answers = outside_repeats(answers)
    list_of = dict(zip(issue_q["question_id"], issue_q["list_name"]))
    # a table question × missing value, looked up by each answer's two positions: no
    # (list, value) key built per answer
    qids = pd.Index(list(list_of))
    values = pd.Index(list(dict.fromkeys(v for _, v in pairs)))
    missing_of = np.zeros((len(qids) + 1, len(values) + 1), dtype=bool)  # last: not found
    for i, q in enumerate(qids):
        for j, v in enumerate(values):
            missing_of[i, j] = (list_of[q], v) in pairs
    q = qids.get_indexer(answers["question_id"].array)
    kept = np.flatnonzero(q >= 0)
    v = values.get_indexer(answers["value"].array[kept])
    return int(missing_of[q[kept], v].sum())


def untyped_anomalies(actors: pd.DataFrame) -> pd.DataFrame:
    """One anomaly per file: its respondents without an actor type, counted once, left out
    of every comparison between types (and of the totals, which count type cells)."""
    rows = []
    untyped = actors[actors["actor_type"].isna()]
    for file, sub in untyped.groupby(untyped["source_file"].fillna(""), sort=True):
        first = ", ".join(str(r) for r in sub["source_row"].dropna().astype(int).tolist()[:5])
        rows.append(
            {
                "file": file or None,
                "row": None,
                "column": "actor_type",
                "value": None,
                "problem": (
                    f"{len(sub)} répondant(s) sans type d'acteur (lignes {first}"
                    f"{'…' if len(sub) > 5 else ''}) : laissés hors des comparaisons entre "
                    "types et des totaux publiés, qui ne comptent que les cellules par type"
                ),
                "action": "conservé",
            }
        )
    return conform(pd.DataFrame(rows), "anomalies")


def outside_repeats(answers: pd.DataFrame) -> pd.DataFrame:
    """The `answers` given once per actor: those of repeat groups (``instance`` set) left out.

    The table is returned as is (no copy) when it holds no repeat answer.
    """
    if "instance" not in answers.columns or not answers["instance"].notna().any():
        return answers
    return answers[answers["instance"].isna().to_numpy()]


def scale_of(question_id, label, list_name, choices: pd.DataFrame, stated=None) -> list[str]:
    """The levels of an ``issue_importance`` question's scale, lowest first, read from their
    meaning (see `diagnostic.forms.scales`) or from `stated` (list name or question id ->
    levels lowest first, the project's ``[scales]``).

    Raises
    ------
    DiagnosticError
        When the order cannot be decided: an importance scale is never ranked in the order
        a form lists it, nor in text order.
    """
    stated = stated or {}
    sub = choices[choices["list_name"].eq(list_name).fillna(False).to_numpy(dtype=bool)]
    if sub.empty:  # numbers without a list (a linear scale exported as 1…5)
        if question_id in stated:
            return [str(v) for v in stated[question_id]]
        raise DiagnosticError(
            f"la question « {question_id} » ({label}) est une échelle d'importance sans liste "
            "de niveaux (ses réponses sont des nombres ou du texte). Indiquez ses niveaux, du "
            f"plus bas au plus haut, dans le fichier de projet : [scales] {question_id} = "
            '["1", "2", "3", "4", "5"] (par exemple), ou donnez son formulaire.',
            column=question_id,
        )
    key = list_name if list_name in stated else question_id
    try:
        levels = ordered_levels(sub, stated.get(key))
    except KeyError as exc:
        raise DiagnosticError(
            f"l'ordre donné dans [scales] pour « {key} » ne cite pas le(s) niveau(x) "
            f"{', '.join(f'« {v} »' for v in exc.args[0])} ; citez chaque niveau de la liste, "
            "du plus bas au plus haut.",
            column=question_id,
        ) from None
    if levels is None:
        real = sub[~sub["is_missing_code"].fillna(False).astype(bool)]
        shown = ", ".join(f"« {lab} »" for lab in real["label"].astype(str).tolist()[:12])
        example = ", ".join(f'"{v}"' for v in real["value"].astype(str).tolist()[:12])
        raise DiagnosticError(
            f"la question « {question_id} » ({label}) est une échelle d'importance dont "
            f"l'ordre ne se déduit ni de nombres ni de mots connus ({shown}). Indiquez-le, du "
            f"plus bas au plus haut, dans le fichier de projet : [scales] {list_name} = "
            f"[{example}] (dans l'ordre voulu), ou utilisez des codes numériques 1, 2, 3… "
            "dans le formulaire.",
            column=question_id,
        )
    return levels


def _likert_responses(
    answers, questions, choices, settings, actor_ids: pd.Index, stated=None
) -> tuple[pd.DataFrame, np.ndarray | None]:
    """The Likert part of `issue_responses`, vectorised: a level table indexed by codes.

    Also returns each row's position in `actor_ids` (-1 when absent).
    """
    likert = questions[questions["role"] == "issue_importance"].reset_index(drop=True)
    if likert.empty:
        return pd.DataFrame(), None
    missing = choices["is_missing_code"].fillna(False).astype(bool)
    stated = stated or {}
    scales: list = []
    of_list: dict = {}
    for q in likert.itertuples():
        # a scale is its list's, unless the project states the question's own
        mine = q.question_id in stated or not isinstance(q.list_name, str)
        if mine or q.list_name not in of_list:
            scale = scale_of(q.question_id, q.label, q.list_name, choices, stated)
            if not mine:
                of_list[q.list_name] = scale
        scales.append(scale if mine else of_list[q.list_name])
    values = pd.Index(
        pd.unique(
            np.array(
                [*choices.loc[~missing, "value"].dropna(), *(v for s in scales for v in s)],
                dtype=object,
            )
        )
    )
    sizes = np.array([len(scale) for scale in scales], dtype=int)
    # each (question, value): its level × 2 + whether it supports the issue, in 2 bytes;
    # the last row and column (code -1: not a Likert question, off the scale) read 0
    small = sizes.max(initial=0) < 2**15
    levels = np.zeros((len(likert) + 1, len(values) + 1), dtype=np.uint16 if small else int)
    for i, scale in enumerate(scales):
        levels[i, values.get_indexer(scale)] = np.arange(1, len(scale) + 1)
    top = np.append(sizes, 0)[:, None] - settings.top_box
    packed = levels * 2 + (levels > top)
    # codes on the whole columns: no filtered copy of the (long) answers table; the
    # question column hashed once per run of one question, the actors once per distinct
    # list of actors (`indexer_by_blocks`)
    question, who = answers["question_id"].array, answers["actor_id"].array
    starts = run_starts(question)
    questions_index = pd.Index(likert["question_id"])
    if starts is None:
        q = questions_index.get_indexer(question)
        actor = actor_ids.get_indexer(who)
    else:
        q = indexer_by_runs(questions_index, question, starts)
        actor = indexer_by_blocks(actor_ids, who, starts)
    got = packed[q, values.get_indexer(answers["value"].array)]
    keep = got > 1  # a level: a Likert question's answer on its scale
    got, q, actor = got[keep], q[keep], actor[keep]
    level = (got >> 1).astype(float)
    labels = likert["label"].tolist()
    issue = pd.Categorical.from_codes(q, categories=likert["question_id"])
    # categories of the actors' own (few) strings when every one is known: no string per row
    ids = (
        pd.Categorical.from_codes(actor, categories=actor_ids)
        if (actor >= 0).all()
        else answers["actor_id"].array[np.flatnonzero(keep)].astype("str")
    )
    return pd.DataFrame(
        {
            "actor_id": ids,
            "issue_id": issue,
            "label": categorical_from_few(
                np.array([short_issue_label(x, labels) for x in labels], dtype=object), q
            ),
            "theme": categorical_from_few(likert["theme"].to_numpy(dtype=object), q),
            "level": pd.array(level, dtype="Float64"),
            "levels": sizes[q],
            "supports": (got & 1).astype(bool),
        },
        copy=False,
    ), actor


def consensus(levels: pd.Series, k: int) -> float:
    """Tastle–Wierman consensus of ordinal answers on a 1..k scale (1 = all agree).

    >>> consensus(pd.Series([3, 3, 3]), 5), consensus(pd.Series([1, 5]), 5)
    (1.0, 0.0)
    """
    x = pd.to_numeric(levels, errors="coerce").dropna()
    if x.empty or k < 2:
        return float("nan")
    p = x.value_counts(normalize=True)
    mu = float((p * p.index).sum())
    return float(1 + (p * np.log2(1 - np.abs(p.index - mu) / (k - 1))).sum())


def group_matrix(responses: pd.DataFrame, settings: Settings = Settings()) -> pd.DataFrame:
    """Actor type × issue support; cells below `min_group_size` respondents are suppressed.

    Returns
    -------
    DataFrame
        The `group_matrix` table.
    """
    validate(responses, "responses", ["actor_id", "actor_type", "issue_id", "supports"])
    # counts on integer codes (a groupby over millions of rows, without the groupby)
    kind, kinds = key_codes(responses["actor_type"])
    issue, issues = key_codes(responses["issue_id"])
    known = (kind >= 0) & (issue >= 0)
    cell = kept_rows(kind, known)  # a fresh copy: the cell number made in place
    cell *= len(issues)
    cell += kept_rows(issue, known)
    size = len(kinds) * len(issues)
    respondents = np.bincount(cell, minlength=size)
    supports = kept_rows(responses["supports"].to_numpy(dtype=bool), known)
    supporters = np.bincount(cell[supports], minlength=size).astype(np.int64)
    seen = np.flatnonzero(respondents)
    row, col = np.divmod(seen, max(len(issues), 1))
    out = pd.DataFrame(
        {
            "actor_type": np.asarray(kinds, dtype=object)[row],
            "issue_id": np.asarray(issues, dtype=object)[col],
            "respondents": respondents[seen],
            "supporters": supporters[seen],
        }
    )
    out = out.sort_values(["actor_type", "issue_id"], ignore_index=True)
    out["label"] = (
        out["issue_id"].map(first_by_code(responses["label"], issue, issues)).astype(object)
    )
    out["suppressed"] = out["respondents"] < settings.min_group_size
    out["support"] = (out["supporters"] / out["respondents"]).where(~out["suppressed"])
    out["supporters"] = out["supporters"].astype("Int64").where(~out["suppressed"])
    return conform(out, "group_matrix")


def issue_cells(
    responses: pd.DataFrame,
) -> tuple[pd.Index, pd.Index, np.ndarray, np.ndarray, np.ndarray]:
    """Issues and actor types (sorted), then the answers `n` and supporters `s` of each
    issue × type and the number of distinct actors of each type who answered."""
    kind, kinds = key_codes(responses["actor_type"])
    issue, issues = key_codes(responses["issue_id"])
    known = (kind >= 0) & (issue >= 0)
    # the codes are fresh copies: each cell number made in place (millions of rows)
    cell = kept_rows(issue, known)
    cell *= len(kinds)
    cell += kept_rows(kind, known)
    size = len(issues) * len(kinds)
    n = np.bincount(cell, minlength=size).reshape(len(issues), len(kinds))
    supports = kept_rows(responses["supports"].to_numpy(dtype=bool), known)
    s = np.bincount(cell[supports], minlength=size).reshape(n.shape).astype(np.int64)
    del cell
    actor, actor_ids = key_codes(responses["actor_id"])
    both = known & (actor >= 0)
    seen = np.zeros(len(actor_ids) * len(kinds), dtype=bool)  # distinct (actor, type)
    pair = kept_rows(actor, both)
    pair *= len(kinds)
    pair += kept_rows(kind, both)
    seen[pair] = True
    actors = seen.reshape(len(actor_ids), len(kinds)).sum(axis=0)
    return issues, kinds, n, s, actors.astype(np.int64)


def rank_issues(
    responses: pd.DataFrame,
    settings: Settings = Settings(),
    type_labels: dict[str, str] | None = None,
    *,
    matrix: pd.DataFrame | None = None,
    cells: tuple | None = None,
) -> pd.DataFrame:
    """Rank issues by breadth across actor types, then type-weighted support, then support,
    then number of answers.

    The rules (qualifying types, Wilson lower bound, tested gaps) are those of
    `diagnostic.analysis.contrasts`.

    Parameters
    ----------
    responses : DataFrame
        From `issue_responses`.
    type_labels : dict, optional
        Label of each actor type (see `actor_type_labels`), used in the `reason` sentences.
    matrix : DataFrame, optional
        Unused (kept for callers that pass `group_matrix(responses, settings)`).
    cells : tuple, optional
        ``issue_cells(responses)``, when the caller has it already.

    Returns
    -------
    DataFrame
        The `issue_ranking` table.
    """
    validate(responses, "responses", ["actor_id", "actor_type", "issue_id", "supports"])
    if responses.empty:
        return conform(pd.DataFrame(), "issue_ranking")
    per = responses.groupby("issue_id", sort=True, observed=True).agg(
        label=("label", "first"),
        theme=("theme", "first"),
        respondents=("supports", "size"),
        supporters=("supports", "sum"),
        levels=("levels", "max"),
    )
    issues, kinds, n_ti, s_ti, actors = cells if cells is not None else issue_cells(responses)
    rows = issues.get_indexer(per.index)
    n_ti, s_ti = n_ti[rows], s_ti[rows]
    k = per["levels"].fillna(0).astype(int).to_numpy()
    return ranking_table(
        per.index.astype(object).to_numpy(),
        per["label"].astype(object).to_numpy(),
        per["theme"].astype(object).to_numpy(),
        np.asarray(kinds, dtype=object),
        n_ti,
        s_ti,
        actors,
        _level_cells(responses, issues, kinds, int(k.max(initial=0)))[rows],
        k,
        settings,
        type_labels,
    )


def _level_cells(responses: pd.DataFrame, issues: pd.Index, kinds: pd.Index, top: int):
    """Answers per issue × type × level slot (slot 0: no level, multi-select), on codes."""
    kind, _ = key_codes(responses["actor_type"])
    issue, _ = key_codes(responses["issue_id"])
    known = (kind >= 0) & (issue >= 0)
    level = responses["level"].to_numpy(dtype=float, na_value=np.nan)
    slot = np.where(np.isnan(level), 0, level).astype(np.intp)
    size = (len(issues), len(kinds), top + 1)
    cell = np.ravel_multi_index(
        (kept_rows(issue, known), kept_rows(kind, known), kept_rows(slot, known)), size
    )
    return np.bincount(cell, minlength=int(np.prod(size))).reshape(size)


def ranking_table(
    issue_ids,
    labels,
    themes,
    types,
    n_ti,
    s_ti,
    actors_by_type,
    level_counts,
    k,
    settings: Settings,
    type_labels: dict[str, str] | None = None,
) -> pd.DataFrame:
    """The `issue_ranking` table from counts (shared by `rank_issues` and the tallies).

    `level_counts` counts the answers per issue × type × level slot (0: no level). Totals
    (respondents, support and its interval, median importance, consensus) count the shown
    cells only, so that no hidden group can be found by subtracting the shown cells from
    them.
    """
    qualify = contrasts.qualifying(actors_by_type, settings)
    cols = contrasts.ranking_columns(s_ti, n_ti, qualify, settings)
    tests = contrasts.type_contrasts(s_ti, n_ti, qualify, settings)
    tag = contrasts.tags(cols, tests, settings)
    show = contrasts.shown(n_ti, qualify, settings)
    n, s = np.where(show, n_ti, 0).sum(axis=1), np.where(show, s_ti, 0).sum(axis=1)
    low, high = np.full(len(n), np.nan), np.full(len(n), np.nan)
    seen = n > 0
    if seen.any():
        low[seen], high[seen] = contrasts.wilson(s[seen], n[seen])
    levels = (np.asarray(level_counts) * show[:, :, None]).sum(axis=1)
    intensity = np.array(
        [contrasts.median_level(c[1 : kk + 1]) if kk else np.nan for c, kk in zip(levels, k)]
    )
    consensus = np.array(
        [contrasts.consensus_level(c[1 : kk + 1]) if kk else np.nan for c, kk in zip(levels, k)]
    )
    names = type_labels or {}
    named = np.array([names.get(t, t) for t in types], dtype=object)
    language = settings.language
    reasons = []
    for i in range(len(issue_ids)):
        show = ~np.isnan(cols["support"][i])
        pair = tests["pair"][i]
        reasons.append(
            _reason(
                tag[i],
                pd.Series(cols["support"][i][show], index=named[show]),
                named[cols["sharing"][i]].tolist(),
                cols["qualifying"],
                intensity[i],
                int(k[i]),
                float(
                    cols["support"][i][pair[0]] - cols["support"][i][pair[1]]
                    if pair
                    else cols["gap"][i]
                ),
                (named[pair[0]], named[pair[1]]) if pair else None,
                language,
            )
        )
    out = pd.DataFrame(
        {
            "issue_id": issue_ids,
            "label": labels,
            "theme": themes,
            "respondents": n,
            "support": np.where(seen, s / np.maximum(n, 1), np.nan),
            "support_ci_low": low,
            "support_ci_high": high,
            "support_by_type_mean": cols["type_mean"],
            "breadth": cols["breadth"],
            "min_support": cols["min_support"],
            "intensity": intensity,
            "consensus": consensus,
            "tag": list(tag),
            "reason": reasons,
        }
    )
    order = contrasts.ranking_order(
        out["breadth"], out["support_by_type_mean"], out["support"], n, issue_ids
    )
    out = out.iloc[order]
    out["rank"] = range(1, len(out) + 1)
    return conform(out, "issue_ranking")


def _reason(
    tag,
    support: pd.Series,
    sharing: list[str],
    total: int,
    intensity,
    k,
    gap,
    pair: tuple[str, str] | None,
    language: str = "fr",
) -> str:
    """One sentence (in `language`) saying why the issue got its tag (a French code).

    `support` holds the share of each shown cell, indexed by its type's label; `sharing`
    the types whose Wilson lower bound reaches the threshold, among `total` qualifying
    types; `pair` the types of the significant pairwise contrast, if any.
    """
    if support.empty:
        return text("issues.none", language)
    n = len(sharing)
    out = text(
        "issues.cited",
        language,
        n=n,
        s="s" if n > 1 else "",
        total=total,
        low=support.min() * 100,
    )
    if k and not math.isnan(intensity):
        out += text("issues.intensity", language, intensity=intensity, k=k)
    if tag == DIVISIVE:
        if pair:
            out += text("issues.gap", language, gap=gap * 100, hi=pair[0], lo=pair[1])
        else:
            out += text("issues.gap_global", language, gap=gap * 100)
    elif tag == SPECIFIC:
        out += text("issues.carried", language, who=", ".join(sharing))
    return out


def top_stability(
    responses: pd.DataFrame,
    settings: Settings = Settings(),
    *,
    top: int = 5,
    resamples: int = 200,
    seed: int = 20240517,
) -> pd.DataFrame:
    """How steady the first `top` issues of the ranking are: respondents drawn again with
    replacement (`resamples` times, fixed seed), the ranking recomputed by the same rules
    each time (qualifying types and Wilson bounds included).

    Returns
    -------
    DataFrame
        issue_id, label, rank (in the published ranking), stays (share of the resamples
        where the issue is again among the first `top`), one row per issue of the top.
    """
    columns = ["issue_id", "label", "rank", "stays"]
    if responses.empty:
        return pd.DataFrame(columns=columns)
    actor, actor_ids = key_codes(responses["actor_id"])
    kind, kinds = key_codes(responses["actor_type"])
    issue, issues = key_codes(responses["issue_id"])
    keep = (actor >= 0) & (kind >= 0) & (issue >= 0)
    supports = responses["supports"].to_numpy(dtype=bool)
    # no copy when every row is kept (9.6 million rows at L: 0.3 s and 300 MB spared)
    actor, kind, issue, supports = (kept_rows(x, keep) for x in (actor, kind, issue, supports))
    n_a, n_i, n_t = len(actor_ids), len(issues), len(kinds)
    type_of = np.zeros(n_a, dtype=np.intp)
    type_of[actor] = kind  # each actor has one type
    # actors sorted by type: a type's tallies are one product over a slice of actors
    by_type = np.argsort(type_of, kind="stable")
    position = np.empty(n_a, dtype=np.intp)
    position[by_type] = np.arange(n_a)
    cells = position[actor] * n_i + issue
    answered = np.bincount(cells, minlength=n_a * n_i).astype(float).reshape(n_a, n_i)
    supported = np.bincount(cells, weights=supports, minlength=n_a * n_i).reshape(n_a, n_i)
    bounds = np.searchsorted(type_of[by_type], np.arange(n_t + 1))
    slices = [slice(lo, hi) for lo, hi in zip(bounds[:-1], bounds[1:])]
    ids = np.asarray(issues, dtype=object)

    def orders(weights: np.ndarray) -> list[np.ndarray]:
        """The ranking order of each row of `weights` (resamples × actors, counts).

        Sums of whole numbers far below 2**53: every order of addition gives the same
        floats, so the products over many resamples at once equal one-by-one tallies."""
        w = weights[:, by_type]
        n_ti = np.stack([w[:, part] @ answered[part] for part in slices], axis=1)
        s_ti = np.stack([w[:, part] @ supported[part] for part in slices], axis=1)
        actors = np.stack([w[:, part].sum(axis=1) for part in slices], axis=1)
        out = []
        for r in range(len(weights)):
            qualify = contrasts.qualifying(actors[r], settings)
            cols = contrasts.ranking_columns(s_ti[r].T, n_ti[r].T, qualify, settings)
            n, s = n_ti[r].sum(axis=0), s_ti[r].sum(axis=0)
            with np.errstate(divide="ignore", invalid="ignore"):
                share = np.where(n > 0, s / n, -1.0)
            out.append(contrasts.ranking_order(cols["breadth"], cols["type_mean"], share, n, ids))
        return out

    first = orders(np.ones((1, n_a)))[0][:top]
    rng = np.random.default_rng(seed)
    stays = np.zeros(len(first))
    batch = 25  # resamples drawn and tallied together (memory: batch × actors floats)
    for done in range(0, resamples, batch):
        weights = np.stack(
            [
                np.bincount(rng.integers(0, n_a, n_a), minlength=n_a).astype(float)
                for _ in range(min(batch, resamples - done))
            ]
        )
        for order in orders(weights):
            stays += np.isin(first, order[:top])
    labels = first_by_code(responses["label"], *key_codes(responses["issue_id"]))
    return pd.DataFrame(
        {
            "issue_id": ids[first],
            "label": [labels[i] for i in ids[first]],
            "rank": np.arange(1, len(first) + 1),
            "stays": stays / resamples,
        },
        columns=columns,
    )
