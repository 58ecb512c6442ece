"""Cooperation opportunities: needs meet offers on one shared resource vocabulary.

Direct matching goes through an index on resource categories: each need only meets the
offers of its category in the same commune, the same EPCI and the most willing of the
territory (`max_candidates` at each scale), so the work grows linearly with the number of
actors. Reciprocal exchanges are searched exhaustively, by resource pair (an actor who needs
X and offers Y meets every actor who needs Y and offers X), whatever the number of actors;
the `max_reciprocal` best are published, and no exchange left out scores more than the
lowest one published (see `_exchanges`).
"""

from __future__ import annotations

import re
from collections import Counter
from typing import cast

import numpy as np
import pandas as pd
from rapidfuzz import fuzz

from diagnostic._io.text import fold
from diagnostic.forms.scales import is_non_substantive, is_not_a_lead, word_position
from diagnostic.i18n import TEXTS, text
from diagnostic.schemas import conform, validate
from diagnostic.settings import Settings

STATUS_DEFAULT = "à valider"
STATUSES = ("à valider", "validé", "écarté")
KIND_LABELS = {
    "reciprocal": "réciproque",
    "direct": "directe",
    "mutualisation": "mutualisation",
    "pooling": "mise en commun",
}
KIND_LABELS_EN = {
    "reciprocal": "reciprocal",
    "direct": "direct",
    "mutualisation": "shared need",
    "pooling": "shared offer",
}
COMPETITION = "risque de concurrence"
#: Willingness of an actor who did not answer the cooperation question, in explanations.
UNKNOWN = -1.0
_STOPWORDS = frozenset(
    [
        "a",
        "au",
        "aux",
        "avec",
        "ce",
        "ces",
        "d",
        "dans",
        "de",
        "des",
        "du",
        "en",
        "et",
        "l",
        "la",
        "le",
        "les",
        "leur",
        "leurs",
        "nos",
        "notre",
        "nous",
        "ou",
        "par",
        "pour",
        "qu",
        "que",
        "qui",
        "sa",
        "se",
        "ses",
        "son",
        "sur",
        "un",
        "une",
        "vos",
        "votre",
    ]
)


def kind_labels(language: str = "fr") -> dict[str, str]:
    """Display label of each kind of opportunity (``kind`` code) in `language`."""
    return KIND_LABELS_EN if language == "en" else KIND_LABELS


AGREE, HESITATE, REFUSE, NO_ANSWER = "yes", "maybe", "no", "unknown"
_HESITATION = re.compile(
    r"\b(peut etre|maybe|perhaps|possibly|possiblement|eventuellement|a voir|nous verrons|"
    r"on verra|je verrai|a discuter|a etudier|a reflechir|pourquoi pas|why not|pas sure?|"
    r"not sure|unsure|undecided|indecise?|sous conditions?|ca depend|cela depend|"
    r"it depends|depends|selon|pas encore|not yet|en reflexion)\b"
)
_PROBABLY = re.compile(r"\b(probablement|probably|sans doute|likely)\b")
_CODES = {"y": AGREE, "o": AGREE, "n": REFUSE}


def stance(value, label=None) -> str:
    """What a willingness answer says, from its label (its code only when the label is
    absent), in French or English: ``yes``, ``maybe``, ``no`` or ``unknown``.

    « Plutôt non », « not really », « pas du tout » are refusals; « peut-être », « à voir »,
    « nous verrons » hesitations; an empty answer, a non-answer ("ne sait pas") or a wording
    not recognised is ``unknown``.

    >>> stance("A3", "Non"), stance("2", "Plutôt non"), stance("N"), stance("x", "Nous verrons")
    ('no', 'no', 'no', 'maybe')
    """
    given = label if label is not None and label is not pd.NA and str(label).strip() else value
    if given is None or given is pd.NA or not str(given).strip():
        return NO_ANSWER
    if is_non_substantive(given):
        return NO_ANSWER
    words = " ".join(re.findall(r"[a-z0-9]+", fold(given)))
    if words in _CODES:
        return _CODES[words]
    position = word_position(given)
    if _HESITATION.search(words) and (position is None or position[1] >= 0):
        return HESITATE
    if _PROBABLY.search(words):
        return REFUSE if re.search(r"\b(pas|not)\b", words) else AGREE
    if position is None or position[0] != "polar":
        return NO_ANSWER
    return REFUSE if position[1] < 0 else AGREE if position[1] > 0 else HESITATE


_SCORES = {AGREE: 1.0, HESITATE: 0.5, NO_ANSWER: 0.5, REFUSE: None}


def willingness(value, label=None) -> float | None:
    """Score a willingness answer (see `stance`): 1 yes, 0.5 maybe or unknown, None for a
    refusal."""
    return _SCORES[stance(value, label)]


def unrecognised_willingness(actors: pd.DataFrame, labels: dict | None = None) -> pd.DataFrame:
    """Anomalies: one row per file and willingness answer whose meaning is not recognised
    (neither agreement, hesitation nor refusal), with how many actors gave it."""
    labels = labels or {}
    rows = []  # type: ignore[var-annotated]
    if "cooperation" not in actors or actors.empty:
        return conform(pd.DataFrame(rows), "anomalies")
    given = actors[actors["cooperation"].notna()]
    for (file, value), sub in given.groupby(
        [given["source_file"].fillna(""), given["cooperation"]], sort=True
    ):
        label_ = labels.get(str(value))
        if stance(value, label_) != NO_ANSWER or is_non_substantive(value, label_):
            continue
        shown = label_ or value
        first = ", ".join(str(r) for r in sub["source_row"].dropna().astype(int).tolist()[:5])
        rows.append(
            {
                "file": file or None,
                "row": None,
                "column": "cooperation",
                "value": str(shown),
                "problem": (
                    f"volonté de coopérer non reconnue (ni accord, ni hésitation, ni refus) : "
                    f"{len(sub)} acteur(s), lignes {first}{'…' if len(sub) > 5 else ''} ; "
                    "volonté traitée comme inconnue"
                ),
                "action": "conservé",
            }
        )
    return conform(pd.DataFrame(rows), "anomalies")


def normalise_text(text) -> str:
    """Lower-case, accent-free words of a French text, without the little words.

    >>> normalise_text("Un minibus pour les sorties des Aînés")
    'minibus sorties aines'
    """
    if text is None or text is pd.NA or (isinstance(text, float) and np.isnan(text)):
        return ""
    words = re.split(r"[^a-z0-9]+", fold(text))
    return " ".join(w for w in words if w and w not in _STOPWORDS)


def text_similarity(a, b) -> float:
    """Similarity (0–1) of two free texts, insensitive to accents, case and word order."""
    a, b = normalise_text(a), normalise_text(b)
    return fuzz.token_set_ratio(a, b) / 100 if a and b else 0.0


def haversine_km(lat1, lon1, lat2, lon2):
    """Great-circle distance in km between points given in degrees (vectorised)."""
    lat1, lon1, lat2, lon2 = (
        np.radians(np.asarray(x, dtype=float)) for x in (lat1, lon1, lat2, lon2)
    )
    h = (
        np.sin((lat2 - lat1) / 2) ** 2
        + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0088 * np.arcsin(np.sqrt(h))


def _actor_info(
    actors, coordinates, type_labels, language: str = "fr", labels_of_will=None
) -> pd.DataFrame:
    """Actors sorted by id, with an integer code (ids compare like their codes)."""
    info = actors.drop_duplicates("actor_id").set_index("actor_id").sort_index()
    out = pd.DataFrame({"code": np.arange(len(info))}, index=info.index.astype(object))
    for col in ("actor_type", "sector", "commune_code", "epci_code"):
        out[col] = (
            info[col].astype(object).where(info[col].notna(), None).to_numpy()
            if col in info
            else None
        )
    given = labels_of_will or {}
    unique = (
        {
            v: stance(v, given.get(str(v)) if v is not None and v is not pd.NA else None)
            for v in info["cooperation"].astype(object).unique()
        }
        if "cooperation" in info
        else {}
    )
    said = (
        info["cooperation"].astype(object).map(unique).to_numpy(dtype=object)
        if unique
        else np.full(len(info), NO_ANSWER, dtype=object)
    )
    out["will"] = pd.Series(said).map(_SCORES).to_numpy(float)
    # an actor who did not answer, was not asked, or gave an answer whose meaning is not
    # recognised is scored like « maybe » but said to be without an answer, never « maybe ready »
    out["known"] = said != NO_ANSWER
    labels = type_labels or {}
    unknown = text("coop.no_type", language)
    kind = out["actor_type"].map(lambda t: labels.get(t, t) if t else unknown)
    out["type_label"] = kind
    out["who"] = [
        text("coop.who", language, id=i, kind=k) for i, k in zip(out.index.astype(str), kind)
    ]
    for col in ("commune_code", "epci_code", "sector"):  # integer keys: fast merges
        out["k_" + col] = pd.factorize(out[col], use_na_sentinel=True)[0]
    coords = (
        coordinates.drop_duplicates("commune_code").set_index("commune_code")
        if coordinates is not None and len(coordinates)
        else None
    )
    for col in ("lat", "lon"):
        out[col] = (
            out["commune_code"].map(coords[col]).astype(float) if coords is not None else np.nan
        )
    return out


def _leads(table: pd.DataFrame, labels: dict) -> pd.DataFrame:
    """The needs or offers that can be leads: "other", "none" and "don't know" left out."""
    cats = table["category"].astype(object)
    unique = {c: not is_not_a_lead(c, labels.get(c)) for c in cats.dropna().unique()}
    return table[cats.map(unique).fillna(False).to_numpy(dtype=bool)]


def _resources(table: pd.DataFrame, info: pd.DataFrame) -> pd.DataFrame:
    """One row per willing actor and category, texts joined; "autre" left to the workshop."""
    table = table[
        table["actor_id"].isin(info.index[info["will"].notna()])
        & table["category"].notna()
        & (table["category"] != "autre")
    ]
    text = table["text"] if "text" in table else pd.Series(pd.NA, index=table.index)
    table = pd.DataFrame(
        {
            "actor_id": table["actor_id"].astype(object),
            "category": table["category"].astype(object),
            "text": text.astype(object).where(text.notna(), ""),
        }
    )
    written = (
        table[table["text"] != ""].drop_duplicates().sort_values(["actor_id", "category", "text"])
    )
    written = written.groupby(["actor_id", "category"], sort=False)["text"].agg(" ; ".join)
    out = table[["actor_id", "category"]].drop_duplicates().sort_values(["actor_id", "category"])
    out = out.join(written, on=["actor_id", "category"]).fillna({"text": ""})
    out["code"] = info.loc[out["actor_id"], "code"].to_numpy()
    return out.reset_index(drop=True)


def _candidates(needs, offers, info, settings: Settings) -> pd.DataFrame:
    """Need × offer pairs through the category index, at most `max_candidates` per scale."""
    cats = sorted(set(needs["category"]) | set(offers["category"]))
    place = info.set_index("code")[["k_commune_code", "k_epci_code", "will"]]
    side = {}
    for name, table in (("need", needs), ("offer", offers)):
        side[name] = pd.DataFrame(
            {
                "row": np.arange(len(table)),
                "code": table["code"].to_numpy(),
                "cat": pd.Categorical(table["category"], categories=cats).codes,
            }
        ).join(place, on="code")
    blocks = []
    for key in ("k_commune_code", "k_epci_code", None):
        keys = ["cat"] + ([key] if key else [])
        offer = side["offer"][side["offer"][key] >= 0] if key else side["offer"]
        need = side["need"][side["need"][key] >= 0] if key else side["need"]
        top = (
            offer.sort_values(keys + ["will", "code"], ascending=[True] * len(keys) + [False, True])
            .groupby(keys, sort=False)
            .head(settings.max_candidates)
        )
        blocks.append(
            need[["row", "code"] + keys].merge(
                top[["row", "code"] + keys], on=keys, suffixes=("_need", "_offer")
            )
        )
    pairs = pd.concat(blocks, ignore_index=True)
    pairs = pairs[pairs["code_need"] != pairs["code_offer"]]
    # a pair met at several scales kept once (its first): one integer key per pair
    key = pairs["row_need"].to_numpy(np.int64) * (len(offers) + 1) + pairs["row_offer"].to_numpy()
    pairs = pairs[~pd.Series(key).duplicated().to_numpy()][
        ["code_need", "code_offer", "row_need", "row_offer", "cat"]
    ].reset_index(drop=True)
    return pairs.assign(category=needs["category"].to_numpy()[pairs["row_need"]])


def _exchanging(needs, offers, info) -> pd.DataFrame:
    """Each willing actor's (resource it needs, resource it offers): one small product per
    actor, the key of the exhaustive reciprocal search (`_exchanges`)."""
    both = needs[["code", "category"]].merge(
        offers[["code", "category"]], on="code", suffixes=("_need", "_offer")
    )
    return both.sort_values(["category_need", "category_offer", "code"], kind="stable")


#: Reciprocal exchanges scored at once (memory: about 100 bytes each).
EXCHANGE_BATCH = 1_000_000


def _exchange_batches(needs, offers, info, batch: int):
    """Every reciprocal exchange, by resource pair, in batches of about `batch` exchanges.

    A needs X and offers Y, B needs Y and offers X: A is among the actors of (X, Y), B among
    those of (Y, X), and every such A, B with A < B is one exchange (its mirror B, A is the
    same exchange). The work is the actors' own products plus the exchanges found, never
    every need × offer pair. Yields arrays (A codes, B codes, X, Y).
    """
    keyed = _exchanging(needs, offers, info)
    groups = {
        key: sub["code"].to_numpy(np.int64)
        for key, sub in keyed.groupby(["category_need", "category_offer"], sort=True)
    }
    parts: list = []
    size = 0
    for (x, y), a in groups.items():
        b = groups.get((y, x))
        if b is None:
            continue
        aa, bb = np.repeat(a, len(b)), np.tile(b, len(a))
        keep = aa < bb
        if keep.any():
            parts.append((aa[keep], bb[keep], x, y))
            size += int(keep.sum())
        if size >= batch:
            yield parts
            parts, size = [], 0
    if parts:
        yield parts


def _exchanges(needs, offers, info, settings: Settings) -> tuple[pd.DataFrame, pd.MultiIndex]:
    """The need × offer pairs of the `max_reciprocal` best reciprocal exchanges, found by an
    exhaustive search (`_exchange_batches`): no exchange left out scores more than the
    lowest one kept (equal scores: lowest actor codes first)."""
    cats = sorted(set(needs["category"]) | set(offers["category"]))
    cat_code = {c: i for i, c in enumerate(cats)}
    row_need, row_offer = (_row_index(t, cat_code, len(info)) for t in (needs, offers))
    top: tuple | None = None
    floor, will = -np.inf, info["will"].to_numpy()
    need_text, offer_text = needs["text"].to_numpy() != "", offers["text"].to_numpy() != ""
    for parts in _exchange_batches(needs, offers, info, EXCHANGE_BATCH):
        a = np.concatenate([p[0] for p in parts])
        b = np.concatenate([p[1] for p in parts])
        x = np.concatenate([np.full(len(p[0]), cat_code[p[2]]) for p in parts])
        y = np.concatenate([np.full(len(p[0]), cat_code[p[3]]) for p in parts])
        # row of A's need of X (offered by B), and of B's need of Y (offered by A)
        rn_a, ro_b = row_need[a, x], row_offer[b, x]
        rn_b, ro_a = row_need[b, y], row_offer[a, y]
        both_will = will[a] * will[b]
        written_a = need_text[rn_a] & offer_text[ro_b]
        written_b = need_text[rn_b] & offer_text[ro_a]
        # a ceiling (geography 1, texts alike) below the K-th best: out before the texts are
        # compared; without texts to compare, the score itself is as quick (and never above
        # the ceiling, the weights being positive)
        bounded = settings.weight_geo >= 0 and settings.weight_text >= 0
        if floor > -np.inf and (written_a.any() or written_b.any() or not bounded):
            ceiling = (
                (
                    _total(settings, written_a, 1.0, both_will)
                    + _total(settings, written_b, 1.0, both_will)
                )
                / 2
                + settings.reciprocal_bonus
            ).round(4)
            live = np.flatnonzero(ceiling >= floor)
            a, b, x, y, both_will = a[live], b[live], x[live], y[live], both_will[live]
            rn_a, ro_b, rn_b, ro_a = rn_a[live], ro_b[live], rn_b[live], ro_a[live]
        # geography and willingness are the same both ways; only the texts differ
        _place, _dist, geo = _geography(a, b, info, settings)
        give = _total(settings, _text_scores(rn_a, ro_b, needs, offers), geo, both_will)
        take = _total(settings, _text_scores(rn_b, ro_a, needs, offers), geo, both_will)
        score = ((give + take) / 2 + settings.reciprocal_bonus).round(4)  # as published
        keep = np.flatnonzero(score >= floor)  # below the current K-th best: never kept
        most = settings.max_reciprocal
        if len(keep) > most:  # below this batch's K-th best: never kept either
            cut = np.partition(score[keep], len(keep) - most)[len(keep) - most]
            keep = keep[score[keep] >= cut]
        found = np.stack(
            [a[keep], b[keep], x[keep], y[keep], rn_a[keep], ro_b[keep], rn_b[keep], ro_a[keep]]
        ).T
        score = score[keep]
        if top is not None:
            found = np.concatenate([top[0], found])
            score = np.concatenate([top[1], score])
        if len(score) > settings.max_reciprocal:  # only what can still be among the best
            cut = np.partition(score, len(score) - settings.max_reciprocal)[
                len(score) - settings.max_reciprocal
            ]
            keep = np.flatnonzero(score >= cut)
            found, score = found[keep], score[keep]
        order = np.lexsort((found[:, 3], found[:, 2], found[:, 1], found[:, 0], -score))
        order = order[: settings.max_reciprocal]
        top = (found[order], score[order])
        if len(order) >= settings.max_reciprocal:
            floor = float(score[order[-1]])
    if top is None or not len(top[0]):
        empty = pd.DataFrame(
            {
                c: pd.Series(dtype=np.int64)
                for c in ("code_need", "code_offer", "row_need", "row_offer", "cat")
            }
        )
        return empty.assign(category=pd.Series(dtype=object)), pd.MultiIndex.from_arrays([[]] * 4)
    best = pd.DataFrame(top[0], columns=["a", "b", "x", "y", "rn_a", "ro_b", "rn_b", "ro_a"])
    pairs = pd.concat(
        [
            pd.DataFrame(
                {
                    "code_need": best["a"],
                    "code_offer": best["b"],
                    "row_need": best["rn_a"],
                    "row_offer": best["ro_b"],
                    "cat": best["x"],
                }
            ),
            pd.DataFrame(
                {
                    "code_need": best["b"],
                    "code_offer": best["a"],
                    "row_need": best["rn_b"],
                    "row_offer": best["ro_a"],
                    "cat": best["y"],
                }
            ),
        ],
        ignore_index=True,
    ).drop_duplicates(["row_need", "row_offer"])
    pairs = pairs.sort_values(["row_need", "row_offer"]).reset_index(drop=True)
    chosen = pd.MultiIndex.from_arrays(
        [
            best["a"],
            best["b"],
            np.array(cats, dtype=object)[best["x"]],
            np.array(cats, dtype=object)[best["y"]],
        ]
    )
    return pairs.assign(category=needs["category"].to_numpy()[pairs["row_need"]]), chosen


def _row_index(table: pd.DataFrame, cat_code: dict, n_actors: int) -> np.ndarray:
    """actor code × category -> the row of `table` (one per actor and category), -1 if none."""
    index = np.full((n_actors, max(len(cat_code), 1)), -1, dtype=np.int64)
    cats = table["category"].map(cat_code).to_numpy(np.int64)
    index[table["code"].to_numpy(np.int64), cats] = np.arange(len(table))
    return index


def _geography(cn, co, info: pd.DataFrame, settings: Settings):
    """Place class (0 same commune … 3 apart), distance and geography score of actor pairs
    (the same both ways).

    Two actors of one commune and one EPCI are placed alike: when the pairs outnumber the
    pairs of such places (millions of reciprocal exchanges between a few hundred
    communes), each pair of places is computed once (`_geography_of` on one actor of
    each) and the pairs read their places' values."""
    commune, epci = info["k_commune_code"].to_numpy(), info["k_epci_code"].to_numpy()
    spots, spot = np.unique(
        commune.astype(np.int64) * (int(epci.max(initial=0)) + 2) + epci + 1,
        return_inverse=True,
    )
    n = len(spots)
    if n * n >= len(cn):
        return _geography_of(cn, co, info, settings)
    one = np.empty(n, dtype=np.int64)
    one[spot] = np.arange(len(spot))  # an actor of each place
    place, dist, geo = _geography_of(np.repeat(one, n), np.tile(one, n), info, settings)
    cell = spot[cn].astype(np.int64) * n + spot[co]
    return place[cell], dist[cell], geo[cell]


def _geography_of(cn, co, info: pd.DataFrame, settings: Settings):
    """`_geography`, pair by pair."""
    col = lambda name: info[name].to_numpy()  # noqa: E731
    nc, oc = col("k_commune_code")[cn], col("k_commune_code")[co]
    ne, oe = col("k_epci_code")[cn], col("k_epci_code")[co]
    unknown = (nc < 0) | (oc < 0)
    same_commune = ~unknown & (nc == oc)
    same_epci = (ne >= 0) & (ne == oe)
    place = np.select([same_commune, same_epci, unknown], [0, 1, 2], 3)
    admin = np.array([1.0, 0.6, 0.3, 0.2])[place]
    lat, lon = col("lat"), col("lon")
    dist = np.where(same_commune, 0.0, haversine_km(lat[cn], lon[cn], lat[co], lon[co]))
    return place, dist, np.fmax(admin, 1 / (1 + dist / settings.geo_half_distance_km))


def _text_scores(rn, ro, needs, offers) -> np.ndarray:
    """Similarity of the need's and the offer's texts (0 when one is empty)."""
    need_text, offer_text = needs["text"].to_numpy(), offers["text"].to_numpy()
    both = (need_text != "")[rn] & (offer_text != "")[ro]
    out = np.zeros(len(rn))
    out[both] = [text_similarity(a, b) for a, b in zip(need_text[rn[both]], offer_text[ro[both]])]
    return out


def _total(settings: Settings, text, geo, will) -> np.ndarray:
    """The score of a need × offer pair from its components: one formula everywhere."""
    return (
        settings.weight_category
        + settings.weight_text * text
        + settings.weight_geo * geo
        + settings.weight_willingness * will
    ).round(4)


def _pair_scores(cn, co, rn, ro, needs, offers, info: pd.DataFrame, settings: Settings) -> dict:
    """Score components of need × offer pairs given as arrays: the need's actor code, the
    offer's, their rows in `needs` and `offers`."""
    place, dist, score_geo = _geography(cn, co, info, settings)
    score_text = _text_scores(rn, ro, needs, offers)
    will = info["will"].to_numpy()
    score_willingness = will[cn] * will[co]
    sector = info["k_sector"].to_numpy()
    same_commune = place == 0
    return {
        "place": place,
        "distance_km": dist,
        "score_geo": score_geo,
        "score_text": score_text,
        "score_willingness": score_willingness,
        "score": _total(settings, score_text, score_geo, score_willingness),
        "rival": same_commune & (sector[cn] >= 0) & (sector[cn] == sector[co]),
    }


def _score(
    p: pd.DataFrame, needs, offers, info: pd.DataFrame, settings: Settings, per_need=None
) -> pd.DataFrame:
    """Score components of each pair (numbers only: explanations come after the cut),
    best first. With `per_need`, only the `per_need` best pairs of each need (its actor and
    category) are kept — ``groupby(["code_need", "cat"]).head(per_need)`` of the sorted
    table, index included — and only their rows are built."""
    cn, co = p["code_need"].to_numpy(), p["code_offer"].to_numpy()
    parts = _pair_scores(
        cn, co, p["row_need"].to_numpy(), p["row_offer"].to_numpy(), needs, offers, info, settings
    )
    columns = {
        name: parts[name]
        for name in ("place", "distance_km", "score_geo", "score_text", "score_willingness")
    }
    will, known = info["will"].to_numpy(), info["known"].to_numpy().astype(bool)
    # for the words only: -1 is « no answer »
    columns["will_need"] = np.where(known[cn], will[cn], UNKNOWN)
    columns["will_offer"] = np.where(known[co], will[co], UNKNOWN)
    columns["score"] = parts["score"]
    columns["rival"] = parts["rival"]
    cat = p["cat"].to_numpy()
    order = np.lexsort((cat, co, cn, -parts["score"]))
    index = None
    if per_need is not None:
        need = cn.astype(np.int64) * (int(cat.max(initial=0)) + 1) + cat
        rank, size = _rank_within(need[order])
        index = np.flatnonzero(rank < (per_need if per_need >= 0 else size + per_need))
        order = order[index]
    out = p.iloc[order].reset_index(drop=True)
    for name, values in columns.items():
        out[name] = values[order]
    if index is not None:
        out.index = index
    return out


def _rank_within(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each element's rank among the equal keys before it (0 for the first), and the
    number of elements with its key: ``groupby(keys).cumcount()`` and ``size``."""
    by_key = np.argsort(keys, kind="stable")
    ordered = keys[by_key]
    starts = np.flatnonzero(np.r_[len(keys) > 0, ordered[1:] != ordered[:-1]])
    lengths = np.diff(np.r_[starts, len(keys)])
    rank, size = np.empty(len(keys), dtype=np.int64), np.empty(len(keys), dtype=np.int64)
    rank[by_key] = np.arange(len(keys)) - np.repeat(starts, lengths)
    size[by_key] = np.repeat(lengths, lengths)
    return rank, size


def _named(p: pd.DataFrame, info: pd.DataFrame, language: str = "fr") -> pd.DataFrame:
    """Actor ids, descriptions and place words of the pairs kept."""
    ids, who = info.index.to_numpy(), info["who"].to_numpy()
    where = pd.Series(np.array(text("coop.places", language))[p["place"]], index=p.index)
    km = pd.Series(p["distance_km"].round(), index=p.index)
    far = km.notna() & (p["place"] != 0)
    distances: dict = {}  # each distance written once: pairs repeat them

    def far_words(k):
        if k not in distances:
            distances[k] = text("coop.km", language, km=k)
        return distances[k]

    where = where + pd.Series(
        [far_words(k) if f else "" for k, f in zip(km.astype("Int64").astype(str), far)],
        index=p.index,
        dtype=object,
    )
    return p.assign(
        flags=np.where(p["rival"], COMPETITION, ""),
        need_actor=ids[p["code_need"]],
        offer_actor=ids[p["code_offer"]],
        who_need=who[p["code_need"]],
        who_offer=who[p["code_offer"]],
        where=where,
    )


def _label(codes: pd.Series, labels: dict) -> pd.Series:
    return codes.map({c: labels.get(c, c) for c in codes.unique()})


_WILLING = {1.0: "coop.willing", 0.5: "coop.maybe", -1.0: "coop.unknown"}


def _willing_sentence(a, b, language: str = "fr") -> str | None:
    if a == 1.0 and b == 1.0:
        return text("coop.both", language)
    if a == UNKNOWN and b == UNKNOWN:
        return text("coop.both_unknown", language)
    if a in _WILLING and b in _WILLING:
        return text(
            "coop.willingness",
            language,
            a=text(_WILLING[a], language),
            b=text(_WILLING[b], language),
        )
    return None


def _explain(kind: str, rows, language: str) -> list:
    """The explanation of each pair: `rows` yields (values of the `kind` sentence, will of
    the need, will of the offer, flags); None when one of them refuses to cooperate."""
    rival = text("coop.rival", language)
    entry = cast(dict, TEXTS[kind])
    fill = str(entry.get(language, entry["fr"])).format  # `text(kind, language, **values)`
    out = []
    willing: dict = {}  # the willingness sentence of each (will, will): a few distinct

    for values, a, b, f in rows:
        try:
            said = willing[a, b]
        except KeyError:
            said = willing[a, b] = _willing_sentence(a, b, language)
        except TypeError:  # a will that cannot be a key: written as it comes
            said = _willing_sentence(a, b, language)
        out.append(
            None if said is None else fill(**values) + said + (rival if f == COMPETITION else "")
        )
    return out


def _direct_text(
    who_need, category, who_offer, where, will_need, will_offer, flags, language: str = "fr"
) -> list:
    """The explanation of each direct match, in one pass over the pairs."""
    columns = [
        pd.Series(c).to_numpy(dtype=object)  # arrays iterate faster than Series
        for c in (who_need, category, who_offer, where, will_need, will_offer, flags)
    ]
    return _explain(
        "coop.direct",
        (
            ({"need": f"{wn[:1].upper()}{wn[1:]}", "category": c, "offer": wo, "where": w}, a, b, f)
            for wn, c, wo, w, a, b, f in zip(*columns)
        ),
        language,
    )


def match_needs_offers(
    needs: pd.DataFrame,
    offers: pd.DataFrame,
    actors: pd.DataFrame,
    category_labels: dict[str, str] | None = None,
    settings: Settings = Settings(),
    coordinates: pd.DataFrame | None = None,
    type_labels: dict[str, str] | None = None,
    *,
    willingness_labels: dict[str, str] | None = None,
) -> pd.DataFrame:
    """Find cooperation opportunities between actors.

    An actor who refused to cooperate never appears; "maybe" (and an unknown willingness)
    lowers the score. Willingness is read from the meaning of each answer's label
    (`willingness_labels`: choice value -> label of the cooperation question), its code
    only when it has no label (see `stance`). "Other", "none" and "don't know" are never
    leads.

    Parameters
    ----------
    needs, offers : DataFrame
        The `needs` and `offers` tables (same category vocabulary).
    actors : DataFrame
        The `actors` table, placed on communes, with `cooperation` (and `sector`).
    category_labels : dict, optional
        French label of each category, for explanations.
    coordinates : DataFrame, optional
        commune_code, lat, lon of commune centroids: adds distances to the geography score.
    type_labels : dict, optional
        Label of each actor type, for explanations.

    Returns
    -------
    DataFrame
        The `opportunities` table: reciprocal matches first, then direct matches,
        mutualisation and pooling, each group by decreasing score.
    """
    validate(needs, "needs", ["actor_id", "category"])
    validate(offers, "offers", ["actor_id", "category"])
    validate(actors, "actors", ["actor_id", "actor_type", "commune_code"])
    labels = category_labels or {}
    language = settings.language
    info = _actor_info(actors, coordinates, type_labels, language, willingness_labels)
    needs = _resources(_leads(needs, labels), info)
    offers = _resources(_leads(offers, labels), info)
    direct = _score(
        _candidates(needs, offers, info, settings),
        needs,
        offers,
        info,
        settings,
        per_need=settings.max_offers_per_need,
    )
    direct = _named(direct, info, language)
    cat = _label(direct["category"], labels)
    direct = direct.assign(
        kind="direct",
        score_category=1.0,
        actors=[
            f"{a} ; {b}"
            for a, b in zip(
                direct["need_actor"].to_numpy(dtype=object),
                direct["offer_actor"].to_numpy(dtype=object),
            )
        ],
        explanation=_direct_text(
            direct["who_need"],
            cat,
            direct["who_offer"],
            direct["where"],
            direct["will_need"],
            direct["will_offer"],
            direct["flags"],
            language,
        ),
    )
    mutual, chosen = _exchanges(needs, offers, info, settings)
    parts = [
        _reciprocal(_score(mutual, needs, offers, info, settings), info, labels, settings, chosen),
        direct,
        _groups(needs, info, labels, settings, "mutualisation"),
        _groups(offers, info, labels, settings, "pooling"),
    ]
    frame = (
        pd.concat([f for f in parts if len(f)], ignore_index=True)
        if any(len(f) for f in parts)
        else pd.DataFrame()
    )
    frame["status"] = STATUS_DEFAULT
    return conform(frame, "opportunities")


def _reciprocal(scored: pd.DataFrame, info, labels, settings: Settings, chosen) -> pd.DataFrame:
    """Pairs of actors who can each give the other something: ranked first. `chosen`:
    the exchanges kept (need's actor, offer's actor, need's resource, resource back)."""
    back = scored.merge(
        scored[["code_need", "code_offer", "category", "score", "score_text"]],
        left_on=["code_need", "code_offer"],
        right_on=["code_offer", "code_need"],
        suffixes=("", "_back"),
    )
    back = back[back["code_need"] < back["code_offer"]].drop(
        columns=["code_need_back", "code_offer_back"]
    )
    kept = pd.MultiIndex.from_arrays(
        [back["code_need"], back["code_offer"], back["category"], back["category_back"]]
    ).isin(chosen)
    back = back[kept]
    if back.empty:
        return back
    language = settings.language
    back = _named(back, info, language)
    give = _label(back["category"], labels)
    take = _label(back["category_back"], labels)
    out = back.assign(
        kind="reciprocal",
        actors=back["need_actor"] + " ; " + back["offer_actor"],
        category=back["category"] + " ↔ " + back["category_back"],
        score=((back["score"] + back["score_back"]) / 2 + settings.reciprocal_bonus).round(4),
        score_text=(back["score_text"] + back["score_text_back"]) / 2,
        score_category=1.0,
        explanation=_explain(
            "coop.reciprocal",
            (
                ({"offer": o, "give": g, "need": n, "take": t, "where": w}, a, b, f)
                for o, g, n, t, w, a, b, f in zip(
                    back["who_offer"],
                    give,
                    back["who_need"],
                    take,
                    back["where"],
                    back["will_need"],
                    back["will_offer"],
                    back["flags"],
                )
            ),
            language,
        ),
    )
    return out.sort_values(
        ["score", "code_need", "code_offer", "category"], ascending=[False, True, True, True]
    )


def group_least(kind: str, settings: Settings) -> int:
    """The fewest actors of a group of `kind` (« mutualisation » or « pooling »)."""
    return settings.min_mutualisation if kind == "mutualisation" else 2


def group_score(n: int) -> float:
    """The score of a group of `n` actors: n/10, at most 1."""
    return round(min(1.0, n / 10), 4)


def _groups(table: pd.DataFrame, info, labels, settings: Settings, kind: str) -> pd.DataFrame:
    """Several actors with the same need (mutualisation) or the same offer nearby (pooling)."""
    least = group_least(kind, settings)
    table = table.join(info[["epci_code", "who"]], on="actor_id")
    keys = ["category"] + (["place"] if kind == "pooling" else [])
    table = table.assign(place=table["epci_code"].fillna(""))
    type_of = dict(zip(info.index.tolist(), info["type_label"].tolist()))
    rows = []
    for key, sub in table.groupby(keys, sort=True):
        members = sorted(sub["actor_id"].unique())
        if len(members) < least:
            continue
        category = key[0] if isinstance(key, tuple) else key
        types = Counter(type_of[m] for m in members)
        language = settings.language
        mix = text("coop.mix_sep", language).join(
            text("coop.mix", language, n=n, kind=t)
            for t, n in sorted(types.items(), key=lambda x: (-x[1], x[0]))
        )
        what = text(
            "coop.need"
            if kind == "mutualisation"
            else "coop.offer_near"
            if sub["place"].iloc[0]
            else "coop.offer",
            language,
            category=labels.get(category, category),
        )
        rows.append(
            {
                "kind": kind,
                "actors": " ; ".join(members),
                "category": category,
                "score": group_score(len(members)),
                "score_category": 1.0,
                "explanation": text("coop.group", language, n=len(members), mix=mix, what=what),
            }
        )
    out = pd.DataFrame(rows)
    return (
        out.sort_values(["score", "category", "actors"], ascending=[False, True, True])
        if len(out)
        else out
    )
