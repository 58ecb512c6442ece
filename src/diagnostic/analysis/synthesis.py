"""Syntheses: perceived priorities against statistics (regard croisé), and the AFOM table."""

from __future__ import annotations

import pandas as pd

from diagnostic.analysis.links import REFERENCE_LEVELS
from diagnostic.analysis.tags import DIVISIVE, TRANSVERSAL
from diagnostic.i18n import decimal, signed_percent, text
from diagnostic.schemas import conform
from diagnostic.settings import Settings

CONFIRMED, PERCEIVED_ONLY, UNDERRATED, NOT_PRIORITY = (
    "enjeu confirmé",
    "perçu non objectivé",
    "sous-estimé",
    "non prioritaire",
)
SURVEY, INDICATOR, WORKSHOP, WORDS = "enquête", "indicateur", "atelier", "paroles"
#: respondents who must raise an issue in their own words for it to enter the AFOM
MIN_SPOKEN = 3
_GAP_COLUMNS = [
    "issue_id",
    "gap",
    "indicator",
    "indicator_label",
    "reference",
    "area_value",
    "reference_value",
]


def indicator_gaps(
    context: pd.DataFrame, links, settings: Settings = Settings(), *, file: str | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The study area's gap to its reference on each indicator linked to an issue.

    The reference is ``settings.regard_reference`` or, when it has no value for the
    indicator, the next broader level. The gap is relative and signed so that a positive
    gap means the territory is worse off: ``(area / reference − 1)`` when a higher value is
    worse, its opposite when a lower value is (10 % unemployment against 8 % gives +0.25).

    Parameters
    ----------
    context : DataFrame
        The `context` table (its ``index`` column is area / reference × 100).
    links : iterable of IndicatorLink

    Returns
    -------
    (gaps, anomalies)
        gaps: issue_id, gap, indicator, indicator_label, reference, area_value,
        reference_value; anomalies: one row per link whose gap cannot be computed.
    """
    levels = list(REFERENCE_LEVELS)
    order = levels[levels.index(settings.regard_reference) :]
    rows, problems = [], []
    for link in links:
        rows_of = context[context["indicator"] == link.indicator]
        area = rows_of.loc[rows_of["geo_level"] == "zone d'étude", "value"].dropna()
        refs = rows_of[rows_of["geo_level"].isin(order)].copy()
        refs["_rank"] = refs["geo_level"].map(order.index)
        refs = refs.sort_values("_rank")
        usable = refs[refs["index"].notna()]
        if area.empty:
            why = (
                "valeur de la zone d'étude indisponible (indicateur absent pour ses communes "
                "ou non additif)"
            )
        elif refs["value"].dropna().empty:
            why = f"aucune valeur de référence ({', '.join(order)})"
        elif usable.empty:
            why = "rapport à la référence non calculable (valeur nulle ou négative)"
        else:
            ref = usable.iloc[0]
            sign = 1.0 if link.worse_when == "higher" else -1.0
            rows.append(
                {
                    "issue_id": link.issue_id,
                    "indicator": link.indicator,
                    "gap": sign * (float(ref["index"]) / 100 - 1),
                    "indicator_label": ref["label"],
                    "reference": ref["geo_name"],
                    "area_value": float(area.iloc[0]),
                    "reference_value": float(ref["value"]),
                }
            )
            continue
        problems.append(
            {
                "file": file,
                "row": None,
                "column": f"issue_indicators.{link.issue_id}",
                "value": link.indicator,
                "problem": f"regard croisé impossible pour « {link.indicator} » : {why}",
                "action": "enjeu laissé hors du regard croisé",
            }
        )
    return (pd.DataFrame(rows, columns=_GAP_COLUMNS), conform(pd.DataFrame(problems), "anomalies"))


def regard_croise(
    issue_ranking: pd.DataFrame, gaps: pd.DataFrame, settings: Settings = Settings()
) -> pd.DataFrame:
    """Place each issue linked to an indicator in one of four quadrants.

    Parameters
    ----------
    issue_ranking : DataFrame
        The `issue_ranking` table; perceived priority is the type-weighted support
        (overall support when no type is comparable) ≥ `priority_threshold`.
    gaps : DataFrame
        issue_id, gap: the territory's gap to its reference on the linked indicator,
        positive when the territory is worse off (e.g. +0.25 = 25 % fewer doctors);
        objectified when ≥ `gap_threshold`. The other columns of `indicator_gaps`
        (indicator, reference, values) are carried along when present.

    Returns
    -------
    DataFrame
        The `regard_croise` table, issues without indicator left out.
    """
    support = issue_ranking["support_by_type_mean"].fillna(issue_ranking["support"])
    kept = [c for c in _GAP_COLUMNS if c in gaps.columns]
    out = (
        issue_ranking[["issue_id", "label"]]
        .assign(support=support.astype(float))
        .merge(gaps[kept].dropna(subset=["gap"]), on="issue_id")
    )
    out["perceived"] = out["support"] >= settings.priority_threshold
    out["objective"] = out["gap"].astype(float) >= settings.gap_threshold
    out["quadrant"] = [
        (CONFIRMED if o else PERCEIVED_ONLY) if p else (UNDERRATED if o else NOT_PRIORITY)
        for p, o in zip(out["perceived"], out["objective"])
    ]
    return conform(out.sort_values("issue_id"), "regard_croise")


def afom(
    issue_ranking: pd.DataFrame,
    opportunities: pd.DataFrame | None = None,
    regard: pd.DataFrame | None = None,
    shared: pd.DataFrame | None = None,
    category_labels: dict[str, str] | None = None,
    language: str = "fr",
    spoken: pd.DataFrame | None = None,
    reciprocal_limit: int | None = None,
) -> pd.DataFrame:
    """Atouts, faiblesses, opportunités, menaces — every item citing its source.

    Faiblesses: shared issues (enquête) and confirmed ones (indicateur). Menaces: divisive
    issues (enquête), underrated ones (indicateur). Atouts: resources offered by several
    actors (enquête), indicators better than the reference (indicateur). Opportunités:
    reciprocal exchanges and shared needs (enquête), issues gaining ground (atelier).
    With `spoken` (`analysis.text.spoken_issues`: issues the free texts were coded with),
    an issue raised unprompted by at least `MIN_SPOKEN` respondents is a faiblesse (paroles).
    Reciprocal exchanges are counted as distinct pairs of actors; « au moins » when the
    published list reached `reciprocal_limit` (the setting ``max_reciprocal``).

    The tables given are in `language` (their tags, quadrants and trends), as the AFOM is.

    Returns
    -------
    DataFrame
        The `afom` table: category, item, source, evidence.
    """
    labels = category_labels or {}
    rows = []
    say = lambda key, **values: text(key, language, **values)  # noqa: E731
    is_ = lambda value, code: value == code  # noqa: E731  (tables hold codes)

    def add(category, item, source, evidence):
        rows.append({"category": category, "item": item, "source": source, "evidence": evidence})

    for r in issue_ranking.sort_values("rank").itertuples():
        if is_(r.tag, TRANSVERSAL):
            add("faiblesses", r.label, SURVEY, say("afom.transversal", reason=r.reason))
        elif is_(r.tag, DIVISIVE):
            add(
                "menaces",
                say("afom.disagreement", label=r.label),
                SURVEY,
                say("afom.divisive", reason=r.reason),
            )
    if regard is not None:
        for r in regard.sort_values("issue_id").itertuples():
            evidence = say("afom.gap", gap=signed_percent(r.gap, language), support=r.support * 100)
            if not pd.isna(getattr(r, "indicator_label", pd.NA)):
                evidence = say(
                    "afom.values",
                    indicator=r.indicator_label,
                    area=decimal(r.area_value, 1, language),
                    reference=decimal(r.reference_value, 1, language),
                    name=r.reference,
                    evidence=evidence,
                )
            if is_(r.quadrant, CONFIRMED):
                add("faiblesses", r.label, INDICATOR, say("afom.confirmed", evidence=evidence))
            elif is_(r.quadrant, UNDERRATED):
                add("menaces", say("afom.underrated", label=r.label), INDICATOR, evidence)
            elif r.gap < 0:
                add("atouts", r.label, INDICATOR, say("afom.better", evidence=evidence))
    if opportunities is not None and len(opportunities):

        def per_resource(kind: str, quadrant: str, item: str, evidence: str) -> None:
            """One line per resource pooled or shared: its actors counted."""
            for r in opportunities[opportunities["kind"] == kind].itertuples():
                n = len(str(r.actors).split(" ; "))
                category = labels.get(r.category, r.category)
                add(quadrant, say(item, category=category), SURVEY, say(evidence, n=n))

        per_resource("pooling", "atouts", "afom.resource", "afom.offered")
        exchanges = opportunities[opportunities["kind"] == "reciprocal"]
        pairs = exchanges["actors"].nunique()  # a pair may swap several resources
        if pairs:
            capped = reciprocal_limit is not None and len(exchanges) >= reciprocal_limit
            key = "afom.pairs_at_least" if capped else "afom.pairs"
            add("opportunités", say("afom.reciprocal"), SURVEY, say(key, n=pairs))
        per_resource("mutualisation", "opportunités", "afom.mutualisation", "afom.shared_need")
    if shared is not None:
        for r in shared[shared["trend"] == "gagne du terrain"].itertuples():
            add(
                "opportunités",
                say("afom.momentum", label=r.label),
                WORKSHOP,
                say("afom.gained", shift=r.shift, share=r.workshop_share * 100),
            )
    if spoken is not None:
        for r in spoken[spoken["respondents"] >= MIN_SPOKEN].itertuples():
            add("faiblesses", r.label, WORDS, say("afom.spoken", n=r.respondents))
    order = {c: i for i, c in enumerate(["atouts", "faiblesses", "opportunités", "menaces"])}
    out = pd.DataFrame(rows, columns=["category", "item", "source", "evidence"])
    out = out.iloc[sorted(range(len(out)), key=lambda i: order[out["category"].iloc[i]])]
    return conform(out, "afom")
