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
of pairs of at least k. The consultant audience reads the actors as they are.
"""

from __future__ import annotations

from dataclasses import dataclass

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
    public = public or public_of(diag)
    kinds = dict(zip(public.actors["actor_id"].astype(str), public.actors["actor_type"]))
    words = type_words(diag)
    clusters = diag.clusters
    members, sizes, mixes = [], [], []
    for cell in clusters["actors"]:
        ids = (
            [a.strip() for a in str(cell).split(";") if a.strip() in kinds]
            if isinstance(cell, str)
            else []
        )
        counts = pd.Series([kinds[a] for a in ids], dtype=object).value_counts()
        members.append(" ; ".join(ids))
        sizes.append(len(ids))
        mixes.append(" ; ".join(f"{words.get(t, t)} : {n}" for t, n in counts.items()))
    out = clusters.assign(actors=members, size=sizes, actor_types=mixes)
    return out[out["size"] >= public.k].reset_index(drop=True)  # a group left below k goes


def disclosed(diag, audience: str):
    """`diag` as an audience may read it: for `funder` and `collective`, the participation
    and the clusters counted on the public view of the actors; the consultant's unchanged."""
    import dataclasses

    if audience == "consultant":
        return diag
    public = public_of(diag)
    return dataclasses.replace(
        diag,
        participation=public_participation(diag, public),
        clusters=public_clusters(diag, public),
    )
