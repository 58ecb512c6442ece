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
from collections import Counter
from collections.abc import Mapping

import numpy as np
import pandas as pd

from diagnostic.analysis.cooperation import haversine_km, stance
from diagnostic.i18n import text
from diagnostic.schemas import conform, validate
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
    "diversity": 0.20,  # distinct actor types among the members, of those who may join one
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


def _will_state(value, labels: dict | None = None) -> str:
    """yes | maybe | unknown | no, read from the meaning of the answer's label (its code
    without a label; see `diagnostic.analysis.cooperation.stance`): an empty or
    unrecognised answer is unknown, never « maybe »."""
    if value is None or pd.isna(value) or not str(value).strip():
        return "unknown"
    return stance(value, (labels or {}).get(str(value)))


def _people(actors: pd.DataFrame, willingness_labels: dict | None = None) -> pd.DataFrame:
    """Actors who may join a project: placed on a commune and not refusing to cooperate."""
    info = actors.drop_duplicates("actor_id").copy()
    coop = info["cooperation"] if "cooperation" in info else pd.Series(pd.NA, index=info.index)
    codes, uniques = pd.factorize(coop.astype(object))  # each distinct answer read once
    states = [_will_state(v, willingness_labels) for v in uniques] + [_will_state(None)]
    info["will"] = pd.Series(np.array(states, dtype=object)[codes], index=info.index)
    info = info[(info["will"] != "no") & info["commune_code"].notna()]
    return info.set_index("actor_id").sort_index()


def commune_layout(geojson: dict) -> tuple[pd.DataFrame, set]:
    """Centroids (commune_code, lat, lon) and neighbouring pairs of communes from contours.

    Two communes are neighbours when their contours share a point (rounded to about a metre);
    a centroid is the mean of its contour's points, close enough to measure kilometres
    between rural communes.
    """
    rows: list[tuple] = []
    owners: dict[tuple, set] = {}
    from diagnostic.territory.maps import outer_rings

    for code, rings in outer_rings(geojson).items():
        points = [pt for ring in rings for pt in ring]
        lon, lat = np.mean([p[0] for p in points]), np.mean([p[1] for p in points])
        rows.append((code, float(lat), float(lon)))
        for x, y in points:
            owners.setdefault((round(x, 5), round(y, 5)), set()).add(code)
    pairs = set()
    for codes in owners.values():
        if len(codes) > 1:
            ordered = sorted(codes)
            pairs |= {(a, b) for i, a in enumerate(ordered) for b in ordered[i + 1 :]}
    return pd.DataFrame(rows, columns=["commune_code", "lat", "lon"]), pairs


def _closeness(codes: list, epci: dict, coords, settings: Settings, neighbours=()) -> np.ndarray:
    """Commune × commune closeness: 1 same commune, 1/(1 + d/half) within the radius,
    0.5 in the same EPCI when a centroid is missing, 0 otherwise; neighbouring communes
    (sharing a border) are always close, at least 0.5."""
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
    index = {c: i for i, c in enumerate(codes)}
    for a, b in neighbours:
        if a in index and b in index:
            i, j = index[a], index[b]
            out[i, j] = out[j, i] = max(out[i, j], 0.5)
    out[np.arange(n), np.arange(n)] = 1.0
    return out


def _supported(responses) -> Mapping[str, set]:
    """actor_id -> set of issue ids the actor rates important (an actor rating none: an
    empty set). Read lazily: a project reads the issues of a few hundred actors, never all."""
    if responses is None or not len(responses):
        return {}
    return _Supported(responses)


class _Supported(Mapping):
    """The issues each actor supports, read lazily: an actor's set is made the first time
    it is read (building 50,000 sets cost seconds, for a few hundred read).

    Categorical columns (`issue_responses`' own) fill an actor × issue table of their
    codes, the rows untouched; other columns are factorized and sorted by actor."""

    #: The largest actor × issue table filled (bytes: one per cell).
    TABLE_LIMIT = 64_000_000

    def __init__(self, responses) -> None:
        supports = responses["supports"]
        mask = (
            supports.to_numpy()
            if supports.dtype == bool
            else supports.astype("boolean").fillna(False).to_numpy(dtype=bool)
        )
        actor, issue = responses["actor_id"], responses["issue_id"]
        self._table = None
        if (
            all(isinstance(c.dtype, pd.CategoricalDtype) for c in (actor, issue))
            and len(actor.cat.categories) * len(issue.cat.categories) <= self.TABLE_LIMIT
            and actor.array.codes.min(initial=0) >= 0
            and issue.array.codes.min(initial=0) >= 0
        ):
            actors = actor.cat.categories.astype(str).to_numpy(dtype=object)
            self._issue_ids = issue.cat.categories.astype(str).to_numpy(dtype=object)
            table = np.zeros((len(actors), len(self._issue_ids)), dtype=bool)
            # the codes themselves (`.cat.codes` copies them): no copy of the long columns
            table[actor.array.codes[mask], issue.array.codes[mask]] = True
            self._table = table
        else:
            rows = np.flatnonzero(mask)
            codes, actors = _factorized(actor.iloc[rows])
            issue_codes, self._issue_ids = _factorized(issue.iloc[rows])
            order = np.argsort(codes, kind="stable")
            self._issues = issue_codes[order]
            self._cuts = np.searchsorted(codes[order], np.arange(len(actors) + 1))
        self._position = {a: i for i, a in enumerate(actors)}
        self._sets: dict[str, set] = {}

    def __getitem__(self, actor: str) -> set:
        found = self._sets.get(actor)
        if found is None:
            i = self._position[actor]  # KeyError: an actor without any issue answer
            if self._table is not None:
                found = set(self._issue_ids[np.flatnonzero(self._table[i])])
            else:
                found = set(self._issue_ids[self._issues[self._cuts[i] : self._cuts[i + 1]]])
            self._sets[actor] = found
        return found

    def __iter__(self):
        return iter(self._position)

    def __len__(self) -> int:
        return len(self._position)


def _factorized(column: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """(codes, distinct texts) of `column` as text: a categorical column's own codes and
    categories (the issue table's actors and issues), no text built per row."""
    if isinstance(column.dtype, pd.CategoricalDtype) and column.notna().all():
        codes = column.array.codes
        present = np.flatnonzero(np.bincount(codes, minlength=len(column.cat.categories)))
        renumber = np.full(len(column.cat.categories), -1, dtype=np.intp)
        renumber[present] = np.arange(len(present))
        texts = column.cat.categories.astype(str).to_numpy(dtype=object)[present]
        return renumber[codes], texts
    codes, distinct = pd.factorize(column.astype(str).to_numpy(dtype=object))
    return codes, np.asarray(distinct, dtype=object)


def _pick(near_givers, near_needers, who, close, seed, issues, settings):
    """Members of the project around `seed`: up to two offerers, then needers, nearest
    first, then the willing, then a type not yet in the project, then shared issues.

    `near_givers` and `near_needers` are the offerers (who need nothing of it) and the
    needers close to the seed, each already cut to the few nearest and most willing
    (`_nearest`); `who` maps each actor to (commune index, willingness, actor type).
    """
    most = settings.project_max_actors
    chosen: list[str] = []
    seen_types: set = set()
    seen_issues: set = set()

    def key(row):
        near, unwilling, kind, supported, a = row
        return (near, unwilling, kind in seen_types, -len(supported & seen_issues), a)

    def take(candidates, n):
        # what the choice reads of each candidate, read once; sorted on the part of the
        # key that does not change as members are chosen (nearness, willingness)
        rows = []
        for a in candidates:
            k, will, kind = who[a]
            rows.append((-close[seed, k], will != "yes", kind, issues.get(a, set()), a))
        rows.sort(key=lambda row: row[:2])
        while rows and n > 0:
            # the smallest key is among the first rows sharing that part: only they are
            # compared on the rest (types and issues already in the project)
            end = 1
            while end < len(rows) and rows[end][:2] == rows[0][:2]:
                end += 1
            best = min(rows[:end], key=key)
            rows.remove(best)
            chosen.append(best[4])
            seen_types.add(best[2])
            seen_issues.update(best[3])
            n -= 1

    take(near_givers, 2)
    take(near_needers, most - len(chosen))
    return chosen


def _nearest(pool, mask, nearness, unwilling, n: int) -> list:
    """The `n` actors of `pool` (sorted ids) under `mask` nearest the seed first
    (`nearness`: each actor's closeness to it), then the willing (`unwilling`: False for a
    yes), then by id: ``heapq.nsmallest(n, …, key=(-nearness, unwilling, id))``, on arrays.
    A few times more than a project needs is enough for `_pick`."""
    rows = np.flatnonzero(mask)
    order = np.lexsort((rows, unwilling[rows], -nearness[rows]))[:n]
    return pool[rows[order]].tolist()


def _linked(close: np.ndarray) -> np.ndarray:
    """1.0 where two communes are close enough to meet (`close` > 0), else 0.0."""
    return (close > 0).astype(np.float64)


def _valid(members, needers, offerers) -> bool:
    need = [m for m in members if m in needers]
    give = [m for m in members if m in offerers and m not in needers]
    return bool(need) and (len(members) >= 3 or (len(members) == 2 and len(give) == 1))


class _Everyone:
    """Every actor of `who` in id order, with what `_resource_projects` reads of each as
    arrays (commune index, not willing), made once for all the resources."""

    def __init__(self, who: dict) -> None:
        self.ids = np.array(sorted(who), dtype=object)
        self.position = {a: i for i, a in enumerate(self.ids.tolist())}
        self.k = np.array([who[a][0] for a in self.ids], dtype=np.intp)
        self.unwilling = np.array([who[a][1] != "yes" for a in self.ids], dtype=bool)

    def mask(self, actors) -> np.ndarray:
        """True at the position of each of `actors`."""
        out = np.zeros(len(self.ids), dtype=bool)
        out[[self.position[a] for a in actors]] = True
        return out


def _resource_projects(
    category, needers, offerers, who, close, issues, settings, everyone=None, linked=None
) -> list:
    """Projects around one resource: seeds taken in turn where most needers are close.

    No resource can hold more than `max_projects` of the list: a few more are built (an
    offerer may be capped), never all of them. Seeds are scored on counts per commune, so
    that each turn costs communes², not actors. `everyone`: `_Everyone` of `who`, and
    `linked`: `_linked(close)`, made once for every resource."""
    everyone = everyone if everyone is not None else _Everyone(who)
    linked = _linked(close) if linked is None else linked
    needing, offering = everyone.mask(needers), everyone.mask(offerers)
    at = np.flatnonzero(needing | offering)  # the pool, in id order
    pool = everyone.ids[at]
    position = np.full(len(everyone.ids), -1, dtype=np.intp)
    position[at] = np.arange(len(at))
    k = everyone.k[at]
    unwilling = everyone.unwilling[at]
    is_need = needing[at]
    is_give = offering[at] & ~is_need
    left = np.ones(len(pool), dtype=bool)
    n_communes = close.shape[0]
    most = 4 * settings.project_max_actors
    out: list[tuple] = []
    while left.any() and len(out) < 2 * settings.max_projects:
        need_at = np.bincount(k[left & is_need], minlength=n_communes).astype(np.float64)
        give_at = np.bincount(k[left & is_give], minlength=n_communes).astype(np.float64)
        seeds = np.unique(k[left])
        # every commune's counts (a product over the whole matrix, no copy of its seeds'
        # rows), then the seeds': the same sums, of whole numbers (exact in floats)
        n_need = (linked @ need_at)[seeds]
        n_give = (linked @ give_at)[seeds]
        pull = (close @ need_at)[seeds]
        order = np.lexsort((seeds, -pull, -(n_give > 0).astype(int), -np.minimum(n_need, 99)))
        made = False
        for i in order:
            if n_need[i] == 0:
                break
            seed = int(seeds[i])
            nearness = close[seed, k]
            near = left & (nearness > 0)
            members = _pick(
                _nearest(pool, near & is_give, nearness, unwilling, most),
                _nearest(pool, near & is_need, nearness, unwilling, most),
                who,
                close,
                seed,
                issues,
                settings,
            )
            if _valid(members, needers, offerers):
                out.append((category, members, [m for m in members if m in needers], seed))
                left[position[[everyone.position[m] for m in members]]] = False
                made = True
                break
        if not made:
            break
    return out


def _by_category(table: pd.DataFrame) -> dict[str, set]:
    """category -> the ids of the actors with it (`table`: actor_id, category, no blank)."""
    cats = table["category"].to_numpy(dtype=object)
    ids = table["actor_id"].to_numpy(dtype=object)
    return {c: set(ids[cats == c].tolist()) for c in sorted(set(cats.tolist()))}


def _swaps(needs, offers, who, close, settings) -> list:
    """Two nearby actors who can each bring the other something: for each pair of
    resources, each actor offering one and needing the other meets the nearest actor
    doing the reverse (each actor once per pair of resources, and at most `max_projects`
    swaps per pair: the list never holds more)."""
    gives, takes = _by_category(offers), _by_category(needs)
    out, paired = [], set()
    cats = sorted(set(gives) & set(takes))
    for i, x in enumerate(cats):
        for y in cats[i + 1 :]:
            one = sorted(gives[x] & takes.get(y, set()))  # brings x, needs y
            other = sorted(gives.get(y, set()) & takes[x])  # brings y, needs x
            if not one or not other:
                continue
            # the closest pairs first (same commune before same EPCI), then by ids
            near = close[np.ix_([who[a][0] for a in one], [who[b][0] for b in other])]
            rows, cols = np.nonzero(near > 0)
            order = np.lexsort((cols, rows, -near[rows, cols]))
            used: set = set()
            made = 0
            for r, c in zip(rows[order], cols[order]):
                a, b = one[r], other[c]
                if a == b or a in used or b in used or frozenset((a, b)) in paired:
                    continue
                used.update((a, b))
                paired.add(frozenset((a, b)))
                out.append((x + SWAP + y, sorted([a, b]), sorted([a, b]), None))
                made += 1
                if made >= settings.max_projects:
                    break
    return out


def _join_names(names: list[str], language: str) -> str:
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + text("proj.and", language) + names[-1]


def member_places(members, place, names) -> list[str]:
    """Commune codes of the members, the most represented first."""
    codes = Counter(place[m] for m in members)
    return sorted(codes, key=lambda c: (-codes[c], names.get(c, c)))


def where_words(codes, names, language, most=3) -> str:
    shown = [names.get(c, c) for c in codes[:most]]
    if not shown:
        return text("proj.unknown_place", language)
    if len(codes) > most:
        n = len(codes) - most
        return text("proj.more", language, names=", ".join(shown), n=n, s="s" if n > 1 else "")
    return _join_names(shown, language)


def _describe(kind, resource, members, needers, who, where, type_labels, res_label, language):
    """The summary sentence and the first step of one project."""
    types = Counter(who[m][2] for m in members)
    mix = ", ".join(
        short_type(type_labels.get(t, t), n, language)
        for t, n in sorted(types.items(), key=lambda x: (-x[1], x[0]))
    )
    wills = Counter(who[m][1] for m in members)
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


def _context(
    actors,
    needs,
    offers,
    *,
    communes,
    coordinates,
    responses,
    neighbours,
    settings,
    willingness_labels,
):
    """What `find_projects` reads of the survey: (people, commune names, closeness, issues
    supported, needs, offers, `who`: actor -> (commune index, willingness, type or « ? »))."""
    validate(needs, "needs", ["actor_id", "category"])
    validate(offers, "offers", ["actor_id", "category"])
    validate(actors, "actors", ["actor_id", "actor_type", "commune_code", "epci_code"])
    info = _people(actors, willingness_labels)
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
        codes,
        epci.astype(object).where(epci.notna(), None).to_dict(),
        coords,
        settings,
        neighbours,
    )
    issues = _supported(responses)

    def table(frame):
        frame = frame[frame["actor_id"].isin(info.index) & frame["category"].notna()]
        frame = frame[frame["category"] != "autre"]
        return pd.DataFrame(
            {"actor_id": frame["actor_id"].astype(str), "category": frame["category"].astype(str)}
        ).drop_duplicates()

    needs, offers = table(needs), table(offers)
    who = {
        a: (int(k), w, t)
        for a, k, w, t in zip(
            info.index.tolist(),
            info["k"].tolist(),
            info["will"].tolist(),
            info["actor_type"].astype(object).fillna("?").tolist(),
        )
    }
    return info, names, close, issues, needs, offers, who


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
    neighbours=(),
    settings: Settings = Settings(),
    willingness_labels: dict[str, str] | None = None,
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
    neighbours : iterable of (code, code)
        Communes sharing a border (see `commune_layout`): always close enough to meet.

    Returns
    -------
    DataFrame
        The `cooperation_projects` table, at most `max_projects` rows, best first; at most
        `max_projects_per_offerer` projects rest on one offerer.
    """
    ctx = _context(
        actors,
        needs,
        offers,
        communes=communes,
        coordinates=coordinates,
        responses=responses,
        neighbours=neighbours,
        settings=settings,
        willingness_labels=willingness_labels,
    )
    info, names, close, issues, needs, offers, who = ctx
    labels, types = category_labels or {}, type_labels or {}
    found = []
    takers, givers = _by_category(needs), _by_category(offers)
    everyone, linked = _Everyone(who), _linked(close)
    for category in sorted(takers):
        needers, offerers = takers[category], givers.get(category, set())
        found += _resource_projects(
            category, needers, offerers, who, close, issues, settings, everyone, linked
        )
    swaps = _swaps(needs, offers, who, close, settings)
    # at most max_projects swaps can be kept: the nearest and most willing pairs of
    # different types are built, not all of them
    swaps.sort(
        key=lambda f: (
            -close[who[f[1][0]][0], who[f[1][1]][0]],
            -sum(who[m][1] == "yes" for m in f[1]),
            who[f[1][0]][2] == who[f[1][1]][2],
            f[0],
            f[1],
        )
    )
    found += swaps[: 2 * settings.max_projects]

    place = dict(zip(info.index.tolist(), info["commune_code"].tolist()))
    people = (who, place, _n_types(who.values()))

    def build(resource, members, needers):
        return _project(
            resource, members, needers, people, close, issues, names, labels, types, settings
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
    kept: list[dict] = []
    load: dict[str, int] = {}
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
    chosen = pd.DataFrame(kept).sort_values(
        ["score", "actors", "n_types", "score_offer", "title", "project_id"],
        ascending=[False, False, False, False, True, True],
    )
    return conform(chosen.assign(status=STATUS_DEFAULT), "cooperation_projects")


def rescore_projects(
    projects: pd.DataFrame,
    actors: pd.DataFrame,
    needs: pd.DataFrame,
    offers: pd.DataFrame,
    *,
    leave_out=frozenset(),
    places: dict | None = None,
    category_labels: dict[str, str] | None = None,
    type_labels: dict[str, str] | None = None,
    communes: pd.DataFrame | None = None,
    coordinates: pd.DataFrame | None = None,
    responses: pd.DataFrame | None = None,
    neighbours=(),
    settings: Settings = Settings(),
    willingness_labels: dict[str, str] | None = None,
) -> tuple[pd.DataFrame, int]:
    """The projects of `find_projects` described and scored again on a survey without the
    actors `leave_out`, as `find_projects` would describe and score their other members.

    Each project loses its members in `leave_out`; one that no longer holds (no needer
    left, fewer than two members, a one-to-one loan without its offerer, a swap with one
    side gone — `find_projects`' own rule) is dropped. Every other one is built again from
    its remaining members by the code `find_projects` uses: id, title, members, counts,
    types, summary, first step and every score component, on the survey without the actors
    left out (the number of actor types of the territory, which the diversity score divides
    by, is theirs); its status, carrier and next step are kept. The rows are sorted as
    `find_projects` sorts them. The same arguments as `find_projects` (`leave_out` and
    `places` aside).

    `places`, when given, maps each actor to the place a reader may know of it, (commune
    code or None, EPCI code or None): the nearness of two members is then their communes'
    when both communes are known, 0.5 when only their common EPCI is (as for communes
    without a centroid), 0 otherwise, so that the score tells no more of where a member is
    than the place given.

    Returns
    -------
    (DataFrame, int)
        The `cooperation_projects` table, and how many projects were dropped.
    """
    if not len(projects):
        return projects, 0
    gone = {str(a) for a in leave_out}
    kept_actors = actors[~actors["actor_id"].astype(str).isin(gone)]
    info, names, close, issues, _needs, _offers, who = _context(
        kept_actors,
        needs,
        offers,
        communes=communes,
        coordinates=coordinates,
        responses=responses,
        neighbours=neighbours,
        settings=settings,
        willingness_labels=willingness_labels,
    )
    place = dict(zip(info.index, info["commune_code"]))
    people = (who, place, _n_types(who.values()))
    labels, types = category_labels or {}, type_labels or {}
    near = None
    if places is not None:

        def near(a: str, b: str) -> float:
            (ca, ea), (cb, eb) = places.get(a, (None, None)), places.get(b, (None, None))
            if isinstance(ca, str) and isinstance(cb, str):
                return float(close[who[a][0], who[b][0]])
            return 0.5 if isinstance(ea, str) and ea == eb else 0.0

    def ids(cell) -> list[str]:
        return [m for m in str(cell).split(";") if m] if isinstance(cell, str) else []

    rows, dropped = [], 0
    for row in projects.to_dict("records"):
        resource, before = str(row["resources"]), ids(row["members"])
        members = [m for m in before if m not in gone]
        swap = SWAP in resource
        needers = set(members) if swap else set(ids(row["needers"])) - gone
        offerers = set(ids(row["offerers"])) - gone
        holds = len(members) == len(before) if swap else _valid(members, needers, offerers)
        if not holds or any(m not in who for m in members):
            dropped += 1
            continue
        built = _project(
            resource,
            members,
            needers,
            people,
            close,
            issues,
            names,
            labels,
            types,
            settings,
            near,
        )
        decided = {c: row[c] for c in ("status", "carrier", "next_step") if c in row}
        rows.append({**row, **built, **decided})
    out = pd.DataFrame(rows)
    if len(out):
        out = out.sort_values(
            ["score", "actors", "n_types", "score_offer", "title", "project_id"],
            ascending=[False, False, False, False, True, True],
        )
    out = out.reindex(columns=projects.columns).reset_index(drop=True)
    return conform(out, "cooperation_projects"), dropped


def project_id(resource: str, members) -> str:
    """A stable id: the same resource and members always give the same id."""
    key = resource + "|" + ";".join(sorted(members))
    return "P-" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:8]


def _n_types(people) -> int:
    """How many actor types among `people` ((commune index, willingness, type) each): an
    actor without a type (« ? ») adds none."""
    return len({p[2] for p in people} - {"?"})


def _project(
    resource, members, needers, people, close, issues, names, labels, types, settings, near=None
):
    """One row of the `cooperation_projects` table; `people` is (who, place, number of
    actor types of the territory); `near(a, b)`, when given, is the nearness of two members
    (else their communes' closeness)."""
    who, place, all_types = people
    language = settings.language
    members = sorted(members)
    swap = SWAP in resource
    givers = [m for m in members if m not in needers] if not swap else []
    kind = "echange" if swap else ("pret_don" if givers else "mutualisation")
    codes = member_places(members, place, names)
    where = where_words(codes, names, language)

    def res_label(r):
        return labels.get(r, r)

    title = SWAP.join(res_label(r) for r in resource.split(SWAP)) + " — " + where
    n = len(members)
    k = np.array([who[m][0] for m in members])
    if near is None:
        pair = close[np.ix_(k, k)]
        nearness = float(pair[np.triu_indices(n, 1)].mean()) if n > 1 else 1.0
    else:
        pairs = [near(a, b) for i, a in enumerate(members) for b in members[i + 1 :]]
        nearness = float(np.mean(pairs)) if pairs else 1.0
    mix = Counter(who[m][2] for m in members)
    n_types = _n_types(who[m] for m in members)  # a missing type (« ? ») is not a type
    room = all_types - 1
    counts = {i: c for i, c in Counter(i for m in members for i in issues.get(m, ())).items()}
    counts = {i: c for i, c in counts.items() if c >= 2}
    shared = sorted(counts, key=lambda i: (-counts[i], i))[:3]
    will = [{"yes": 1.0}.get(who[m][1], 0.5) for m in members]
    parts = {
        "size": min(n, settings.project_max_actors) / settings.project_max_actors,
        "diversity": max(n_types - 1, 0) / room if room > 0 else 0.0,
        "offer": 1.0 if kind != "mutualisation" else 0.0,
        "nearness": nearness,
        "issues": max(counts.values()) / n if counts else 0.0,
        "willingness": sum(will) / n,
    }
    summary, step = _describe(
        kind, resource, members, needers, who, where, types, res_label, language
    )
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


def filter_projects(
    projects: pd.DataFrame,
    actors: pd.DataFrame,
    *,
    resource: str | None = None,
    commune: str | None = None,
    actor_type: str | None = None,
) -> pd.DataFrame:
    """The projects about `resource` (one of a swap's two resources counts), with a member
    in `commune`, with a member of `actor_type`; an empty or None filter keeps everything.

    Parameters
    ----------
    projects : DataFrame
        The `cooperation_projects` table.
    actors : DataFrame
        The `actors` table (actor_id, actor_type), for the members' types.

    Returns
    -------
    DataFrame
        The rows of `projects` kept, in their order.
    """
    keep = pd.Series(True, index=projects.index)
    if resource:
        keep &= projects["resources"].map(lambda r: resource in str(r).split(SWAP))
    if commune:
        keep &= projects["communes"].map(lambda c: commune in str(c).split(";"))
    if actor_type:
        ids = set(actors.loc[actors["actor_type"] == actor_type, "actor_id"].astype(str))
        keep &= projects["members"].map(lambda m: bool(ids & set(str(m).split(";"))))
    return projects[keep.astype(bool)]
