"""Syntheses: perceived priorities against statistics (regard croisé), and the AFOM table."""

from __future__ import annotations

import pandas as pd

from diagnostic.issues import DIVISIVE, TRANSVERSAL
from diagnostic.schemas import conform
from diagnostic.settings import Settings

CONFIRMED, PERCEIVED_ONLY, UNDERRATED, NOT_PRIORITY = (
    "enjeu confirmé", "perçu non objectivé", "sous-estimé", "non prioritaire")
SURVEY, INDICATOR, WORKSHOP = "enquête", "indicateur", "atelier"


def regard_croise(issue_ranking: pd.DataFrame, gaps: pd.DataFrame,
                  settings: Settings = Settings()) -> pd.DataFrame:
    """Place each issue linked to an indicator in one of four quadrants.

    Parameters
    ----------
    issue_ranking : DataFrame
        The `issue_ranking` table; perceived priority is the type-weighted support
        (overall support when no type is comparable) ≥ `priority_threshold`.
    gaps : DataFrame
        issue_id, gap: the territory's gap to its reference on the linked indicator,
        positive when the territory is worse off (e.g. +0.25 = 25 % fewer doctors);
        objectified when ≥ `gap_threshold`.

    Returns
    -------
    DataFrame
        The `regard_croise` table, issues without indicator left out.
    """
    support = issue_ranking["support_by_type_mean"].fillna(issue_ranking["support"])
    out = issue_ranking[["issue_id", "label"]].assign(support=support.astype(float)).merge(
        gaps[["issue_id", "gap"]].dropna(), on="issue_id")
    out["perceived"] = out["support"] >= settings.priority_threshold
    out["objective"] = out["gap"].astype(float) >= settings.gap_threshold
    out["quadrant"] = [
        (CONFIRMED if o else PERCEIVED_ONLY) if p else (UNDERRATED if o else NOT_PRIORITY)
        for p, o in zip(out["perceived"], out["objective"])]
    return conform(out.sort_values("issue_id"), "regard_croise")


def _pct(x: float) -> str:
    return f"{x * 100:+.0f} %".replace("+", "+ ").replace("-", "− ")


def afom(issue_ranking: pd.DataFrame, opportunities: pd.DataFrame | None = None,
         regard: pd.DataFrame | None = None, shared: pd.DataFrame | None = None,
         category_labels: dict[str, str] | None = None) -> pd.DataFrame:
    """Atouts, faiblesses, opportunités, menaces — every item citing its source.

    Faiblesses: shared issues (enquête) and confirmed ones (indicateur). Menaces: divisive
    issues (enquête), underrated ones (indicateur). Atouts: resources offered by several
    actors (enquête), indicators better than the reference (indicateur). Opportunités:
    reciprocal exchanges and shared needs (enquête), issues gaining ground (atelier).

    Returns
    -------
    DataFrame
        The `afom` table: category, item, source, evidence.
    """
    labels = category_labels or {}
    rows = []
    def add(category, item, source, evidence):
        rows.append({"category": category, "item": item, "source": source, "evidence": evidence})

    for r in issue_ranking.sort_values("rank").itertuples():
        if r.tag == TRANSVERSAL:
            add("faiblesses", r.label, SURVEY, f"Enjeu transversal : {r.reason}")
        elif r.tag == DIVISIVE:
            add("menaces", f"Désaccord sur : {r.label}", SURVEY, f"Enjeu clivant : {r.reason}")
    if regard is not None:
        for r in regard.sort_values("issue_id").itertuples():
            evidence = f"écart à la référence {_pct(r.gap)}, soutien {r.support * 100:.0f} %"
            if r.quadrant == CONFIRMED:
                add("faiblesses", r.label, INDICATOR,
                    f"Enjeu confirmé par les chiffres : {evidence}")
            elif r.quadrant == UNDERRATED:
                add("menaces", f"Enjeu sous-estimé : {r.label}", INDICATOR, evidence)
            elif r.gap < 0:
                add("atouts", r.label, INDICATOR, f"Situation plus favorable que la référence : "
                    f"{evidence}")
    if opportunities is not None and len(opportunities):
        for r in opportunities[opportunities["kind"] == "pooling"].itertuples():
            n = len(str(r.actors).split(" ; "))
            add("atouts", f"Ressource disponible : {labels.get(r.category, r.category)}", SURVEY,
                f"proposée par {n} acteurs proches")
        reciprocal = int((opportunities["kind"] == "reciprocal").sum())
        if reciprocal:
            add("opportunités", "Échanges réciproques entre acteurs", SURVEY,
                f"{reciprocal} paires d'acteurs peuvent chacune apporter quelque chose à l'autre")
        for r in opportunities[opportunities["kind"] == "mutualisation"].itertuples():
            n = len(str(r.actors).split(" ; "))
            add("opportunités", f"Mutualisation : {labels.get(r.category, r.category)}", SURVEY,
                f"besoin partagé par {n} acteurs")
    if shared is not None:
        for r in shared[shared["trend"] == "gagne du terrain"].itertuples():
            add("opportunités", f"Mobilisation en atelier : {r.label}", WORKSHOP,
                f"{r.shift} rang(s) gagné(s) entre l'enquête et l'atelier "
                f"({r.workshop_share * 100:.0f} % des gommettes)")
    order = {c: i for i, c in enumerate(["atouts", "faiblesses", "opportunités", "menaces"])}
    out = pd.DataFrame(rows, columns=["category", "item", "source", "evidence"])
    out = out.iloc[sorted(range(len(out)), key=lambda i: order[out["category"].iloc[i]])]
    return conform(out, "afom")
