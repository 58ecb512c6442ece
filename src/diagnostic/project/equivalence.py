"""Which questions of several questionnaires are the same question, and their merged lists.

A diagnostic often has one questionnaire per actor type. To compare actor types on one
issue, the questions that ask the same thing are given one id: the id of the first
questionnaire holding it (the *canonical* id). Questions are matched, in this order:

1. by the project's explicit mapping (``same_as`` of a ``[[survey]]`` block);
2. by the same id, when type, role and choice list are compatible (and, for issues, when
   their labels share a word: generic codes such as Q1, Q2… are reused for other issues);
3. by a role a form holds once (actor_type, sector, commune, cooperation, need, offer…)
   for one type of question, with a compatible list;
4. by the same label after normalisation (case, accents, punctuation, little words), or the
   same distinctive part of it (« Importance pour votre structure : Logement » and
   « Importance pour votre commune : Logement »).

Lists are compatible when one's values are a subset of the other's; ordered scales (Likert)
when their levels are the same, in the same order ("don't know" codes aside). A same id
whose meaning differs is kept apart, renamed with the questionnaire's name. Every decision
is an anomaly row, so that the consultant can check it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

import pandas as pd

from diagnostic.analysis.cooperation import normalise_text
from diagnostic.anomalies import AnomalyLog, concat_anomalies
from diagnostic.errors import DiagnosticError
from diagnostic.forms.lists import choice_lists, list_conflict, merge_values, text_or_none
from diagnostic.schemas import conform

#: Roles a questionnaire asks once: one question of each type with that role is the same
#: question in every form. Issues, free texts, contacts… are many: matched by id or label.
UNIQUE_ROLES = (
    "actor_name",
    "actor_type",
    "sector",
    "commune",
    "cooperation",
    "consent",
    "need",
    "offer",
)
#: Roles a questionnaire asks many times with one list: one id is not enough for them when
#: their labels share no word.
ISSUE_ROLES = ("issue", "issue_importance")
STACKED, APART = "rapprochée", "gardée à part"
_RULES = {
    "same_as": "correspondance indiquée dans le projet (same_as)",
    "id": "même identifiant",
    "role": "même rôle et même liste",
    "label": "même libellé",
}


@dataclass(frozen=True)
class Questionnaire:
    """One questionnaire of a project: its name, its export's file name and its form tables.

    ``same_as`` maps this questionnaire's question ids to the canonical ids they stand for.
    ``observed``: its lists were inferred from the answers (no form), so they hold only the
    values someone gave.
    """

    name: str
    file: str
    questions: pd.DataFrame
    choices: pd.DataFrame
    same_as: dict = field(default_factory=dict)
    observed: bool = False


@dataclass(frozen=True)
class Equivalence:
    """The outcome of `match_questions`.

    ``question_map`` (table ``question_map``) gives each questionnaire's question its
    canonical id and list; ``questions`` and ``choices`` are the merged tables, one row per
    canonical question and per value of each canonical list; ``anomalies`` reports every
    decision.
    """

    question_map: pd.DataFrame
    questions: pd.DataFrame
    choices: pd.DataFrame
    anomalies: pd.DataFrame


def _label_keys(questions: pd.DataFrame) -> dict[str, tuple[str, str]]:
    """Normalised label and normalised distinctive part of each question's label.

    The distinctive part drops the wording shared by every question of the same role
    (« Importance pour votre structure : »), as the issue ranking does.
    """
    keys = {}
    for _role, group in questions.groupby(questions["role"].fillna(""), sort=False):
        labels = group["label"].fillna("").astype(str).tolist()
        prefix = os.path.commonprefix(labels) if len(labels) > 1 else ""
        cut = max(prefix.rfind(" : ") + 3, prefix.rfind(": ") + 2) if ":" in prefix else 0
        for qid, label in zip(group["question_id"], labels):
            keys[qid] = (normalise_text(label), normalise_text(label[cut:]) if cut else "")
    return keys


class _Matcher:
    """The canonical questions and lists, grown questionnaire after questionnaire."""

    def __init__(self, file: str):
        self.file = file  # the project file, named in errors
        self.pool: dict[str, dict] = {}  # canonical id -> question record (+ survey name)
        self.lists: dict[str, dict[str, dict]] = {}  # list name -> value -> choice record
        self.observed: set[str] = set()  # canonical lists only inferred from answers so far
        self.map_rows: list[dict] = []
        self.logs: list[AnomalyLog] = []

    def merge_list(self, target: str, rows: list[dict], q: dict, log: AnomalyLog) -> list[str]:
        """Add the values of `rows` to list `target`; return the values added."""
        return merge_values(self.lists.setdefault(target, {}), rows, target, q, log)

    def add(self, qn: Questionnaire, position: int) -> None:
        """Match the questions of one more questionnaire against the canonical ones."""
        log = AnomalyLog(qn.file)
        self.logs.append(log)
        own_lists = choice_lists(qn.choices)
        keys = _label_keys(qn.questions)
        records = [
            {
                **{k: text_or_none(v) for k, v in r.items()},
                "survey": qn.name,
                "row": r,
                "_keys": keys[r["question_id"]],
            }
            for r in qn.questions.to_dict("records")
        ]
        fits = lambda q, c: list_conflict(  # noqa: E731
            q,
            c,
            own_lists.get(q["list_name"], []),
            list(self.lists.get(c["list_name"], {}).values()),
            observed=qn.observed and c["list_name"] in self.observed,
        )
        found = self._explicit(qn, records, fits, position) if position else {}
        claimed = {cid for cid, _rule in found.values()}
        refused: dict[str, dict[str, str]] = {"id": {}, "role": {}, "label": {}}
        for rule in ("id", "role", "label") if position else ():
            refused[rule] = self._by_key(records, found, claimed, fits, rule)
        for q in records:
            qid = q["question_id"]
            own = own_lists.get(q["list_name"], [])
            if qid in found:
                self._stack(q, *found[qid], own, log)  # type: ignore[call-arg]
                if not qn.observed:  # a form's list now: what was offered is known
                    self.observed.discard(self.pool[found[qid][0]]["list_name"])
            else:
                self._new(
                    q,
                    own,
                    log,
                    refused["id"].get(qid),
                    refused["role"].get(qid) or refused["label"].get(qid),
                    qn.observed,
                )

    def _explicit(self, qn: Questionnaire, records: list, fits, position: int) -> dict:
        """Validate the ``same_as`` mapping of a questionnaire: {question id: (canonical, rule)}."""
        by_id = {q["question_id"]: q for q in records}
        found, where = {}, f"[[survey]] n°{position + 1} (« {qn.name} »)"  # type: ignore[var-annotated]
        for qid, target in qn.same_as.items():
            key = f"same_as.{qid}"
            if qid not in by_id:
                raise DiagnosticError(
                    f"{where} : la question « {qid} » n'existe pas dans ce questionnaire "
                    f"({qn.file}).",
                    file=self.file,
                    column=key,
                )
            if target not in self.pool:
                raise DiagnosticError(
                    f"{where} : « {target} » n'est la question d'aucun questionnaire "
                    f"précédent ; questions connues : {', '.join(list(self.pool)[:30])}.",
                    file=self.file,
                    column=key,
                )
            if target in {cid for cid, _ in found.values()}:
                raise DiagnosticError(
                    f"{where} : deux questions sont rapprochées de « {target} ».",
                    file=self.file,
                    column=key,
                )
            why = fits(by_id[qid], self.pool[target])
            if why is not None and why[0] != "list":
                raise DiagnosticError(
                    f"{where} : « {qid} » ne peut pas être rapprochée de « {target} » : {why[1]}.",
                    file=self.file,
                    column=key,
                )
            found[qid] = (target, "same_as")
        return found

    def _by_key(self, records, found, claimed, fits, rule) -> dict[str, str]:
        """Match the questions left sharing a key (id, role or label) held by exactly one
        question on each side; return the near matches refused, with the reason."""

        def keys_of(item) -> list:
            if rule == "id":
                return [item["question_id"]]
            if rule == "role":
                return [(item["role"], item["type"])] if item["role"] in UNIQUE_ROLES else []
            return [k for k in dict.fromkeys(item["_keys"]) if k]

        def index(items) -> dict:
            out: dict = {}
            for item in items:
                for k in keys_of(item):
                    out.setdefault(k, []).append(item)
            return out

        pool, refused = index(self.pool.values()), {}
        for k, qs in index(records).items():
            cs = pool.get(k, [])
            if len(qs) != 1 or len(cs) != 1:
                continue
            q, c = qs[0], cs[0]
            if q["question_id"] in found or c["question_id"] in claimed:
                continue
            why = fits(q, c) or (_unrelated(q, c) if rule == "id" else None)
            if why is None:
                found[q["question_id"]] = (c["question_id"], rule)
                claimed.add(c["question_id"])
            elif rule == "id":
                refused[q["question_id"]] = why[1]
            else:
                refused.setdefault(
                    q["question_id"],
                    (
                        f"{_RULES[rule].split(' et ')[0]} que « {c['question_id']} » du "
                        f"questionnaire « {c['survey']} », mais {why[1]}"
                    ),
                )
        return refused

    def _stack(self, q: dict, cid: str, rule: str, own: list, log: AnomalyLog) -> None:
        """Give question `q` the canonical id `cid`, its list merged into the canonical one."""
        c = self.pool[cid]
        offered = {v["value"] for v in own}
        unseen = [v for v in self.lists.get(c["list_name"], {}) if v not in offered]
        added = self.merge_list(c["list_name"], own, q, log) if c["list_name"] else []
        note = _RULES[rule]
        if added:
            note += f" ; valeurs ajoutées à la liste « {c['list_name']} » : {', '.join(added)}"
        if unseen and q["type"] == "multiple":  # not offered: counted as not ticked
            note += (
                f" ; valeurs que ce questionnaire ne proposait pas, comptées comme non "
                f"cochées par ses répondants : {', '.join(unseen)}"
            )
        if q["_keys"][0] != c["_keys"][0]:
            note += f" ; libellés : « {c['label']} » / « {q['label']} »"
        log.add(
            f"question « {q['question_id']} » du questionnaire « {q['survey']} » "
            f"rapprochée de « {cid} » du questionnaire « {c['survey']} » ({note})",
            STACKED,
            column=q["question_id"],
            value=cid,
        )
        for name in ("role", "theme", "label"):  # what the first form left empty
            if c["row"].get(name) is None or pd.isna(c["row"][name]):
                c["row"] = {**c["row"], name: q["row"][name]}
        self._record(q, cid, c["list_name"], rule)

    def _new(
        self,
        q: dict,
        own: list,
        log: AnomalyLog,
        conflict: str | None,
        missed: str | None = None,
        observed: bool = False,
    ) -> None:
        """Make question `q` a canonical question (renamed if its id is taken)."""
        cid, suffix = q["question_id"], _suffix(q["survey"])
        taken = cid in self.pool
        while cid in self.pool:
            cid = f"{cid}_{suffix}"
        if taken:
            c = self.pool[q["question_id"]]
            conflict = conflict or (
                "cette dernière est déjà rapprochée d'une autre question de ce questionnaire"
            )
            log.add(
                f"la question « {q['question_id']} » du questionnaire « {q['survey']} » "
                f"porte le même identifiant qu'une question du questionnaire "
                f"« {c['survey']} » mais ne lui correspond pas ({conflict}) : elles sont "
                f"gardées à part, celle-ci sous l'identifiant « {cid} »",
                APART,
                column=q["question_id"],
                value=cid,
            )
        elif missed:
            log.add(
                f"question « {q['question_id']} » du questionnaire « {q['survey']} » non "
                f"rapprochée : {missed} ; indiquez « same_as » dans le projet si c'est la "
                "même question",
                APART,
                column=q["question_id"],
                value=cid,
            )
        target = q["list_name"]
        if (
            target
            and target in self.lists
            and list_conflict(q, q, own, list(self.lists[target].values()))
        ):
            while target in self.lists:
                target = f"{target}_{suffix}"
        if target:
            self.merge_list(target, own, q, log)
            if observed:
                self.observed.add(target)
        self.pool[cid] = {**q, "question_id": cid, "list_name": target}
        self._record(q, cid, target, "conflict" if taken else "new")

    def _record(self, q, cid, target, rule) -> None:
        self.map_rows.append(
            {
                "survey": q["survey"],
                "question_id": q["question_id"],
                "canonical_id": cid,
                "list_name": q["list_name"],
                "canonical_list": target,
                "rule": rule,
            }
        )

    def result(self) -> Equivalence:
        questions = pd.DataFrame(
            [
                {**c["row"], "question_id": cid, "list_name": c["list_name"]}
                for cid, c in self.pool.items()
            ]
        )
        choices = pd.DataFrame([v for values in self.lists.values() for v in values.values()])
        return Equivalence(
            conform(pd.DataFrame(self.map_rows), "question_map"),
            conform(questions, "questions"),
            conform(choices, "choices"),
            concat_anomalies([log.frame() for log in self.logs]),
        )


def _unrelated(q: dict, c: dict) -> tuple[str, str] | None:
    """Two issue questions with one id but labels without a word in common (generic codes,
    such as LimeSurvey's Q1, Q2…, reused for other issues): not the same question."""
    if not {q["role"], c["role"]} & set(ISSUE_ROLES):
        return None
    words = [set((keys[1] or keys[0]).split()) for keys in (q["_keys"], c["_keys"])]
    if not all(words) or words[0] & words[1]:
        return None
    return "label", f"libellés sans mot commun : « {c['label']} » / « {q['label']} »"


def _suffix(name: str) -> str:
    return "_".join(normalise_text(name).split()) or "q"


def match_questions(questionnaires, *, file: str = "projet") -> Equivalence:
    """Decide which questions of several questionnaires are the same question.

    Parameters
    ----------
    questionnaires : sequence of Questionnaire
        In the project's order; the first one's ids and lists are canonical.
    file : str
        The project file's name, named in the errors of a bad ``same_as`` mapping.

    Returns
    -------
    Equivalence
        ``question_map`` (survey, question_id, canonical_id, list_name, canonical_list,
        rule: same_as | id | role | label | new | conflict), merged ``questions`` and
        ``choices``, and the ``anomalies`` reporting every decision.

    Raises
    ------
    DiagnosticError
        A ``same_as`` key that is no question of its questionnaire, a target that is no
        question of an earlier one, or a type or scale that cannot be stacked.
    """
    matcher = _Matcher(file)
    for position, qn in enumerate(questionnaires):
        if position == 0 and qn.same_as:
            raise DiagnosticError(
                f"[[survey]] n°1 (« {qn.name} ») : le premier questionnaire sert de référence ; "
                "« same_as » se met dans les blocs suivants.",
                file=file,
                column="same_as",
            )
        matcher.add(qn, position)
    return matcher.result()
