"""Workshop votes (dot voting) and the priorities shared between survey and workshop.

A participant spreads a few dots over the items (issues or opportunities). Each participant
weighs the same: their dots are normalised to a share of 1 before items are ranked, so that
someone who puts many dots does not count more. One rule ranks the votes everywhere (the
live capture of the app, the workbook's shared priorities): equal weights share a rank.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from diagnostic._io.atomic import save_workbook
from diagnostic._io.text import fold
from diagnostic.anomalies import REJECTED, REPAIRED, AnomalyLog, RowAccount
from diagnostic.errors import DiagnosticError
from diagnostic.i18n import text
from diagnostic.schemas import conform, validate

#: Template headers (French) -> `votes` columns.
HEADERS = {
    "participant": "participant",
    "type d'acteur": "actor_type",
    "item_id": "item_id",
    "element": "item",
    "gommettes": "dots",
}
GAINED, LOST, STABLE = "gagne du terrain", "perd du terrain", "stable"


VOTE_COLUMNS = {
    "participant": "string",
    "actor_type": "string",
    "item_id": "string",
    "dots": "Int64",
}


def empty_votes() -> pd.DataFrame:
    """An empty `votes` table: participant, actor_type, item_id, dots."""
    return pd.DataFrame({c: pd.Series(dtype=t) for c, t in VOTE_COLUMNS.items()})


def add_votes(
    votes: pd.DataFrame, participant: str, actor_type: str | None, dots: dict[str, int]
) -> pd.DataFrame:
    """Return `votes` with one participant's dots, replacing what they gave before.

    Items with zero dots are not kept.

    >>> v = add_votes(empty_votes(), "Anne", "association", {"mobilite": 2, "emploi": 0})
    >>> v[["participant", "item_id", "dots"]].values.tolist()
    [['Anne', 'mobilite', 2]]
    """
    participant = str(participant).strip()
    if not participant:
        raise ValueError("indiquez le nom (ou un pseudonyme) du participant.")
    if any(int(n) < 0 for n in dots.values()):
        raise ValueError("le nombre de gommettes ne peut pas être négatif.")
    new = pd.DataFrame(
        {
            "participant": participant,
            "actor_type": actor_type,
            "item_id": list(dots),
            "dots": [int(n) for n in dots.values()],
        }
    )
    new = new[new["dots"] > 0].astype(VOTE_COLUMNS)
    kept = votes[votes["participant"] != participant]
    return pd.concat([kept, new], ignore_index=True).astype(VOTE_COLUMNS)


def rank_votes(votes: pd.DataFrame, labels: dict[str, str] | None = None) -> pd.DataFrame:
    """Rank items by votes normalised per participant.

    Parameters
    ----------
    votes : DataFrame
        The `votes` table.
    labels : dict, optional
        item_id -> label; items without a vote are listed with zero.

    Returns
    -------
    DataFrame
        item_id, label, participants (Int64), dots (Int64), weight (Float64, sum of each
        participant's share), share (Float64, weight / participants), rank (Int64).

    Examples
    --------
    >>> v = pd.DataFrame({"participant": ["a", "a", "b"], "actor_type": ["x"] * 3,
    ...                   "item_id": ["i1", "i2", "i2"], "dots": [3, 1, 1]})
    >>> rank_votes(v)[["item_id", "weight"]].values.tolist()
    [['i2', 1.25], ['i1', 0.75]]
    """
    validate(votes, "votes", ["participant", "item_id", "dots"])
    labels = labels or {}
    out, voters = _vote_weights(votes)
    items = list(dict.fromkeys([*labels, *out.index]))
    out = out.reindex(items).fillna(0).rename_axis("item_id").reset_index()
    out["share"] = out["weight"] / max(voters, 1)
    out["label"] = out["item_id"].map(lambda i: labels.get(i, i))
    out["rank"] = _vote_rank(out["weight"])
    out = out.sort_values(["rank", "dots", "item_id"], ascending=[True, False, True])
    return out.astype(
        {
            "item_id": "string",
            "label": "string",
            "participants": "Int64",
            "dots": "Int64",
            "weight": "Float64",
            "share": "Float64",
            "rank": "Int64",
        }
    )[["item_id", "label", "participants", "dots", "weight", "share", "rank"]].reset_index(
        drop=True
    )


def compare_priorities(ranking: pd.DataFrame, votes_ranking: pd.DataFrame) -> pd.DataFrame:
    """Survey rank beside workshop rank for each issue (for the slope chart).

    Returns
    -------
    DataFrame
        item_id, label, survey_rank, workshop_rank (Int64; missing when not voted on).
    """
    left = ranking[["issue_id", "label", "rank"]].rename(
        columns={"issue_id": "item_id", "rank": "survey_rank"}
    )
    right = votes_ranking[["item_id", "rank"]].rename(columns={"rank": "workshop_rank"})
    return left.merge(right, on="item_id", how="left").astype(
        {"survey_rank": "Int64", "workshop_rank": "Int64"}
    )


def _vote_weights(votes: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """Each item's votes, every participant's dots normalised to a share of 1.

    Returns the frame indexed by item_id (participants, dots, weight = sum of the shares
    the item received) and the number of participants who voted.
    """
    v = votes[votes["dots"].fillna(0) > 0]
    total = v.groupby("participant")["dots"].transform("sum")
    v = v.assign(part=v["dots"].astype(float) / total.astype(float))
    out = v.groupby("item_id").agg(
        participants=("participant", "nunique"), dots=("dots", "sum"), weight=("part", "sum")
    )
    return out, int(v["participant"].nunique())


def _vote_rank(weight: pd.Series) -> pd.Series:
    """Workshop rank of each item: 1 for the heaviest, equal weights share their rank."""
    return weight.astype(float).round(12).rank(ascending=False, method="min").astype(int)


@dataclass(frozen=True)
class Votes:
    """Votes read from a workshop file, with their anomalies and row accounting."""

    votes: pd.DataFrame
    anomalies: pd.DataFrame
    account: RowAccount


@dataclass(frozen=True)
class RankComparison:
    """Spearman comparison of the survey and workshop rankings."""

    rho: float
    p_value: float
    n: int
    text: str


def write_votes_template(path, items: pd.DataFrame, participants=None) -> Path:
    """Write an .xlsx sheet to note the dots each participant puts on each item.

    Parameters
    ----------
    items : DataFrame
        item_id and label (e.g. the `issue_ranking` table, with issue_id renamed or not).
    participants : list of str, optional
        One block of rows per participant (default: 10 blocks « participant 1 » …).
    """
    path = Path(path)
    items = items.rename(columns={"issue_id": "item_id"})[["item_id", "label"]]
    people = list(participants) if participants else [f"participant {i}" for i in range(1, 11)]
    from openpyxl import Workbook  # openpyxl is slow to import: only when a sheet is made

    wb = Workbook()
    ws = wb.active
    ws.title = "votes"
    ws.append(list(HEADERS))
    for person in people:
        for item_id, item_label in items.itertuples(index=False):
            ws.append([person, None, item_id, item_label, None])
    help_ = wb.create_sheet("mode d'emploi")
    for line in (
        "Une ligne par participant et par élément : inscrivez le type d'acteur du "
        "participant et le nombre de gommettes (entier positif, vide = 0).",
        "Ne modifiez pas la colonne item_id.",
    ):
        help_.append([line])
    save_workbook(wb, path)
    return path


def _dots(value) -> int | None:
    text = str(value).strip().replace(",", ".")
    try:
        number = float(text)
    except ValueError:
        return None
    return int(number) if number >= 0 and number == int(number) else None


def read_votes(path, item_ids=None) -> Votes:
    """Read a votes file (the template's .xlsx, or a CSV with the same columns).

    Rows without participant, with an unknown item or an invalid number of dots are
    rejected with a French anomaly; empty dots count as 0.

    Returns
    -------
    Votes
        `votes` table (participant, actor_type, item_id, dots), anomalies, row account.
    """
    path = Path(path)
    if not path.exists():
        raise DiagnosticError("fichier de votes introuvable.", file=str(path))
    from diagnostic._io.tables import read_table

    raw = read_table(path).frame
    frame = raw.rename(columns=lambda c: HEADERS.get(fold(str(c)).strip(), str(c).strip()))
    missing = [c for c in ("participant", "item_id", "dots") if c not in frame.columns]
    if missing:
        raise DiagnosticError(
            f"colonnes manquantes : {', '.join(missing)}. Utilisez le modèle de feuille de votes.",
            file=path.name,
        )
    known = set(map(str, [] if item_ids is None else item_ids))
    log, kept = AnomalyLog(path.name), []
    for i, r in enumerate(frame.itertuples(index=False), start=2):
        person, item = r.participant, r.item_id
        dots = 0 if pd.isna(r.dots) or not str(r.dots).strip() else _dots(r.dots)
        if pd.isna(person) or not str(person).strip():
            if dots:
                log.add(
                    "participant non renseigné : ligne ignorée",
                    REJECTED,
                    row=i,
                    column="participant",
                )
            else:
                log.add("ligne vide", REJECTED, row=i)
            continue
        if pd.isna(item) or (known and str(item).strip() not in known):
            log.add(
                "élément inconnu : vérifiez la colonne item_id du modèle",
                REJECTED,
                row=i,
                column="item_id",
                value=item,
            )
            continue
        if dots is None:
            log.add(
                "nombre de gommettes invalide : mettez un nombre entier positif",
                REJECTED,
                row=i,
                column="gommettes",
                value=r.dots,
            )
            continue
        kind = getattr(r, "actor_type", pd.NA)
        kept.append(
            {
                "participant": str(person).strip(),
                "item_id": str(item).strip(),
                "actor_type": kind if pd.notna(kind) else "non précisé",
                "dots": dots,
                "row": i,
            }
        )
    votes = pd.DataFrame(kept, columns=["participant", "actor_type", "item_id", "dots", "row"])
    for r in votes[votes.duplicated(["participant", "item_id"])].itertuples():
        log.add(
            "même participant et même élément sur plusieurs lignes : gommettes additionnées",
            REPAIRED,
            row=r.row,
            column="item_id",
            value=r.item_id,
        )
    votes = (
        votes.groupby(["participant", "item_id"], sort=True)
        .agg(actor_type=("actor_type", "first"), dots=("dots", "sum"))
        .reset_index()
    )
    rejected = sum(1 for rec in log.records if rec["action"] == REJECTED)
    account = RowAccount(path.name, len(frame), len(frame) - rejected, rejected)
    return Votes(conform(votes, "votes"), log.frame(), account)


def shared_priorities(issue_ranking: pd.DataFrame, votes: pd.DataFrame) -> pd.DataFrame:
    """Survey ranking against workshop votes, each participant's dots normalised to 1.

    An issue's workshop share is the mean, over participants who voted, of the share of
    their dots it received; `shift` = survey rank − workshop rank (positive: gained ground);
    `trend` is a code (« gagne du terrain », « perd du terrain », « stable »), put in words at
    the edge (`diagnostic.i18n.localize`).

    Returns
    -------
    DataFrame
        The `shared_priorities` table, in workshop order.
    """
    validate(issue_ranking, "issue_ranking", ["issue_id", "label", "rank", "support"])
    validate(votes, "votes", ["participant", "item_id", "dots"])
    by_item, voters = _vote_weights(votes)
    by_item = by_item.rename(columns={"weight": "workshop_share"})[
        ["workshop_share", "participants"]
    ]
    out = (
        issue_ranking[["issue_id", "label", "rank", "support"]]
        .rename(columns={"rank": "survey_rank"})
        .join(by_item, on="issue_id")
    )
    out["workshop_share"] = out["workshop_share"].astype(float) / voters if voters else float("nan")
    out["workshop_share"] = out["workshop_share"].fillna(0.0)
    out["participants"] = out["participants"].fillna(0)
    out["workshop_rank"] = _vote_rank(out["workshop_share"])
    out["shift"] = out["survey_rank"].astype(int) - out["workshop_rank"].astype(int)
    out["trend"] = [GAINED if s > 0 else LOST if s < 0 else STABLE for s in out["shift"]]
    out = out.sort_values(["workshop_rank", "survey_rank", "issue_id"])
    return conform(out, "shared_priorities")


def compare_rankings(shared: pd.DataFrame, language: str = "fr") -> RankComparison:
    """Spearman correlation of survey and workshop ranks, with what moved, said in
    `language`."""
    n = len(shared)
    if n < 3:
        return RankComparison(float("nan"), float("nan"), n, text("ranks.few", language))
    from scipy.stats import spearmanr  # scipy.stats costs a second to import: only here

    rho, p = spearmanr(shared["survey_rank"].astype(float), shared["workshop_rank"].astype(float))
    up = shared.loc[shared["trend"] == GAINED, "label"].tolist()
    down = shared.loc[shared["trend"] == LOST, "label"].tolist()
    out = text("ranks.spearman", language, rho=rho, n=n)
    out = out if language == "en" else out.replace(".", ",")
    if up:
        out += text("ranks.up", language, labels=", ".join(up))
    if down:
        out += text("ranks.down", language, labels=", ".join(down))
    return RankComparison(float(rho), float(p), n, out + ".")
