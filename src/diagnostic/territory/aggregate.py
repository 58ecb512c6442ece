"""Aggregate commune indicators to areas: sum counts, recompute rates, never average them."""

from __future__ import annotations

import pandas as pd

from diagnostic.schemas import conform
from diagnostic.territory.catalogue import indicator

#: Départements of each région (COG since 2016); used to know when a file covers a région.
REGION_DEPARTEMENTS = {
    "11": "75 77 78 91 92 93 94 95",
    "24": "18 28 36 37 41 45",
    "27": "21 25 39 58 70 71 89 90",
    "28": "14 27 50 61 76",
    "32": "02 59 60 62 80",
    "44": "08 10 51 52 54 55 57 67 68 88",
    "52": "44 49 53 72 85",
    "53": "22 29 35 56",
    "75": "16 17 19 23 24 33 40 47 64 79 86 87",
    "76": "09 11 12 30 31 32 34 46 48 65 66 81 82",
    "84": "01 03 07 15 26 38 42 43 63 69 73 74",
    "93": "04 05 06 13 83 84",
    "94": "2A 2B",
    "01": "971",
    "02": "972",
    "03": "973",
    "04": "974",
    "06": "976",
}
REGION_OF = {d: r for r, deps in REGION_DEPARTEMENTS.items() for d in deps.split()}
#: Mayotte is outside the field of several INSEE files; France is complete without it.
FRANCE = set(REGION_OF) - {"976"}


def departement_of(code: str) -> str:
    """``61001`` → ``61``, ``2A004`` → ``2A``, ``97101`` → ``971``."""
    return code[:3] if code.startswith("97") else code[:2]


def aggregate_indicators(indicators: pd.DataFrame, members: pd.DataFrame) -> pd.DataFrame:
    """Aggregate commune rows of the `indicators` table to areas.

    Parameters
    ----------
    indicators : DataFrame
        The `indicators` table at commune level, codes in the same vintage as `members`.
    members : DataFrame
        geo_level, geo_code, commune_code: which communes make up each area.

    Returns
    -------
    DataFrame
        The `indicators` table at the areas' levels. Counts are summed, rates recomputed
        from summed numerators and denominators. An area where a commune lacks the data
        (secret, blank, absent) gets no value and a `missing_reason`; non-additive
        indicators (medians…) get a value only for single-commune areas.

    Examples
    --------
    >>> ind = pd.DataFrame({"geo_code": ["a", "b"], "indicator": "taux_chomage", "year": 2022,
    ...     "value": [10.0, 50.0], "numerator": [1.0, 5.0], "denominator": [10.0, 10.0]})
    >>> m = pd.DataFrame({"geo_level": "zone", "geo_code": "z", "commune_code": ["a", "b"]})
    >>> float(aggregate_indicators(ind, m)["value"].iloc[0])
    30.0
    """
    commune = (
        conform(indicators, "indicators")
        .drop(columns=["geo_level"])
        .rename(columns={"geo_code": "commune_code"})
    )
    size = members.groupby(["geo_level", "geo_code"]).size().rename("members")
    grid = members.merge(pd.DataFrame({"indicator": commune["indicator"].unique()}), how="cross")
    data = grid.merge(commune, on=["commune_code", "indicator"], how="left")
    kinds = {code: indicator(code) for code in data["indicator"].unique()}
    kind = data["indicator"].map(lambda c: kinds[c].kind)
    ratio = (kind == "ratio").to_numpy()
    data["ok"] = data["value"].notna().to_numpy()
    data.loc[ratio, "ok"] = (data["numerator"].notna() & data["denominator"].notna())[ratio]
    keys = ["geo_level", "geo_code", "indicator"]
    out = (
        data.groupby(keys, sort=False)
        .agg(
            numerator=("numerator", lambda s: s.sum(min_count=1)),
            denominator=("denominator", lambda s: s.sum(min_count=1)),
            value_one=("value", "first"),
            have=("ok", "sum"),
            year=("year", "max"),
            source=("source", "first"),
            reason=(
                "missing_reason",
                lambda s: s.dropna().mode().iloc[0] if s.notna().any() else None,
            ),
        )
        .reset_index()
        .join(size, on=["geo_level", "geo_code"])
    )
    rows = []
    for r in out.itertuples():
        spec = kinds[r.indicator]
        value, reason = None, None
        if spec.kind == "published" and r.members > 1:
            reason = "indicateur non additif (médiane, taux publié) : pas d'agrégat calculable"
        elif r.have < r.members:
            lacking = r.members - r.have
            reason = f"donnée manquante pour {lacking} commune(s) sur {r.members}" + (
                f" ({r.reason})" if isinstance(r.reason, str) else ""
            )
        elif spec.kind == "published":
            value = r.value_one
        elif spec.kind == "sum":
            value = r.numerator
        elif r.denominator:
            value = r.numerator / r.denominator * spec.scale
        else:
            reason = "dénominateur nul"
        rows.append(
            {
                "geo_level": r.geo_level,
                "geo_code": r.geo_code,
                "indicator": r.indicator,
                "year": r.year,
                "value": value,
                "numerator": r.numerator
                if spec.kind != "published" and value is not None
                else None,
                "denominator": r.denominator
                if spec.kind == "ratio" and value is not None
                else None,
                "source": r.source,
                "missing_reason": reason,
            }
        )
    return conform(
        pd.DataFrame(
            rows,
            columns=list(out.columns[:3])
            + ["year", "value", "numerator", "denominator", "source", "missing_reason"],
        ),
        "indicators",
    )


def combine_vintage(indicators: pd.DataFrame, new_codes: pd.Series) -> pd.DataFrame:
    """Re-key commune rows to the study's vintage, merging absorbed communes into their parent.

    Rows of absorbed communes without data are dropped (merged communes are published
    empty); counts of several rows landing on one commune are summed; a non-additive value
    published for several former communes becomes missing with a reason.
    """
    moved = indicators.assign(geo_code=new_codes.to_numpy(), _old=indicators["geo_code"])
    moved = moved[moved["geo_code"].notna()]
    moved = moved[(moved["geo_code"] == moved["_old"]) | moved["value"].notna()]
    dup = moved.duplicated(["geo_code", "indicator"], keep=False)
    if not dup.any():
        return conform(moved, "indicators")
    single = moved[~dup]
    groups = []
    for (_code, name), g in moved[dup].groupby(["geo_code", "indicator"], sort=False):
        spec = indicator(name)
        row = g.iloc[0].to_dict()
        if spec.kind == "published":
            row.update(
                value=None,
                missing_reason="valeurs publiées pour des communes "
                f"fusionnées depuis ({', '.join(sorted(g['_old']))}) : non additionnables",
            )
        else:
            num, den = g["numerator"].sum(min_count=1), g["denominator"].sum(min_count=1)
            value = num if spec.kind == "sum" else (num / den * spec.scale if den else None)
            row.update(
                value=value,
                numerator=num,
                denominator=den,
                missing_reason=None if value is not None else "dénominateur nul",
            )
        groups.append(row)
    return conform(pd.concat([single, pd.DataFrame(groups)], ignore_index=True), "indicators")
