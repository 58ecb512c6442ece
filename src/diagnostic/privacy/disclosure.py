"""Small groups in per-actor tables and respondent counts: generalised until none is left.

The issue tables already hide every cell below `min_group_size` (k) and count their totals
over the shown cells only. What remains is everything published actor by actor (the
`actors` table, the Données sheet, the clusters' members) and the counts of respondents
(participation). For the `funder` and `collective` audiences they all read one *public
view* of the actors, built by `public_actors`:

1. **Types.** A type with fewer than k actors, and the actors without a type, are merged
   into « autres ». If « autres » still has fewer than k actors, they are *withheld*: their
   rows leave every per-actor table and every count by type (their number is written in
   the notes, never their type), as they already are from the issue totals.
2. **Places.** Among the actors kept, a (type, commune) pair with fewer than k actors has
   its commune replaced by its EPCI (« autre commune de l'EPCI »); a (type, EPCI) pair
   still below k becomes « autre commune »; if that last pair of a type is itself below k,
   the type's smallest places join it until it reaches k (a kept type has at least k
   actors, so this ends).

Every (type, place) pair then holds 0 or at least k actors, so no actor is unique on what
the per-actor tables say of them, and any count of respondents by type and place is a sum
of pairs of at least k. A withheld actor is in no cooperation project, pair or group
either (`public_members`, `public_opportunities`). The consultant audience reads the
actors as they are.
"""

from __future__ import annotations

import weakref
from collections import Counter
from dataclasses import dataclass

import numpy as np
import pandas as pd

#: The code of the merged small types (its words: i18n ``others``).
OTHERS = "autres"
#: Place levels of the public view.
COMMUNE, EPCI, OTHER_PLACE = "commune", "epci", "autre"


@dataclass(frozen=True)
class PublicActors:
    """The public view of the actors (see the module's docstring).

    Attributes
    ----------
    actors : DataFrame
        The kept actors, in their original order: every column of the input, with
        ``actor_type`` merged (small types → `OTHERS`), ``commune_code`` blank unless the
        place is a commune, ``epci_code`` blank when the place is « autre commune », and
        ``place_level`` (`COMMUNE`, `EPCI` or `OTHER_PLACE`).
    withheld : frozenset
        Ids of the actors left out (the « autres » group below k).
    merged : tuple
        The type codes merged into « autres » (missing type as ``None``).
    k : int
    """

    actors: pd.DataFrame
    withheld: frozenset
    merged: tuple
    k: int

    @property
    def generalised(self) -> int:
        """How many kept actors had their commune replaced."""
        return int((self.actors["place_level"] != COMMUNE).sum())


def _type_sizes(types: pd.Series) -> pd.Series:
    return types.astype(object).where(types.notna(), None).value_counts(dropna=False)


def public_actors(actors: pd.DataFrame, k: int) -> PublicActors:
    """Merge small types, withhold a small « autres », generalise rare (type, commune) pairs.

    Parameters
    ----------
    actors : DataFrame
        One row per actor: actor_id, actor_type, commune_code, epci_code (others kept).
    k : int
        The smallest group published (`settings.min_group_size`).
    """
    actors = actors.drop_duplicates("actor_id").reset_index(drop=True)
    kinds = actors["actor_type"].astype(object)
    kinds = kinds.where(kinds.notna(), None)
    sizes = kinds.value_counts(dropna=False)
    small = tuple(t for t, n in sizes.items() if t is None or n < k)
    in_others = kinds.isin([t for t in small if t is not None]) | kinds.isna()
    withheld: frozenset[str] = frozenset()
    if 0 < int(in_others.sum()) < k:
        withheld = frozenset(actors.loc[in_others, "actor_id"].astype(str))
    public = actors[~actors["actor_id"].astype(str).isin(withheld)].copy()
    merged = public["actor_type"].astype(object).where(~in_others[public.index], OTHERS)
    public["actor_type"] = merged.astype("string")
    public["place_level"] = _places(public, k)
    public["commune_code"] = public["commune_code"].where(public["place_level"] == COMMUNE)
    public["epci_code"] = public["epci_code"].where(public["place_level"] != OTHER_PLACE)
    return PublicActors(public.reset_index(drop=True), withheld, small, k)


def _places(actors: pd.DataFrame, k: int) -> pd.Series:
    """The place level of each actor (see the module's docstring, step 2)."""
    kind = actors["actor_type"].astype(object).fillna("")
    commune = actors["commune_code"].astype(object)
    epci = actors["epci_code"].astype(object)
    level = pd.Series(COMMUNE, index=actors.index, dtype=object)
    level[commune.isna()] = EPCI
    level[commune.isna() & epci.isna()] = OTHER_PLACE

    def place() -> pd.Series:
        return (
            commune.where(level == COMMUNE, epci.where(level == EPCI, None)).fillna("").astype(str)
        )

    for now, up in ((COMMUNE, EPCI), (EPCI, OTHER_PLACE)):
        at = level == now
        sizes = pd.DataFrame({"t": kind, "p": place()})[at].groupby(["t", "p"])["p"]
        small = sizes.transform("size") < k
        level[small.index[small.to_numpy()]] = up
    for t in pd.unique(kind):
        mine = kind == t
        while 0 < int(((level == OTHER_PLACE) & mine).sum()) < k:
            rest = mine & (level != OTHER_PLACE)
            groups = pd.DataFrame({"l": level[rest], "p": place()[rest]})
            counts = groups.value_counts()
            # the smallest place first; EPCI before commune at equal size, then by code
            smallest = min(counts.index, key=lambda lp: (counts[lp], lp[0] != EPCI, lp[1]))
            chosen = (groups["l"] == smallest[0]) & (groups["p"] == smallest[1])
            level[chosen.index[chosen.to_numpy()]] = OTHER_PLACE
    return level


def unique_on(actors: pd.DataFrame, columns=("actor_type", "commune_code")) -> int:
    """How many actors are alone on `columns` (a missing value is a value of its own)."""
    keys = pd.Series(
        list(zip(*(actors[c].astype(object).where(actors[c].notna(), None) for c in columns))),
        index=actors.index,
        dtype=object,
    )
    return int((keys.map(keys.value_counts()) == 1).sum())


_SEEN: list[tuple[pd.DataFrame, int, PublicActors]] = []


def public_of(diag) -> PublicActors:
    """The public view of `diag`'s actors, with its `min_group_size` (computed once for the
    few last actor tables: every export of one run reads the same view)."""
    k = diag.settings.min_group_size
    for actors, size, view in _SEEN:
        if actors is diag.actors and size == k:
            return view
    view = public_actors(diag.actors, k)
    _SEEN[:] = [*_SEEN[-3:], (diag.actors, k, view)]
    return view


def type_words(diag) -> dict:
    """Type code -> its label, « autres » included."""
    from diagnostic.analysis.labels import role_labels
    from diagnostic.i18n import text

    words = dict(role_labels(diag.questions, diag.choices, "actor_type"))
    words[OTHERS] = text("privacy.others", diag.settings.language)
    return words


def public_participation(diag, public: PublicActors | None = None) -> pd.DataFrame:
    """The `participation` table counted on the public view of the actors.

    A commune row counts only the (type, commune) pairs kept at commune level; the
    generalised actors are counted on « Autres communes de <EPCI> » rows (empty commune
    code, the EPCI's code) and on « Autres communes » rows (both codes empty); a commune
    whose respondents were all generalised shows no count (its rate neither). The withheld
    actors are on no row.
    """
    from diagnostic.i18n import text
    from diagnostic.schemas import conform

    public = public or public_of(diag)
    lang = diag.settings.language
    table = diag.participation
    actors = public.actors
    real = diag.actors.drop_duplicates("actor_id")
    answered = set(real["commune_code"].dropna())
    base = table.dropna(subset=["commune_code"]).drop_duplicates("commune_code")
    rows = []
    kept = actors[actors["place_level"] == COMMUNE]
    counts = kept.groupby(["commune_code", "actor_type"]).size()
    for r in base.itertuples(index=False):
        row = r._asdict()
        mine = counts[counts.index.get_level_values(0) == r.commune_code]
        if len(mine):
            for (_, kind), n in mine.items():
                rows.append({**row, "actor_type": kind, "respondents": n})
        else:
            gone = r.commune_code in answered
            rows.append({**row, "actor_type": "—", "respondents": pd.NA if gone else 0})
    epci_names = dict(zip(diag.epci["epci_code"], diag.epci["name"]))
    for (level, epci, kind), n in (
        actors[actors["place_level"] != COMMUNE]
        .assign(epci=lambda f: f["epci_code"].astype(object).fillna(""))
        .groupby(["place_level", "epci", "actor_type"])
        .size()
        .items()
    ):
        name = (
            text("privacy.other_communes_of", lang, epci=epci_names.get(epci, epci))
            if level == EPCI
            else text("privacy.other_communes", lang)
        )
        rows.append(
            {"commune": name, "epci_code": epci or pd.NA, "actor_type": kind, "respondents": n}
        )
    out = pd.DataFrame(rows, columns=list(table.columns))
    out["respondents"] = pd.to_numeric(out["respondents"]).astype("Float64")
    out["per_1000_inhabitants"] = out["respondents"] / pd.to_numeric(out["population"]) * 1000
    est = pd.to_numeric(out["establishments"]).where(lambda s: s > 0)
    out["per_100_establishments"] = out["respondents"] / est * 100
    return conform(out, "participation")


def public_clusters(diag, public: PublicActors | None = None) -> pd.DataFrame:
    """The `clusters` table on the public view: withheld actors out of the members, the
    sizes and the counts by type (types merged as in the view, labelled)."""
    from diagnostic.analysis.clusters import written_members

    public = public or public_of(diag)
    kinds = dict(zip(public.actors["actor_id"].astype(str), public.actors["actor_type"]))
    words = type_words(diag)
    keys = pd.Index(list(kinds), dtype=object)
    type_codes, type_names = pd.factorize(pd.Series(list(kinds.values()), dtype=object))
    looked_up: dict[int, np.ndarray] = {}  # id of the groups' distinct ids -> their rows
    members, sizes, mixes = [], [], []
    for cell in diag.clusters["actors"]:
        written = written_members(cell)  # a group can hold 25,000 ids: none split then
        if written is not None:
            distinct, inside = written
            if id(distinct) not in looked_up:
                looked_up[id(distinct)] = keys.get_indexer(distinct)
            found = looked_up[id(distinct)][inside]
            kept = found >= 0
            shown = cell if kept.all() else " ; ".join(distinct[inside[kept]].tolist())
        else:
            ids = np.array(
                list(map(str.strip, cell.split(";"))) if isinstance(cell, str) else [],
                dtype=object,
            )
            found = keys.get_indexer(ids) if len(ids) else np.zeros(0, dtype=np.intp)
            kept = found >= 0
            shown = " ; ".join(ids[kept].tolist())
        members.append(shown)
        sizes.append(int(kept.sum()))
        mixes.append(
            " ; ".join(
                f"{words.get(t, t)} : {n}"
                for t, n in _by_count(type_codes[found[kept]], type_names)
            )
        )
    out = diag.clusters.assign(actors=members, size=sizes, actor_types=mixes)
    return out[out["size"] >= public.k].reset_index(drop=True)  # a group left below k goes


def _by_count(codes: np.ndarray, names) -> list[tuple]:
    """(name, count) of the codes (-1: no name, not counted), most first, equal counts in
    the order of their first appearance: as `Series.value_counts` gives them."""
    codes = codes[codes >= 0]
    seen, first = np.unique(codes, return_index=True)
    counts = np.bincount(codes)[seen]
    by_first = np.argsort(first, kind="stable")
    pairs = [(names[t], int(n)) for t, n in zip(seen[by_first], counts[by_first])]
    return sorted(pairs, key=lambda tn: -tn[1])


#: id of a diagnostic → its public view (the funder's and the collective's), dropped with
#: the diagnostic (frozen)
_DISCLOSED: dict[int, object] = {}


def disclosed(diag, audience: str):
    """`diag` as an audience may read it: for `funder` and `collective`, the participation
    and the clusters counted on the public view of the actors, the cooperation projects and
    the opportunities placed on it (`public_projects`, `public_opportunities`); the
    consultant's unchanged."""
    import dataclasses

    if audience == "consultant":
        return diag
    # the funder's and the collective's views are the same: made once per diagnostic, the
    # workbook, report, tables and fiches of both audiences share it
    key = id(diag)
    if key not in _DISCLOSED:
        public = public_of(diag)
        view = _DISCLOSED[key] = dataclasses.replace(
            diag,
            participation=public_participation(diag, public),
            clusters=public_clusters(diag, public),
            cooperation_projects=public_projects(diag, public),
            opportunities=public_opportunities(diag, public),
        )
        weakref.finalize(diag, _DISCLOSED.pop, key, None)
        _DROPPED[id(view)] = public_members(diag, public)[1]
        weakref.finalize(view, _DROPPED.pop, id(view), None)
    return _DISCLOSED[key]


def public_places(diag, public: PublicActors | None = None) -> tuple[dict, dict]:
    """What the public view says of each actor's place, for the cooperation outputs.

    Returns ``(place, words)``: actor_id -> its public place code (the commune's code when
    the view keeps it, the EPCI's code when it was generalised to « autres communes de
    l'EPCI », ``""`` for « autres communes » and for withheld actors), and place code -> its
    words (the commune's name, « Autres communes de <EPCI> », « Autres communes … »).
    """
    from diagnostic.i18n import text

    public = public or public_of(diag)
    lang = diag.settings.language
    view = public.actors
    place: dict = dict.fromkeys(diag.actors["actor_id"].astype(str), "")
    for a, level, c, e in zip(
        view["actor_id"].astype(str), view["place_level"], view["commune_code"], view["epci_code"]
    ):
        place[a] = str(c) if level == COMMUNE else (str(e) if level == EPCI else "")
    epci_names = dict(zip(diag.epci["epci_code"].astype(str), diag.epci["name"]))
    words = {str(c): n for c, n in zip(diag.communes["commune_code"], diag.communes["name"])}
    words.update(
        {e: text("privacy.other_communes_of", lang, epci=n) for e, n in epci_names.items()}
    )
    words[""] = text("privacy.other_communes", lang)
    return place, words


def public_where(codes, epcis, words, language) -> str:
    """Where a project's members are, in the public view's words: its published communes
    by name, then the members generalised to an EPCI as « autres communes de la CC … » (or
    « la CC … » when no commune is named: « un acteur de la CC … »), then « autres communes » for the
    others, unless an EPCI already says it (`codes`: public places, "" for « autres »).

    >>> words = {"61293": "Mortagne-au-Perche", "200036069": "CC du Pays de Mortagne"}
    >>> public_where(["61293", "200036069", ""], {"200036069"}, words, "fr")
    'Mortagne-au-Perche et autres communes de la CC du Pays de Mortagne'
    >>> public_where(["200036069"], {"200036069"}, words, "fr")
    'la CC du Pays de Mortagne'
    >>> public_where(["61293", ""], {"200036069"}, words, "fr")
    'Mortagne-au-Perche et autres communes'
    """
    from diagnostic.analysis.projects import where_words
    from diagnostic.i18n import text

    named = [c for c in codes if c and c not in epcis]
    parts = [words.get(c, c) for c in named]
    shown = parts[:3] if len(parts) <= 3 else parts[:2]
    hidden = len(parts) - len(shown)
    key = "proj.epci_others" if parts else "proj.epci_all"
    grouped = [text(key, language, epci=words.get(c, c)) for c in codes if c in epcis]
    if not grouped and (hidden or "" in codes):
        grouped = [text("proj.other_places", language)]
    return where_words(shown + grouped, {}, language, most=len(shown) + len(grouped))


#: (id of a diagnostic's projects, withheld ids) → (projects without them, number dropped)
_MEMBERS: dict[tuple[int, frozenset], tuple[pd.DataFrame, int]] = {}


def public_members(diag, public: PublicActors | None = None) -> tuple[pd.DataFrame, int]:
    """The cooperation projects without the withheld actors, and how many were dropped.

    A withheld actor is in no public project: each project loses them and is described and
    scored again on its other members, on the survey without the withheld actors, by
    `diagnostic.analysis.projects.rescore_projects` (the code that built it), with the
    public types (small types merged into « autres »); a project that no longer holds is
    dropped. Every project is scored again (the types counted, and the number of types of
    the territory that the diversity score divides by, are the public ones) and its
    nearness is told from the members' public places (a member placed at its EPCI or in
    « autres communes » is not near by its true commune), so the result is the same when
    applied twice. When every actor keeps its type and commune, the projects are unchanged."""
    from diagnostic.analysis.labels import resource_labels, role_labels
    from diagnostic.analysis.projects import rescore_projects
    from diagnostic.project.run import project_geography

    public = public or public_of(diag)
    projects = diag.cooperation_projects
    if not len(projects) or not (public.withheld or public.generalised or public.merged):
        return projects, 0
    key = (id(projects), public.withheld)
    if key not in _MEMBERS:
        coords, neighbours = project_geography(diag.project)
        # every kept actor with their public type (small types merged into « autres »)
        kinds = dict(zip(public.actors["actor_id"].astype(str), public.actors["actor_type"]))
        actors = diag.actors.assign(actor_type=diag.actors["actor_id"].astype(str).map(kinds))
        # the nearness of members told from their public places only
        view = public.actors
        places = {
            a: (c if isinstance(c, str) and c else None, e if isinstance(e, str) and e else None)
            for a, c, e in zip(
                view["actor_id"].astype(str),
                view["commune_code"].astype(object),
                view["epci_code"].astype(object),
            )
        }
        _MEMBERS[key] = rescore_projects(
            projects,
            actors.astype({"actor_type": diag.actors["actor_type"].dtype}),
            diag.needs,
            diag.offers,
            leave_out=public.withheld,
            places=places,
            category_labels=resource_labels(diag.questions, diag.choices),
            type_labels=type_words(diag),
            communes=diag.communes,
            coordinates=coords,
            responses=diag.responses,
            neighbours=neighbours,
            settings=diag.settings,
            willingness_labels=role_labels(diag.questions, diag.choices, "cooperation"),
        )
        weakref.finalize(projects, _MEMBERS.pop, key, None)
    return _MEMBERS[key]


#: id of a disclosed diagnostic → how many projects its view left out (`dropped_projects`)
_DROPPED: dict[int, int] = {}


def dropped_projects(diag) -> int:
    """How many cooperation projects the public view leaves out (`public_members`), for
    `diag` or for the disclosed view made of it (`disclosed`)."""
    if id(diag) in _DROPPED:
        return _DROPPED[id(diag)]
    return public_members(diag)[1]


def public_projects(diag, public: PublicActors | None = None) -> pd.DataFrame:
    """The `cooperation_projects` table placed on the public view: no withheld actor is a
    member (`public_members`), and no commune is linked to a member that the actors table
    does not give it.

    ``communes`` lists the members' public places (commune codes, EPCI codes for the
    members generalised to their EPCI; « autres communes » has no code), ``commune_names``
    their words (the commune's name, the EPCI's name, « autres communes »); the title and
    the summary name the same places. Computed from the members each time (the same result
    when applied twice)."""
    from collections import Counter

    from diagnostic.analysis.projects import member_places, short_type, where_words

    if id(diag) in _DROPPED:  # a view made by `disclosed`: its projects are public already
        return diag.cooperation_projects
    projects = public_members(diag, public)[0]
    if not len(projects):
        return projects
    from diagnostic.i18n import text

    lang = diag.settings.language
    place, _words = public_places(diag, public)
    # a project names the EPCI of members generalised to it, « autres communes » for others
    words = {str(c): n for c, n in zip(diag.communes["commune_code"], diag.communes["name"])}
    words |= {str(e): n for e, n in zip(diag.epci["epci_code"], diag.epci["name"])}
    words[""] = text("proj.other_places", lang)
    actors = diag.actors.drop_duplicates("actor_id")
    real = dict(zip(actors["actor_id"].astype(str), actors["commune_code"].astype(object)))
    real_kind = dict(zip(actors["actor_id"].astype(str), actors["actor_type"].astype(object)))
    view = (public or public_of(diag)).actors
    kind = dict(zip(view["actor_id"].astype(str), view["actor_type"].astype(object)))
    labels = type_words(diag)

    def mix(members, kinds) -> tuple[str, str, int]:
        """The types of the members: in the summary's words, as the table's codes, their
        number (a withheld actor, or one without a type, is « ? »)."""
        count = Counter(k if isinstance(k, str) else "?" for k in map(kinds.get, members))
        ranked = sorted(count.items(), key=lambda x: (-x[1], x[0]))
        words = ", ".join(short_type(labels.get(t, t), n, lang) for t, n in ranked)
        return words, ", ".join(f"{t} : {n}" for t, n in ranked), len(count)

    real_words = {str(c): n for c, n in zip(diag.communes["commune_code"], diag.communes["name"])}
    epcis = set(diag.epci["epci_code"].astype(str))
    rows = []
    for row in projects.to_dict("records"):
        members = [m for m in str(row["members"] or "").split(";") if m]
        placed = [m for m in members if isinstance(real.get(m), str)]
        truth = where_words(member_places(placed, real, real_words), real_words, lang)
        codes = member_places(members, place, words)
        codes = [c for c in codes if c] + [c for c in codes if not c]  # « autres » last
        where = public_where(codes, epcis, words, lang)
        title = str(row["title"])
        head = title.rsplit(" — ", 1)[0] if " — " in title else title
        summary = row["summary"]
        told, codes_told, n_types = mix(members, kind)
        if isinstance(summary, str):
            summary = summary.replace(mix(members, real_kind)[0], told, 1)
        rows.append(
            {
                **row,
                "actor_types": codes_told,
                "n_types": n_types,
                "title": f"{head} — {where}",
                "communes": ";".join(c for c in codes if c),
                "commune_names": ", ".join(words.get(c, c) for c in codes),
                "summary": summary.replace(truth, where, 1)
                if isinstance(summary, str)
                else summary,
            }
        )
    out = pd.DataFrame(rows, columns=projects.columns, index=projects.index)
    return out.astype(projects.dtypes.to_dict())


def _as_written(described):
    """The replacement of a `who` match: the actor described with the public type, its
    first letter in the case the sentence had (« L'acteur » where it begins one)."""

    def replace(match) -> str:
        said = described[match.group(2)]
        return said[0].upper() + said[1:] if match.group(1).isupper() else said

    return replace


#: [(opportunities, actors, questions, choices, settings, their public table)]: computed
#: by another process from these very tables (`remember_public_opportunities`)
_REMEMBERED: list = []


def remember_public_opportunities(diag, table: pd.DataFrame) -> None:
    """Keep `table`, the `public_opportunities` of `diag`'s tables computed elsewhere (the
    network's worker, `export.Outputs.matched`): `public_opportunities` returns it for a
    diagnostic holding these very tables (the same objects), instead of computing it
    again. One kept at a time."""
    _REMEMBERED[:] = [
        (diag.opportunities, diag.actors, diag.questions, diag.choices, diag.settings, table)
    ]


def _remembered(diag) -> pd.DataFrame | None:
    for opportunities, actors, questions, choices, settings, table in _REMEMBERED:
        if (
            opportunities is diag.opportunities
            and actors is diag.actors
            and questions is diag.questions
            and choices is diag.choices
            and settings == diag.settings
        ):
            return table
    return None


def public_opportunities(diag, public: PublicActors | None = None) -> pd.DataFrame:
    """The `opportunities` table on the public view: its words and numbers say no more of
    where the two actors are than the actors table does.

    A direct or reciprocal pair whose two actors keep their commune in the view is told as
    it is (their true communes are public). Otherwise its place is « dans la même
    intercommunalité » when both keep the same EPCI, else « dans le territoire »; no
    distance; ``score_geo`` is that place's (0.6 or 0.2, as for pairs without centroids)
    and the score moves by ``weight_geo`` × the change; no competition warning (it says
    « dans la même commune »). Each actor's type is its public type (« autres » for small
    types, « type non précisé » for a withheld actor), in pairs and in groups. A pool « in
    the same intercommunality » with a member whose EPCI the view does not give is left
    out. A withheld actor is in no row: a pair with one is left out, a group loses them
    (its size, score n/10 and sentence told again) and is left out below its smallest
    size (`diagnostic.analysis.cooperation.group_least`). The rows are sorted again on the
    public scores (their order told the true ones).
    """
    import re

    from diagnostic.analysis.cooperation import group_least, group_score
    from diagnostic.i18n import text

    table = diag.opportunities
    if not len(table):
        return table
    if public is None or public is public_of(diag):  # the view of `diag`'s own actors
        remembered = _remembered(diag)
        if remembered is not None:
            return remembered
    public = public or public_of(diag)
    lang = diag.settings.language
    settings = diag.settings
    ids = public.actors["actor_id"].astype(str).tolist()  # plain lists: no cell boxed
    level = dict(zip(ids, (None if v is pd.NA else v for v in public.actors["place_level"])))
    # as `to_dict` gives them: a missing code is None
    epci = dict(
        zip(ids, (None if e is pd.NA else e for e in public.actors["epci_code"].astype(object)))
    )
    words = type_words(diag)
    kind_of = {
        a: words.get(t, t) for a, t in zip(ids, public.actors["actor_type"].astype(object).tolist())
    }
    no_type = text("coop.no_type", lang)
    places = text("coop.places", lang)
    km_word = re.escape(text("coop.km", lang, km="§")).replace("§", r"\d+")
    phrase = re.compile("(" + "|".join(map(re.escape, places)) + ")(" + km_word + ")?")
    rival = text("coop.rival", lang)
    near = re.compile(re.escape(text("coop.offer_near", lang, category="§")).replace("§", "(.*?)"))
    # « l'acteur … (type) », and « L'acteur … » where it begins a sentence (a direct
    # pair's): both get the public type
    said = text("coop.who", lang, id="§", kind="¤")
    who = re.compile(
        f"([{re.escape(said[0].lower() + said[0].upper())}])"
        + re.escape(said[1:])
        .replace("§", r"(A-[0-9a-f]+)")
        .replace("¤", r"[^()]*(?:\([^()]*\)[^()]*)*")
    )

    def geo(a: str, b: str):
        """(place class, distance, geography score) on the public places: the pair's own
        when both keep their commune (then their true communes are the public ones)."""
        if level.get(a) == COMMUNE and level.get(b) == COMMUNE:
            return None
        ea, eb = epci.get(a), epci.get(b)
        cls = 1 if isinstance(ea, str) and ea == eb else 3
        return cls, float("nan"), (1.0, 0.6, 0.3, 0.2)[cls]

    class Described(dict):
        """actor id -> « l'acteur … (type) » with its public type, written once."""

        def __missing__(self, actor: str) -> str:
            said = self[actor] = text("coop.who", lang, id=actor, kind=kind_of.get(actor, no_type))
            return said

    described = Described()
    group = re.compile(
        re.escape(text("coop.group", lang, n="§", mix="¤", what="µ"))
        .replace("§", r"\d+")
        .replace("¤", ".*")
        .replace("µ", "(?P<what>.*)"),
        re.S,
    )
    out = table.copy()
    texts: list[str] = []
    dist: list = []
    geos: list = []
    scores: list = []
    drop: list[int] = []
    # the columns read, as plain lists (`to_dict("records")` boxed every cell of every
    # column); a column the table lacks reads None
    missing = [None] * len(table)
    columns = (
        table[c].tolist() if c in table.columns else missing
        for c in (
            "explanation",
            "need_actor",
            "offer_actor",
            "kind",
            "score",
            "score_geo",
            "distance_km",
            "actors",
        )
    )
    has_geo = "score_geo" in table.columns
    members_of: list = []
    hidden = public.withheld
    for sentence, need, offer, kind, score, score_geo, distance, actors in zip(*columns):
        sentence = str(sentence)
        members_of.append(actors)
        pair = kind in ("direct", "reciprocal")
        members = [m.strip() for m in str(actors).split(";") if m.strip()] if hidden else []
        if hidden and hidden & set(members):  # a withheld actor is in no pair or group
            if pair or len(kept := [m for m in members if m not in hidden]) < group_least(
                str(kind), settings
            ):
                drop.append(len(texts))
                texts.append(sentence)
                scores.append(score)
                geos.append(score_geo)
                dist.append(distance)
                continue
            members_of[-1] = " ; ".join(kept)
            score = group_score(len(kept))
        sentence = who.sub(_as_written(described), sentence)
        public_geo = geo(str(need), str(offer)) if pair else None
        if public_geo is not None:
            cls, d, g = public_geo
            sentence = phrase.sub(places[cls].replace("\\", "\\\\"), sentence, count=1)
            sentence = sentence.replace(rival, "")  # a competition is within one commune
            # a reciprocal pair's: the same both ways
            old = score_geo if has_geo else float("nan")
            change = 0.0 if pd.isna(old) else settings.weight_geo * (g - float(old))
            scores.append(round(float(score) + change, 4))
            geos.append(round(g, 4))
            dist.append(d)
        elif pair:
            scores.append(score)
            geos.append(score_geo)
            dist.append(distance)
        else:
            members = [m.strip() for m in str(members_of[-1]).split(";") if m.strip()]
            if near.search(sentence) and not all(isinstance(epci.get(m), str) for m in members):
                drop.append(len(texts))  # a pool of one EPCI would place such a member
            match = group.fullmatch(sentence)
            if match:  # the mix of types told with public types
                # counted as `Series.value_counts` counts (a missing type left out),
                # without a Series per group
                mix = Counter(
                    t for t in (kind_of.get(m, no_type) for m in members) if not pd.isna(t)
                )
                sentence = text(
                    "coop.group",
                    lang,
                    n=len(members),
                    mix=text("coop.mix_sep", lang).join(
                        text("coop.mix", lang, n=n, kind=t)
                        for t, n in sorted(mix.items(), key=lambda x: (-x[1], x[0]))
                    ),
                    what=match.group("what"),
                )
            scores.append(score)
            geos.append(score_geo)
            dist.append(distance)
        texts.append(sentence)
    out["explanation"] = texts
    out["actors"] = pd.Series(members_of, index=out.index, dtype=object).astype(
        table["actors"].dtype
    )
    out["score"] = pd.Series(scores, index=out.index).astype(table["score"].dtype)
    if "score_geo" in out:
        out["score_geo"] = pd.Series(geos, index=out.index, dtype=object).astype(
            table["score_geo"].dtype
        )
    if "distance_km" in out:
        out["distance_km"] = pd.Series(dist, index=out.index, dtype=object).astype(
            table["distance_km"].dtype
        )
    if "flags" in out:
        competition = out["explanation"].str.contains(re.escape(rival.strip()), regex=True)
        out["flags"] = out["flags"].where(competition | out["flags"].isna(), "")
    out = out.drop(index=out.index[drop])
    # the order of the rows told the true scores: each kind sorted again on the public ones
    block = out["kind"].map({k: i for i, k in enumerate(pd.unique(out["kind"]))})
    order = out.assign(_block=block).sort_values(
        ["_block", "score", "actors", "category"],
        ascending=[True, False, True, True],
        kind="stable",
    )
    return order.drop(columns="_block").reset_index(drop=True)


def public_sectors(frame: pd.DataFrame, columns, k: int, other: str) -> pd.DataFrame:
    """The sector answers of a per-actor table that also gives each actor's (public) type
    and place, generalised until no (type, place, sector) combination holds fewer than k
    actors.

    `frame` has ``actor_type`` and ``commune_code`` (the public place, in words when
    generalised) and each column of `columns` (one sector answer per actor, blank when
    none). Per column: a rare sector of a (type, place) becomes `other`; if `other` then
    holds fewer than k actors of that (type, place), the smallest sectors join it until it
    reaches k (a published (type, place) has 0 or at least k actors, so this ends). The
    other columns are unchanged.
    """
    out = frame.copy()
    keys = [out[c].astype(object).where(out[c].notna(), "") for c in ("actor_type", "commune_code")]
    cell = pd.Series(list(zip(*keys)), index=out.index, dtype=object)
    for column in columns:
        if column not in out.columns:
            continue
        value = out[column].astype(object).where(out[column].notna(), "").astype(str)
        size = pd.Series(list(zip(cell, value)), index=out.index, dtype=object)
        rare = size.map(size.value_counts()) < k
        value = value.where(~rare, other).to_numpy(dtype=object)
        # each (type, place) on its own rows (comparing every row once per cell cost
        # seconds on 50,000 actors)
        codes = pd.factorize(cell)[0]
        order = np.argsort(codes, kind="stable")
        cuts = np.flatnonzero(np.diff(codes[order])) + 1
        for rows in np.split(order, cuts):
            mine = value[rows]
            while 0 < int((mine == other).sum()) < k:
                counts = pd.Series(mine[mine != other]).value_counts()
                if not len(counts):
                    break
                smallest = min(counts.index, key=lambda v: (counts[v], v))
                mine[mine == smallest] = other
            value[rows] = mine
        value = pd.Series(value, index=out.index, dtype=object)
        out[column] = pd.array(value.where(value != "", None), dtype="string")
    return out
