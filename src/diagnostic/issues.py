"""Common issues: who cares about what, how broadly, how strongly, how unanimously."""

from __future__ import annotations

import math
import os

import numpy as np
import pandas as pd
from statsmodels.stats.proportion import proportion_confint

from diagnostic.schemas import conform
from diagnostic.settings import Settings

TRANSVERSAL, SPECIFIC, DIVISIVE, MINOR = (
    "transversal", "spécifique à un groupe", "clivant", "peu partagé")


def _issue_label(label: str, labels: list[str]) -> str:
    """Drop a wording shared by every issue question ("Importance … : Logement" -> "Logement")."""
    prefix = os.path.commonprefix(labels) if len(labels) > 1 else ""
    if " : " in prefix or ": " in prefix:
        cut = max(prefix.rfind(" : ") + 3, prefix.rfind(": ") + 2)
        return label[cut:].strip() or label
    return label


def issue_responses(answers: pd.DataFrame, asked: pd.DataFrame, questions: pd.DataFrame,
                    choices: pd.DataFrame, actors: pd.DataFrame,
                    settings: Settings = Settings()) -> pd.DataFrame:
    """One row per actor and issue they answered, with the level and whether they support it.

    Likert issue questions (role ``issue_importance``) are one issue each; "don't know"
    codes are left out. In a multi-select issue question (role ``issue``) each choice is
    an issue, answered by everyone who was asked the question.

    Returns
    -------
    DataFrame
        actor_id, actor_type, issue_id, label, theme, level (Float64, Likert only), levels,
        supports (bool).
    """
    types = actors.set_index("actor_id")["actor_type"]
    frames = []
    likert = questions[(questions["role"] == "issue_importance")]
    labels = likert["label"].tolist()
    for q in likert.itertuples():
        scale = choices[(choices["list_name"] == q.list_name) & ~choices["is_missing_code"].astype(bool)]
        rank = {v: i + 1 for i, v in enumerate(scale.sort_values("order")["value"])}
        sub = answers[(answers["question_id"] == q.question_id) & answers["value"].isin(list(rank))]
        level = sub["value"].map(rank).astype("Float64")
        k = len(rank)
        frames.append(pd.DataFrame({
            "actor_id": sub["actor_id"], "issue_id": q.question_id,
            "label": _issue_label(q.label, labels), "theme": q.theme,
            "level": level, "levels": k, "supports": level > k - settings.top_box,
        }))
    for q in questions[questions["role"] == "issue"].itertuples():
        ticked = answers[answers["question_id"] == q.question_id]
        listed = choices[choices["list_name"] == q.list_name]
        opts = listed[~listed["is_missing_code"].astype(bool)]
        # "ne sait pas" alone: neither in the numerator nor in the denominator
        real = ticked["value"].isin(set(opts["value"]))
        unsure = (set(ticked.loc[~real & ticked["value"].isin(set(listed["value"])), "actor_id"])
                  - set(ticked.loc[real, "actor_id"]))
        asked_q = asked.loc[asked["question_id"] == q.question_id, "actor_id"].unique()
        was_asked = [a for a in asked_q if a not in unsure]
        for opt in opts.itertuples():
            who = set(ticked.loc[ticked["value"] == opt.value, "actor_id"])
            frames.append(pd.DataFrame({
                "actor_id": was_asked, "issue_id": f"{q.question_id}:{opt.value}",
                "label": opt.label, "theme": q.theme, "level": pd.NA, "levels": pd.NA,
                "supports": [a in who for a in was_asked],
            }))
    if not frames:
        return pd.DataFrame(columns=["actor_id", "actor_type", "issue_id", "label", "theme",
                                     "level", "levels", "supports"])
    out = pd.concat(frames, ignore_index=True)
    out["actor_type"] = out["actor_id"].map(types).fillna("non précisé").astype("string")
    out["supports"] = out["supports"].astype(bool)
    return out


def actor_type_labels(questions: pd.DataFrame, choices: pd.DataFrame) -> dict[str, str]:
    """Label of each actor type value, from the choices of the ``actor_type`` question."""
    lists = questions.loc[questions["role"] == "actor_type", "list_name"].dropna()
    chosen = choices[choices["list_name"].isin(set(lists))].dropna(subset=["value", "label"])
    return dict(zip(chosen["value"].astype(str), chosen["label"].astype(str)))


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
    g = responses.groupby(["actor_type", "issue_id"], sort=True)
    out = g.agg(label=("label", "first"), respondents=("supports", "size"),
                supporters=("supports", "sum")).reset_index()
    out["suppressed"] = out["respondents"] < settings.min_group_size
    out["support"] = (out["supporters"] / out["respondents"]).where(~out["suppressed"])
    out.loc[out["suppressed"], "supporters"] = pd.NA
    return conform(out, "group_matrix")


def rank_issues(responses: pd.DataFrame, settings: Settings = Settings(),
                type_labels: dict[str, str] | None = None) -> pd.DataFrame:
    """Rank issues by breadth across actor types, then type-weighted support, then intensity.

    Parameters
    ----------
    responses : DataFrame
        From `issue_responses`.
    type_labels : dict, optional
        Label of each actor type (see `actor_type_labels`), used in the `reason` sentences.

    Returns
    -------
    DataFrame
        The `issue_ranking` table.
    """
    matrix = group_matrix(responses, settings)
    rows = []
    for issue_id, sub in responses.groupby("issue_id", sort=True):
        n, s = len(sub), int(sub["supports"].sum())
        low, high = proportion_confint(s, n, alpha=0.05, method="wilson") if n else (np.nan, np.nan)
        cells = matrix[(matrix["issue_id"] == issue_id) & ~matrix["suppressed"]]
        by_type = cells["support"].astype(float)
        eligible = len(by_type)
        breadth = int((by_type >= settings.support_threshold).sum())
        levels = sub["level"].dropna().astype(float)
        k = int(sub["levels"].dropna().iloc[0]) if sub["levels"].notna().any() else 0
        caring = sub.loc[sub["supports"], "level"].dropna().astype(float)
        intensity = float(caring.median()) if len(caring) else float("nan")
        cons = consensus(levels, k) if k else float("nan")
        gap = float(by_type.max() - by_type.min()) if eligible >= 2 else 0.0
        if eligible >= 2 and gap >= settings.divisive_gap:
            tag = DIVISIVE
        elif breadth >= max(2, math.ceil(settings.transversal_share * eligible)):
            tag = TRANSVERSAL
        elif breadth >= 1:
            tag = SPECIFIC
        else:
            tag = MINOR
        rows.append({
            "issue_id": issue_id, "label": sub["label"].iloc[0], "theme": sub["theme"].iloc[0],
            "respondents": n, "support": s / n if n else np.nan, "support_ci_low": low,
            "support_ci_high": high,
            "support_by_type_mean": float(by_type.mean()) if eligible else np.nan,
            "breadth": breadth, "min_support": float(by_type.min()) if eligible else np.nan,
            "intensity": intensity, "consensus": cons, "tag": tag,
            "reason": _reason(tag, cells.assign(actor_type=cells["actor_type"].map(
                lambda t: (type_labels or {}).get(t, t))), settings.support_threshold,
                intensity, k, gap),
        })
    out = pd.DataFrame(rows)
    if out.empty:
        return conform(out, "issue_ranking")
    out = out.sort_values(
        ["breadth", "support_by_type_mean", "intensity", "issue_id"],
        ascending=[False, False, False, True], na_position="last",
    )
    out["rank"] = range(1, len(out) + 1)
    return conform(out, "issue_ranking")


def _reason(tag, cells, threshold, intensity, k, gap) -> str:
    """One French sentence saying why the issue got its tag."""
    if cells.empty:
        return "aucun type d'acteurs n'atteint la taille minimale pour être comparé"
    support = cells["support"].astype(float)
    sharing = cells.loc[support >= threshold, "actor_type"].tolist()
    n = len(sharing)
    text = (f"cité par {n} type{'s' if n > 1 else ''} d'acteurs sur {len(cells)} "
            f"(min {support.min() * 100:.0f} %)")
    if k and not math.isnan(intensity):
        text += f", importance médiane {intensity:g}/{k}"
    if tag == DIVISIVE:
        hi = cells.loc[support.idxmax(), "actor_type"]
        lo = cells.loc[support.idxmin(), "actor_type"]
        text += f" ; écart de {gap * 100:.0f} points entre {hi} et {lo}"
    elif tag == SPECIFIC:
        text += f" ; porté par : {', '.join(sharing)}"
    return text
