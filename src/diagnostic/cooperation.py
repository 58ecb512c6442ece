"""Cooperation opportunities: needs meet offers on one shared resource vocabulary."""

from __future__ import annotations

import unicodedata

import pandas as pd
from rapidfuzz import fuzz

from diagnostic.schemas import conform
from diagnostic.settings import Settings

STATUS_DEFAULT = "à valider"
STATUSES = ("à valider", "validé", "écarté")
KIND_LABELS = {"reciprocal": "réciproque", "direct": "directe",
               "mutualisation": "mutualisation", "pooling": "mise en commun"}
_WILLINGNESS_TEXT = {1.0: "prêt à coopérer", 0.5: "peut-être prêt à coopérer"}


def willingness(value) -> float | None:
    """Score a willingness answer: 1 yes, 0.5 maybe or unknown, None for a refusal."""
    if value is None or value is pd.NA or not str(value).strip():
        return 0.5
    text = unicodedata.normalize("NFKD", str(value)).encode("ascii", "ignore").decode().lower()
    if text.startswith(("non", "no", "pas")) and not text.startswith("not sure"):
        return None
    if text.startswith(("oui", "yes", "y", "1")):
        return 1.0
    return 0.5


def _geo(a_commune, b_commune, a_epci, b_epci) -> tuple[float, str]:
    if pd.notna(a_commune) and pd.notna(b_commune) and a_commune == b_commune:
        return 1.0, "dans la même commune"
    if pd.notna(a_epci) and pd.notna(b_epci) and a_epci == b_epci:
        return 0.6, "dans la même intercommunalité"
    if pd.isna(a_commune) or pd.isna(b_commune):
        return 0.3, "commune non connue"
    return 0.2, "dans le territoire"


def match_needs_offers(needs: pd.DataFrame, offers: pd.DataFrame, actors: pd.DataFrame,
                       category_labels: dict[str, str] | None = None,
                       settings: Settings = Settings()) -> pd.DataFrame:
    """Find cooperation opportunities between actors.

    An actor who refused to cooperate never appears; "maybe" lowers the score.

    Parameters
    ----------
    needs, offers : DataFrame
        The `needs` and `offers` tables (same category vocabulary).
    actors : DataFrame
        The `actors` table, placed on communes, with `cooperation`.
    category_labels : dict, optional
        French label of each category, for explanations.

    Returns
    -------
    DataFrame
        The `opportunities` table: reciprocal matches first, then direct matches,
        mutualisation and pooling, each group by decreasing score.
    """
    labels = category_labels or {}
    info = actors.set_index("actor_id")
    will = {a: willingness(v) for a, v in info["cooperation"].items()}
    ok = {a for a, w in will.items() if w is not None}
    needs = needs[needs["actor_id"].isin(ok) & (needs["category"] != "autre")]
    offers = offers[offers["actor_id"].isin(ok) & (offers["category"] != "autre")]
    pairs = needs.merge(offers, on="category", suffixes=("_need", "_offer"))
    pairs = pairs[pairs["actor_id_need"] != pairs["actor_id_offer"]]
    rows = []
    for p in pairs.itertuples():
        n, o = p.actor_id_need, p.actor_id_offer
        geo, where = _geo(info.at[n, "commune_code"], info.at[o, "commune_code"],
                          info.at[n, "epci_code"], info.at[o, "epci_code"])
        text = (fuzz.token_set_ratio(str(p.text_need), str(p.text_offer)) / 100
                if pd.notna(p.text_need) and pd.notna(p.text_offer) else 0.0)
        w = will[n] * will[o]
        score = (settings.weight_category + settings.weight_text * text
                 + settings.weight_geo * geo + settings.weight_willingness * w)
        rows.append({
            "kind": "direct", "actors": f"{n} ; {o}", "need_actor": n, "offer_actor": o,
            "category": p.category, "score": round(score, 4), "score_category": 1.0,
            "score_text": text, "score_geo": geo, "score_willingness": w,
            "explanation": (
                f"{_who(info, n)} a besoin de « {labels.get(p.category, p.category)} » ; "
                f"{_who(info, o)} en propose, {where}. "
                f"{_both(will[n], will[o])}"
            ),
        })
    direct = pd.DataFrame(rows)
    if not direct.empty:
        direct = (direct.sort_values(["score", "need_actor", "offer_actor"],
                                     ascending=[False, True, True])
                  .groupby(["need_actor", "category"]).head(settings.max_offers_per_need))
    out = [_reciprocal(direct, info, labels), direct,
           _groups(needs, info, labels, settings, "mutualisation"),
           _groups(offers, info, labels, settings, "pooling")]
    frame = pd.concat([f for f in out if f is not None and not f.empty], ignore_index=True) \
        if any(f is not None and not f.empty for f in out) else pd.DataFrame()
    frame["status"] = STATUS_DEFAULT
    return conform(frame, "opportunities")


def _who(info: pd.DataFrame, actor: str) -> str:
    kind = info.at[actor, "actor_type"]
    return f"l'acteur {actor} ({kind if pd.notna(kind) else 'type non précisé'})"


def _both(a: float, b: float) -> str:
    if a == b == 1.0:
        return "Les deux sont prêts à coopérer."
    return (f"Volonté de coopérer : {_WILLINGNESS_TEXT.get(a, '?')} et "
            f"{_WILLINGNESS_TEXT.get(b, '?')}.")


def _reciprocal(direct: pd.DataFrame, info, labels) -> pd.DataFrame | None:
    """Pairs of actors who can each give the other something: ranked first."""
    if direct.empty:
        return None
    fwd = direct[["need_actor", "offer_actor", "category", "score", "score_geo",
                  "score_willingness", "score_text"]]
    back = fwd.merge(fwd, left_on=["need_actor", "offer_actor"],
                     right_on=["offer_actor", "need_actor"], suffixes=("", "_back"))
    back = back[back["need_actor"] < back["offer_actor"]]
    rows = []
    for r in back.itertuples():
        a, b = r.need_actor, r.offer_actor
        rows.append({
            "kind": "reciprocal", "actors": f"{a} ; {b}", "need_actor": a, "offer_actor": b,
            "category": f"{r.category} ↔ {r.category_back}",
            "score": round((r.score + r.score_back) / 2 + 0.1, 4), "score_category": 1.0,
            "score_text": r.score_text, "score_geo": r.score_geo,
            "score_willingness": r.score_willingness,
            "explanation": (
                f"Échange possible dans les deux sens : {_who(info, b)} peut apporter "
                f"« {labels.get(r.category, r.category)} » à {_who(info, a)}, qui peut lui "
                f"apporter « {labels.get(r.category_back, r.category_back)} »."
            ),
        })
    out = pd.DataFrame(rows)
    return out.sort_values(["score", "actors"], ascending=[False, True]) if len(out) else None


def _groups(table: pd.DataFrame, info, labels, settings: Settings, kind: str):
    """Several actors with the same need (mutualisation) or offer (pooling)."""
    rows = []
    least = settings.min_mutualisation if kind == "mutualisation" else 2
    for category, sub in table.groupby("category", sort=True):
        members = sorted(sub["actor_id"].unique())
        if len(members) < least:
            continue
        types = info.loc[members, "actor_type"].fillna("non précisé").value_counts()
        mix = ", ".join(f"{n} {t}" for t, n in types.items())
        verb = "ont besoin de" if kind == "mutualisation" else "proposent"
        rows.append({
            "kind": kind, "actors": " ; ".join(members), "category": category,
            "score": round(min(1.0, len(members) / 10), 4), "score_category": 1.0,
            "explanation": (f"{len(members)} acteurs ({mix}) {verb} "
                            f"« {labels.get(category, category)} » : une mise en commun "
                            "est à étudier en atelier."),
        })
    out = pd.DataFrame(rows)
    return out.sort_values(["score", "category"], ascending=[False, True]) if len(out) else None
