"""Issue answers tallied once, so that a ranking on any filter costs milliseconds.

`tally_responses` counts the long ``responses`` table into a dense array
(commune × actor type × issue × level × supports). `IssueTally.rank` and
`IssueTally.matrix` then give exactly what `diagnostic.analysis.issues.rank_issues` and
`group_matrix` give on the filtered responses (the tests check it), without
touching the rows again.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from diagnostic.analysis._codes import key_codes
from diagnostic.analysis.issues import ranking_table
from diagnostic.schemas import conform
from diagnostic.settings import Settings

NO_PLACE = "(commune non placée)"


def as_objects(values) -> np.ndarray:
    """Values as an object array with None for missing (pd.NA does not compare)."""
    s = pd.Series(values).astype(object)
    return s.where(s.notna(), None).to_numpy(dtype=object)


def _codes(values) -> tuple[np.ndarray, np.ndarray]:
    """Sorted unique labels (missing last as None) and each value's position."""
    s = pd.Series(values, dtype="object").where(pd.notna(values), None)
    uniques = sorted({v for v in s if v is not None})
    if s.isna().any():
        uniques.append(None)
    index = {v: i for i, v in enumerate(uniques)}
    return np.array(uniques, dtype=object), s.map(index).to_numpy(dtype=np.int64)


@dataclass(frozen=True)
class IssueTally:
    """Dense counts of issue answers; build it with `tally_responses`."""

    counts: np.ndarray  # commune × type × issue × level slot × supports
    communes: np.ndarray
    epci_of_commune: np.ndarray
    types: np.ndarray
    issues: np.ndarray
    labels: np.ndarray
    themes: np.ndarray
    levels: np.ndarray  # scale size of each issue (0: multi-select, no level)
    settings: Settings
    actors: np.ndarray  # commune × type: distinct actors who answered an issue
    actors_by_theme: np.ndarray  # commune × type × theme: the same, per theme
    theme_values: tuple  # the themes of `actors_by_theme`

    def _where(self, actor_types, epci, commune) -> tuple[np.ndarray, np.ndarray]:
        """The communes and the actor types the filters keep (respondents without a type
        are no group: never kept)."""
        place = np.ones(len(self.communes), bool)
        if epci:
            place &= self.epci_of_commune == epci
        if commune:
            place &= self.communes == commune
        kinds = (
            np.isin(self.types, list(actor_types))
            if actor_types
            else np.ones(len(self.types), bool)
        )
        return place, kinds & np.array([t is not None for t in self.types], dtype=bool)

    def select(self, actor_types=None, epci=None, commune=None, theme=None) -> np.ndarray:
        """Counts summed over communes for the filters: type × issue × level slot × supports."""
        c = self.counts
        place, kinds = self._where(actor_types, epci, commune)
        wanted = self.themes == theme if theme else np.ones(len(self.issues), bool)
        return c[place][:, kinds][:, :, wanted].sum(axis=0), self.types[kinds], wanted  # type: ignore[return-value]

    def matrix(self, actor_types=None, epci=None, commune=None, theme=None) -> pd.DataFrame:
        """The `group_matrix` table of the filtered responses."""
        c, types, wanted = self.select(actor_types, epci, commune, theme)
        n = c.sum(axis=(2, 3))
        s = c[..., 1].sum(axis=2)
        t_idx, i_idx = np.nonzero(n)
        issues = self.issues[wanted]
        out = pd.DataFrame(
            {
                "actor_type": types[t_idx],
                "issue_id": issues[i_idx],
                "label": self.labels[wanted][i_idx],
                "respondents": n[t_idx, i_idx],
                "supporters": s[t_idx, i_idx].astype(float),
            }
        ).sort_values(["actor_type", "issue_id"])
        out["suppressed"] = out["respondents"] < self.settings.min_group_size
        out["support"] = (out["supporters"] / out["respondents"]).where(~out["suppressed"])
        out.loc[out["suppressed"], "supporters"] = np.nan
        return conform(out, "group_matrix")

    def rank(self, actor_types=None, epci=None, commune=None, theme=None) -> pd.DataFrame:
        """The `issue_ranking` table of the filtered responses (same as `rank_issues`)."""
        st = self.settings
        c, types, wanted = self.select(actor_types, epci, commune, theme)
        issues, labels = self.issues[wanted], self.labels[wanted]
        themes, ks = self.themes[wanted], self.levels[wanted]
        n_ti = c.sum(axis=(2, 3)).T
        s_ti = c[..., 1].sum(axis=2).T
        present = np.flatnonzero(n_ti.sum(axis=1) > 0)
        if not len(present):
            return conform(pd.DataFrame(), "issue_ranking")
        place, kinds = self._where(actor_types, epci, commune)
        if theme:
            by_theme = self.actors_by_theme[..., list(self.theme_values).index(theme)]
            actors = by_theme[place][:, kinds].sum(axis=0)
        else:
            actors = self.actors[place][:, kinds].sum(axis=0)
        return ranking_table(
            issues[present],
            labels[present],
            themes[present],
            types,
            n_ti[present],
            s_ti[present],
            actors,
            np.moveaxis(c[:, present].sum(axis=3), 0, 1),  # issue × type × level slot
            ks[present],
            st,
        )


@dataclass(frozen=True)
class Tally:
    """Dense counts of a long table along a few columns; build it with `tally`."""

    counts: np.ndarray
    axes: dict

    def sum(self, keep: list[str], **allowed) -> np.ndarray:
        """Counts summed over every axis but `keep`, rows restricted to the `allowed` values."""
        c = self.counts
        for i, (name, values) in enumerate(self.axes.items()):
            if allowed.get(name) is not None:
                c = np.compress(np.isin(values, list(allowed[name])), c, axis=i)
        drop = tuple(i for i, name in enumerate(self.axes) if name not in keep)
        return c.sum(axis=drop)


def tally(frame: pd.DataFrame, columns: list[str], order: dict | None = None) -> Tally:
    """Count the rows of `frame` by the values of `columns` (missing values included).

    `order` may give the full list of values of a column (values nobody has are kept).
    """
    order = order or {}
    axes, codes = {}, []
    for col in columns:
        if col in order:
            uniques = np.array(list(order[col]), dtype=object)
            index = {v: i for i, v in enumerate(uniques)}
            codes.append(frame[col].astype(object).map(index).to_numpy(dtype=np.int64))
        else:
            uniques, code = _codes(frame[col])
            codes.append(code)
        axes[col] = uniques
    shape = tuple(len(u) for u in axes.values())
    flat = np.ravel_multi_index(tuple(codes), shape) if len(frame) else np.array([], np.int64)
    return Tally(np.bincount(flat, minlength=int(np.prod(shape))).reshape(shape), axes)


def tally_responses(
    responses: pd.DataFrame, actors: pd.DataFrame, settings: Settings = Settings()
) -> IssueTally:
    """Count the ``responses`` table by commune, actor type, issue, level and support.

    Parameters
    ----------
    responses : DataFrame
        From `diagnostic.analysis.issues.issue_responses`.
    actors : DataFrame
        The `actors` table (gives each actor's commune and EPCI).

    Returns
    -------
    IssueTally
    """
    places = actors.set_index("actor_id")
    commune = responses["actor_id"].map(places["commune_code"])
    epci = responses["actor_id"].map(places["epci_code"])
    communes, ci = _codes(commune)
    types, ti = _codes(responses["actor_type"])
    issues, ii = _codes(responses["issue_id"])
    first = responses.drop_duplicates("issue_id").set_index("issue_id")
    ks = first["levels"].reindex(issues).fillna(0).astype(int).to_numpy()
    level = pd.to_numeric(responses["level"], errors="coerce").fillna(0).astype(int).to_numpy()
    slots = int(ks.max()) + 1 if len(ks) else 1
    sup = responses["supports"].astype(bool).to_numpy().astype(np.int64)
    shape = (len(communes), len(types), len(issues), slots, 2)
    flat = np.ravel_multi_index((ci, ti, ii, level, sup), shape) if len(responses) else []  # type: ignore[var-annotated]
    counts = np.bincount(flat, minlength=int(np.prod(shape))).reshape(shape)
    theme_values, hi = _codes(responses["theme"])
    # distinct actors per commune × type (and per theme): each actor has one commune and type
    actor, actor_ids = key_codes(responses["actor_id"])
    known = actor >= 0
    commune_of = np.zeros(len(actor_ids), dtype=np.intp)
    type_of = np.zeros(len(actor_ids), dtype=np.intp)
    commune_of[actor[known]], type_of[actor[known]] = ci[known], ti[known]
    present = np.zeros(len(actor_ids), dtype=bool)
    present[actor[known]] = True
    place = commune_of * len(types) + type_of
    actors = np.bincount(place[present], minlength=len(communes) * len(types))
    actors = actors.reshape(len(communes), len(types))
    answered = np.zeros((len(actor_ids), len(theme_values)), dtype=bool)
    answered[actor[known], hi[known]] = True
    by_theme = np.stack(
        [
            np.bincount(place[answered[:, h]], minlength=len(communes) * len(types))
            for h in range(len(theme_values))
        ],
        axis=-1,
    ).reshape(len(communes), len(types), len(theme_values))
    epci_of = pd.Series(as_objects(epci), index=commune.fillna(NO_PLACE).to_numpy())
    epci_of = epci_of[~epci_of.index.duplicated()]
    return IssueTally(
        counts=counts,
        communes=communes,
        epci_of_commune=np.array(
            [epci_of.get(NO_PLACE if c is None else c) for c in communes], dtype=object
        ),
        types=types,
        issues=issues,
        labels=first["label"].reindex(issues).to_numpy(dtype=object),
        themes=as_objects(first["theme"].reindex(issues)),
        levels=ks,
        settings=settings,
        actors=actors,
        actors_by_theme=by_theme,
        theme_values=tuple(theme_values),
    )
