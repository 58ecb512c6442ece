"""From pairs to projects: a short, ranked list of cooperation projects a workshop can act on.

A project gathers, around one resource (or a two-way swap of resources), the actors who need
it and those who offer it, close enough to meet and not refusing to cooperate:

- *mutualisation*: several actors need the same resource and can pool it (an employee shared
  by six farms and shops, a cold store for five producers);
- *prêt ou don*: one actor's spare resource meets the need of others (a van lent by a
  commune) — the ADEME guide's « synergie de substitution »;
- *échange*: two actors can each bring the other something.

Nearness works on communes, never on people: two communes are close when they are the same,
when their centroids are at most `project_radius_km` apart (15 km by default: about a
quarter of an hour by car on rural roads, the distance of everyday services in INSEE's
access studies — people who meet weekly), or, when a centroid is missing, when they belong
to the same EPCI. A project is built around a seed commune: every member is close to it.
"""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd

from diagnostic.analysis.cooperation import haversine_km, willingness
from diagnostic.i18n import text
from diagnostic.schemas import conform
from diagnostic.settings import Settings

KINDS = ("mutualisation", "pret_don", "echange")
KIND_WORDS = {
    "fr": {"mutualisation": "mutualisation", "pret_don": "prêt ou don", "echange": "échange"},
    "en": {"mutualisation": "pooling", "pret_don": "loan or gift", "echange": "swap"},
}
STATUS_DEFAULT = "à valider"
#: Weight of each score component (each between 0 and 1); the score is their weighted sum.
WEIGHTS = {
    "size": 0.25,  # number of actors, up to `project_max_actors`
    "diversity": 0.20,  # distinct actor types among the members, of those of the territory
    "offer": 0.20,  # someone offers the resource (loan, gift, swap)
    "nearness": 0.15,  # members' communes close to each other
    "issues": 0.10,  # share of members who rate their most shared issue important
    "willingness": 0.10,  # members who said yes to cooperating (unknown and maybe: half)
}
SWAP = " ↔ "


def kind_words(language: str = "fr") -> dict[str, str]:
    """Display word of each project kind (``kind`` code) in `language`."""
    return KIND_WORDS["en" if language == "en" else "fr"]


def short_type(label, n: int | None = None, language: str = "fr") -> str:
    """The first noun of an actor type's label, « 3 entreprises » when counted.

    >>> short_type("Entreprise, artisan ou commerce", 3), short_type("Coopérative")
    ('3 entreprises', 'coopérative')
    """
    if label is None or label is pd.NA or label == "?":
        word = "non précisé" if language == "fr" else "unspecified"
        return f"{n} {word}" if n is not None else word
    word = str(label)
    for cut in (",", " ou ", " or ", " (", " / "):
        word = word.split(cut)[0]
    word = word.strip()
    if word[:1].isupper() and word[1:2].islower():
        word = word[0].lower() + word[1:]
    if n is None:
        return word
    plural = n > 1 and not word.endswith(("s", "x", "z")) and " " not in word
    return f"{n} {word}{'s' if plural else ''}"


def _will_state(value) -> str:
    """yes | maybe | unknown | no: an empty answer is unknown, never « maybe »."""
    if value is None or pd.isna(value) or not str(value).strip():
        return "unknown"
    score = willingness(value)
    return "no" if score is None else ("yes" if score == 1.0 else "maybe")


def _people(actors: pd.DataFrame) -> pd.DataFrame:
    """Actors who may join a project: placed on a commune and not refusing to cooperate."""
    info = actors.drop_duplicates("actor_id").copy()
    coop = info["cooperation"] if "cooperation" in info else pd.Series(pd.NA, index=info.index)
    info["will"] = coop.astype(object).map(_will_state)
    info = info[(info["will"] != "no") & info["commune_code"].notna()]
    return info.set_index("actor_id").sort_index()


def _closeness(codes: list, epci: dict, coords, settings: Settings) -> np.ndarray:
    """Commune × commune closeness: 1 same commune, 1/(1 + d/half) within the radius,
    0.5 in the same EPCI when a centroid is missing, 0 otherwise."""
    n = len(codes)
    lat = np.array([coords.get(c, (np.nan, np.nan))[0] for c in codes], dtype=float)
    lon = np.array([coords.get(c, (np.nan, np.nan))[1] for c in codes], dtype=float)
    dist = haversine_km(lat[:, None], lon[:, None], lat[None, :], lon[None, :])
    known = ~np.isnan(dist)
    near = 1 / (1 + np.nan_to_num(dist) / settings.geo_half_distance_km)
    ep = np.array([epci.get(c) or "" for c in codes], dtype=object)
    same_epci = (ep[:, None] == ep[None, :]) & (ep[:, None] != "")
    out = np.where(known, np.where(dist <= settings.project_radius_km, near, 0.0), 0.0)
    out = np.where(~known & same_epci, 0.5, out)
    out[np.arange(n), np.arange(n)] = 1.0
    return out


def _supported(responses) -> dict:
    """actor_id -> set of issue ids the actor rates important."""
    if responses is None or not len(responses):
        return {}
    sub = responses[responses["supports"].astype("boolean").fillna(False).to_numpy(dtype=bool)]
    return (
        sub.groupby(sub["actor_id"].astype(str), observed=True)["issue_id"]
        .agg(lambda s: set(map(str, s)))
        .to_dict()
    )


def _pick(near, needers, offerers, info, close, seed, issues, settings):
    """Members of the project around `seed`: up to two offerers, then needers, nearest
    first, then the willing, then a type not yet in the project, then shared issues."""
    most = settings.project_max_actors
    chosen: list[str] = []

    def key(a):
        types = {info.at[m, "actor_type"] for m in chosen}
        common = len(issues.get(a, set()) & set().union(*(issues.get(m, set()) for m in chosen)))
        return (
            -close[seed, info.at[a, "k"]],
            info.at[a, "will"] != "yes",
            info.at[a, "actor_type"] in types,
            -common,
            a,
        )

    givers = [a for a in near if a in offerers and a not in needers]
    for _ in range(min(2, len(givers))):
        best = min((a for a in givers if a not in chosen), key=key)
        chosen.append(best)
    takers = [a for a in near if a in needers]
    while takers and len(chosen) < most:
        best = min((a for a in takers if a not in chosen), key=key, default=None)
        if best is None:
            break
        chosen.append(best)
    return chosen


def _valid(members, needers, offerers) -> bool:
    need = [m for m in members if m in needers]
    give = [m for m in members if m in offerers and m not in needers]
    return bool(need) and (len(members) >= 3 or (len(members) == 2 and len(give) == 1))


def _resource_projects(category, needers, offerers, info, close, issues, settings) -> list:
    """Projects around one resource: seeds taken in turn where most needers are close."""
    pool = sorted(set(needers) | set(offerers))
    out = []
    while pool:
        k = info.loc[pool, "k"].to_numpy()
        is_need = np.array([a in needers for a in pool])
        is_give = np.array([a in offerers and a not in needers for a in pool])
        seeds = sorted(set(k))
        reach = close[np.ix_(seeds, k)] > 0  # seed commune × pooled actor
        n_need = (reach & is_need).sum(axis=1)
        n_give = (reach & is_give).sum(axis=1)
        pull = (close[np.ix_(seeds, k)] * is_need).sum(axis=1)
        order = np.lexsort(
            (np.array(seeds), -pull, -(n_give > 0).astype(int), -np.minimum(n_need, 99))
        )
        made = False
        for i in order:
            if n_need[i] == 0:
                break
            seed = seeds[i]
            near = [a for a, r in zip(pool, reach[i]) if r]
            members = _pick(near, needers, offerers, info, close, seed, issues, settings)
            if _valid(members, needers, offerers):
                out.append((category, members, [m for m in members if m in needers], seed))
                pool = [a for a in pool if a not in members]
                made = True
                break
        if not made:
            break
    return out


def _swaps(needs, offers, info, close) -> list:
    """Two actors who can each bring the other something, close to each other."""
    give = offers.merge(needs, on="category", suffixes=("_give", "_take"))
    give = give[give["actor_id_give"] != give["actor_id_take"]]
    back = give.merge(
        give,
        left_on=["actor_id_give", "actor_id_take"],
        right_on=["actor_id_take", "actor_id_give"],
        suffixes=("", "_back"),
    )
    back = back[back["actor_id_give"] < back["actor_id_take"]]
    out = []
    for (a, b), sub in back.groupby(["actor_id_give", "actor_id_take"], sort=True):
        if close[info.at[a, "k"], info.at[b, "k"]] <= 0:
            continue
        first = sub.sort_values(["category", "category_back"]).iloc[0]
        pair = sorted([first["category"], first["category_back"]])
        out.append((SWAP.join(pair), [a, b], [a, b], None))
    return out


def _join_names(names: list[str], language: str) -> str:
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + text("proj.and", language) + names[-1]


def _communes(members, info, names) -> list[str]:
    """Commune codes of the members, the most represented first."""
    codes = pd.Series([info.at[m, "commune_code"] for m in members]).value_counts()
    return sorted(codes.index, key=lambda c: (-codes[c], names.get(c, c)))


def _where(codes, names, language, most=3) -> str:
    shown = [names.get(c, c) for c in codes[:most]]
    if not shown:
        return text("proj.unknown_place", language)
    if len(codes) > most:
        n = len(codes) - most
        return text("proj.more", language, names=", ".join(shown), n=n, s="s" if n > 1 else "")
    return _join_names(shown, language)


def _describe(kind, resource, members, needers, info, where, type_labels, res_label, language):
    """The summary sentence and the first step of one project."""
    types = pd.Series([info.at[m, "actor_type"] for m in members]).fillna("?").value_counts()
    mix = ", ".join(
        short_type(type_labels.get(t, t), n, language)
        for t, n in sorted(types.items(), key=lambda x: (-x[1], x[0]))
    )
    wills = pd.Series([info.at[m, "will"] for m in members]).value_counts()
    will = ", ".join(
        text(key, language, n=int(wills[state]), s="s" if wills[state] > 1 else "")
        for state, key in (
            ("yes", "proj.willing"),
            ("maybe", "proj.maybe"),
            ("unknown", "proj.unknown"),
        )
        if wills.get(state, 0)
    )
    n = len(members)
    if kind == "echange":
        give, take = (res_label(r) for r in resource.split(SWAP))
        what = text("proj.echange", language, mix=mix, where=where, give=give, take=take)
        step = text("proj.first_step.echange", language, give=give, take=take)
    elif kind == "pret_don":
        n_off, n_need = n - len(needers), len(needers)

        def count(k):
            return (
                text("proj.one_actor", language)
                if k == 1
                else text("proj.actors", language, n=k, s="s")
            )

        label = res_label(resource)
        what = text(
            "proj.pret_don",
            language,
            offer=count(n_off)[:1].upper() + count(n_off)[1:],
            where=where,
            can=text("proj.can", language)[n_off > 1],
            resource=label,
            need=count(n_need),
            have=text("proj.have", language)[n_need > 1],
            mix=mix,
        )
        step = text(
            "proj.first_step.pret_don",
            language,
            offer=text("proj.the_offerer", language)
            if n_off == 1
            else text("proj.the_offerers", language, n=n_off),
            need=text("proj.the_needer", language)
            if n_need == 1
            else text("proj.the_needers", language, n=n_need),
            resource=label,
        )
    else:
        label = res_label(resource)
        what = text("proj.mutualisation", language, n=n, mix=mix, where=where, resource=label)
        step = text("proj.first_step.mutualisation", language, n=n, resource=label)
    return text("proj.sentence", language, what=what[:1].upper() + what[1:], will=will), step


def find_projects(
    opportunities: pd.DataFrame | None,
    actors: pd.DataFrame,
    needs: pd.DataFrame,
    offers: pd.DataFrame,
    *,
    category_labels: dict[str, str] | None = None,
    type_labels: dict[str, str] | None = None,
    communes: pd.DataFrame | None = None,
    coordinates: pd.DataFrame | None = None,
    responses: pd.DataFrame | None = None,
    settings: Settings = Settings(),
) -> pd.DataFrame:
    """Group needs and offers into a short list of cooperation projects, ranked.

    Parameters
    ----------
    opportunities : DataFrame or None
        The `opportunities` table (pairs); kept as detail, not needed to build projects.
    actors : DataFrame
        The `actors` table, placed (commune_code, epci_code), with `cooperation`.
    needs, offers : DataFrame
        The `needs` and `offers` tables; « autre » (free text) is left to the workshop.
    category_labels, type_labels : dict, optional
        Labels of resources and actor types, for titles and sentences.
    communes : DataFrame, optional
        The `communes` table, for commune names.
    coordinates : DataFrame, optional
        commune_code, lat, lon of commune centroids; without them, nearness falls back to
        the same commune or the same EPCI.
    responses : DataFrame, optional
        Issue responses (actor_id, issue_id, supports), for the issues members share.

    Returns
    -------
    DataFrame
        The `cooperation_projects` table, at most `max_projects` rows, best first; at most
        `max_projects_per_offerer` projects rest on one offerer.
    """
    labels, types = category_labels or {}, type_labels or {}
    info = _people(actors)
    names = dict(zip(communes["commune_code"], communes["name"])) if communes is not None else {}
    codes = sorted(set(info["commune_code"]))
    info["k"] = info["commune_code"].map({c: i for i, c in enumerate(codes)})
    coords = {}
    if coordinates is not None and len(coordinates):
        c = coordinates.dropna(subset=["lat", "lon"]).drop_duplicates("commune_code")
        coords = {
            str(k): (float(a), float(b)) for k, a, b in zip(c["commune_code"], c["lat"], c["lon"])
        }
    epci = info.drop_duplicates("commune_code").set_index("commune_code")["epci_code"]
    close = _closeness(
        codes, epci.astype(object).where(epci.notna(), None).to_dict(), coords, settings
    )
    issues = _supported(responses)

    def table(frame):
        frame = frame[frame["actor_id"].isin(info.index) & frame["category"].notna()]
        frame = frame[frame["category"] != "autre"]
        return pd.DataFrame(
            {"actor_id": frame["actor_id"].astype(str), "category": frame["category"].astype(str)}
        ).drop_duplicates()

    needs, offers = table(needs), table(offers)
    found = []
    for category in sorted(set(needs["category"])):
        needers = set(needs.loc[needs["category"] == category, "actor_id"])
        offerers = set(offers.loc[offers["category"] == category, "actor_id"])
        found += _resource_projects(category, needers, offerers, info, close, issues, settings)
    found += _swaps(needs, offers, info, close)

    def build(resource, members, needers):
        return _project(
            resource, members, needers, info, close, issues, names, labels, types, settings
        )

    frame = pd.DataFrame([build(r, m, n) for r, m, n, _seed in found])
    if not len(frame):
        return conform(frame, "cooperation_projects")
    frame["found"] = range(len(frame))
    # ties broken by meaning: more actors, more kinds of actors, an offer, then the title
    frame = frame.sort_values(
        ["score", "actors", "n_types", "score_offer", "title", "project_id"],
        ascending=[False, False, False, False, True, True],
    )
    # a varied list: each resource's best project before any resource's second one
    family = frame["resources"].where(frame["kind"] != "echange", "echange")
    frame["round"] = frame.groupby(family, sort=False).cumcount()
    frame = frame.sort_values("round", kind="stable")
    kept, load = [], {}
    for row in frame.to_dict("records"):
        givers = row["offerers"].split(";") if row["offerers"] else []
        busy = {g for g in givers if load.get(g, 0) >= settings.max_projects_per_offerer}
        if busy:  # the project without the offerers already carrying enough projects
            resource, members, needers, _seed = found[row["found"]]
            members = [m for m in members if m not in busy]
            if SWAP in resource or not _valid(members, set(needers), set(givers)):
                continue
            row = build(resource, members, needers)
            givers = row["offerers"].split(";") if row["offerers"] else []
        for g in givers:
            load[g] = load.get(g, 0) + 1
        kept.append(row)
        if len(kept) >= settings.max_projects:
            break
    kept = pd.DataFrame(kept).sort_values(
        ["score", "actors", "n_types", "score_offer", "title", "project_id"],
        ascending=[False, False, False, False, True, True],
    )
    return conform(kept.assign(status=STATUS_DEFAULT), "cooperation_projects")


def project_id(resource: str, members) -> str:
    """A stable id: the same resource and members always give the same id."""
    key = resource + "|" + ";".join(sorted(members))
    return "P-" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:8]


def _project(resource, members, needers, info, close, issues, names, labels, types, settings):
    """One row of the `cooperation_projects` table."""
    language = settings.language
    members = sorted(members)
    swap = SWAP in resource
    givers = [m for m in members if m not in needers] if not swap else []
    kind = "echange" if swap else ("pret_don" if givers else "mutualisation")
    codes = _communes(members, info, names)
    where = _where(codes, names, language)

    def res_label(r):
        return labels.get(r, r)

    title = SWAP.join(res_label(r) for r in resource.split(SWAP)) + " — " + where
    n = len(members)
    k = info.loc[members, "k"].to_numpy()
    pair = close[np.ix_(k, k)]
    nearness = float(pair[np.triu_indices(n, 1)].mean()) if n > 1 else 1.0
    member_types = info.loc[members, "actor_type"].fillna("?")
    n_types = int(member_types.nunique())
    all_types = int(info["actor_type"].fillna("?").nunique())
    room = all_types - 1
    counts = pd.Series([i for m in members for i in issues.get(m, ())]).value_counts()
    counts = counts[counts >= 2]
    shared = sorted(counts.index, key=lambda i: (-counts[i], i))[:3]
    will = info.loc[members, "will"].map({"yes": 1.0, "maybe": 0.5, "unknown": 0.5})
    parts = {
        "size": min(n, settings.project_max_actors) / settings.project_max_actors,
        "diversity": (n_types - 1) / room if room > 0 else 0.0,
        "offer": 1.0 if kind != "mutualisation" else 0.0,
        "nearness": nearness,
        "issues": float(counts.max()) / n if len(counts) else 0.0,
        "willingness": float(will.mean()),
    }
    summary, step = _describe(
        kind, resource, members, needers, info, where, types, res_label, language
    )
    mix = member_types.value_counts()
    return {
        "project_id": project_id(resource, members),
        "title": title,
        "kind": kind,
        "resources": resource,
        "actors": n,
        "members": ";".join(members),
        "needers": ";".join(m for m in members if m in needers and not swap),
        "offerers": ";".join(givers if not swap else members),
        "actor_types": ", ".join(
            f"{t} : {c}" for t, c in sorted(mix.items(), key=lambda x: (-x[1], x[0]))
        ),
        "n_types": n_types,
        "communes": ";".join(codes),
        "commune_names": ", ".join(names.get(c, c) for c in codes),
        "issues": ";".join(shared),
        "summary": summary,
        "first_step": step,
        "score": round(sum(WEIGHTS[p] * v for p, v in parts.items()), 4),
        **{f"score_{p}": round(v, 4) for p, v in parts.items()},
    }
