"""Paroles d'acteurs: the free-text answers read as words, coded into themes, and quoted.

Every text is masked (`diagnostic.privacy.masking.public_answers`: e-mails, phones,
addresses, numbers, names, each respondent's own names) *before* it is cut into words, so
that no word of this module's tables can carry what the masking takes away.

Words are lemmatised with simplemma (a dictionary lemmatiser: light, no model to download,
French and English) and stop words are those of stopwords-iso; both are chosen over spaCy's
pipelines, which cost seconds to load and hundreds of megabytes for short answers where a
dictionary lookup finds the same lemmas.

The words specific to a group of actors are scored as in Lexico and IRaMuTeQ (Lafon's
hypergeometric specificity): for a lemma seen `f` times among `T` words, of which `t` are the
group's, the probability that the group holds `k` or more of its occurrences (or `k` or
fewer) by chance.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

from diagnostic.analysis._codes import isin_by_runs
from diagnostic.privacy.masking import public_answers
from diagnostic.schemas import conform

#: Roles whose text answers are read here: free comments, and the "autre, précisez" texts
#: given with issues, needs, offers or any other question. Personal and identity roles never.
TEXT_ROLES = ("free_text", "other", "issue", "issue_importance", "need", "offer", "cooperation")
#: A lemma is published only when at least this many respondents wrote it: a word one
#: person used can be their name, their village or their trade.
MIN_AUTHORS = 2
#: A text question without a role is read as free answers when half of them hold at least
#: this many words; shorter ones are places, names or codes typed in.
MIN_MEDIAN_WORDS = 4
#: Specificity is bounded (a score of 10 already means a chance below 1 in 10 billion).
MAX_SCORE = 30.0
_WORD = re.compile(r"[^\W\d_](?:[^\W\d_]|['’-](?=[^\W\d_]))*", re.UNICODE)
#: what the masking puts in place of personal data, never a word of the corpus
_PLACEHOLDER = re.compile(r"\[[^\]]*masqu[^\]]*\]|\[[^\]]*masked[^\]]*\]", re.IGNORECASE)
_ELISION = re.compile(r"^(?:[ldjmntsc]|qu|jusqu|lorsqu|puisqu|quoiqu)['’]", re.IGNORECASE)


@cache
def stop_words(language: str) -> frozenset[str]:
    """The stop words of `language` ("fr" or "en") from stopwords-iso, lower-case."""
    import stopwordsiso

    return frozenset(w.lower() for w in stopwordsiso.stopwords(language))


def lemmas(text: str, language: str = "fr") -> list[str]:
    """The content words of `text` as lemmas, in order: elisions cut (« l'école » → école),
    numbers, one-letter words and stop words left out. A capitalised word keeps its form
    unless its lemma only drops an ending (« Maisons » → maison, « Valais » stays valais).

    >>> lemmas("Les jeunes partent faute de transports")
    ['jeune', 'partir', 'faute', 'transport']
    """
    import simplemma

    if not isinstance(text, str):
        return []
    stops = stop_words(language)
    out = []
    for match in _WORD.finditer(_PLACEHOLDER.sub(" ", text)):
        surface = _ELISION.sub("", match.group(0))
        word = surface.lower()
        if len(word) < 2 or word in stops:
            continue
        lemma = simplemma.lemmatize(word, lang=language).lower()
        if surface[0].isupper() and not word.startswith(lemma):
            lemma = word  # a name (Valais, Jura): not a verb's form (valoir, jurer)
        if len(lemma) >= 2 and lemma not in stops:
            out.append(lemma)
    return out


def text_answers(
    answers: pd.DataFrame,
    questions: pd.DataFrame,
    actors: pd.DataFrame,
    personal: pd.DataFrame | None = None,
    language: str = "fr",
) -> pd.DataFrame:
    """Every free-text answer, masked, with its author's type and commune, and its lemmas
    (cut once here for the word counts, the quotes and the coding app).

    Returns
    -------
    DataFrame
        question_id, question, actor_id, actor_type, commune_code, text (masked), lemmas
        (list of str, see `lemmas`).
    """
    texts = questions[(questions["type"] == "text") & questions["role"].isin(TEXT_ROLES)]
    answers = answers[isin_by_runs(answers["question_id"], texts["question_id"])]
    answers = answers[answers["value"].notna() & (answers["value"].astype(str).str.strip() != "")]
    # a text question without a role is read when people wrote sentences, not a place or a
    # name in one or two words (« Dans quel canton ? »)
    unroled = texts.loc[texts["role"] == "other", "question_id"]
    words = answers["value"].astype(str).str.split().str.len()
    short = words.groupby(answers["question_id"]).median()
    short = set(short[short < MIN_MEDIAN_WORDS].index) & set(unroled)
    answers = answers[~answers["question_id"].isin(short)]
    masked = public_answers(answers, questions, personal)
    actors = actors.set_index("actor_id")
    out = pd.DataFrame(
        {
            "question_id": masked["question_id"].astype("string").to_numpy(),
            "question": masked["question_id"]
            .map(texts.set_index("question_id")["label"])
            .astype("string")
            .to_numpy(),
            "actor_id": masked["actor_id"].astype("string").to_numpy(),
            "actor_type": masked["actor_id"].map(actors["actor_type"]).astype("string").to_numpy(),
            "commune_code": masked["actor_id"]
            .map(actors["commune_code"])
            .astype("string")
            .to_numpy(),
            "text": masked["value"].astype("string").str.strip().to_numpy(),
        }
    )
    out = out.sort_values(["question_id", "actor_id"], kind="stable", ignore_index=True)
    return out.assign(lemmas=[lemmas(t, language) for t in out["text"]])


def answer_lemmas(answers: pd.DataFrame, language: str = "fr") -> list[list[str]]:
    """The lemmas of each answer: those `text_answers` cut, or cut now for a frame without
    them."""
    if "lemmas" in answers.columns:
        return list(answers["lemmas"])
    return [lemmas(t, language) for t in answers["text"]]


def specificity(k: int, f: int, t: int, total: int) -> float:
    """Lafon's specificity of a lemma seen `k` times in a part of `t` words, when the whole
    corpus of `total` words holds it `f` times: -log10 P(X ≥ k) when the part over-uses it,
    log10 P(X ≤ k) when it under-uses it (X hypergeometric), bounded by `MAX_SCORE`.

    >>> round(specificity(3, 3, 4, 12), 3)  # all 3 in a third of the words: P = 9/495
    1.74
    """
    from scipy.stats import hypergeom

    law = hypergeom(total, f, t)
    if k >= f * t / total:
        p = law.sf(k - 1)
        score = -math.log10(p) if p > 0 else MAX_SCORE
    else:
        p = law.cdf(k)
        score = math.log10(p) if p > 0 else -MAX_SCORE
    return float(max(-MAX_SCORE, min(MAX_SCORE, score)))


def word_table(
    answers: pd.DataFrame, language: str = "fr", min_group_size: int = 5
) -> pd.DataFrame:
    """Lemma counts per question and actor type, with their specificity.

    Parameters
    ----------
    answers : DataFrame
        From `text_answers`.
    min_group_size : int
        Types with fewer authors on a question get no row of their own (their words count
        in the question's total only), so that no small group's vocabulary is published.

    Returns
    -------
    DataFrame
        question_id, lemma, actor_type, count, specificity: one row per question and lemma
        with an empty actor_type (all respondents; no specificity), then one per type that
        uses the lemma. Lemmas written by fewer than `MIN_AUTHORS` respondents are left out.
        Pairs of adjacent lemmas (« transport commun ») are rows too, counted and scored
        among the pairs (their own total), not among the single words.
    """
    rows = []
    for qid, part in answers.groupby("question_id", sort=True):
        words = answer_lemmas(part, language)
        types = part["actor_type"].fillna("").to_numpy()
        authors = part["actor_id"].to_numpy()
        shown = [
            t
            for t in sorted(set(types) - {""})
            if part.loc[types == t, "actor_id"].nunique() >= min_group_size
        ]
        # single words and pairs of adjacent words are two corpora: each has its own total
        for grams in (words, [[f"{a} {b}" for a, b in zip(w, w[1:])] for w in words]):
            rows += _counted(qid, grams, types, authors, shown)
    out = pd.DataFrame(rows, columns=["question_id", "lemma", "actor_type", "count", "specificity"])
    return conform(out, "text_words")


def _counted(qid, grams: list[list[str]], types, authors, shown: list[str]) -> list[tuple]:
    """Rows of `word_table` for one question and one kind of unit (words or pairs)."""
    who: dict[str, set] = {}
    for actor, units in zip(authors, grams):
        for unit in set(units):
            who.setdefault(unit, set()).add(actor)
    kept = {u for u, people in who.items() if len(people) >= MIN_AUTHORS}
    total = Counter(u for units in grams for u in units if u in kept)
    n_units = sum(total.values())
    if not n_units:
        return []
    rows: list[tuple] = [
        (qid, u, pd.NA, c, np.nan) for u, c in sorted(total.items(), key=lambda x: (-x[1], x[0]))
    ]
    for actor_type in shown:
        mine = Counter(
            u for units, t in zip(grams, types) if t == actor_type for u in units if u in kept
        )
        size = sum(mine.values())
        for u, c in sorted(mine.items(), key=lambda x: (-x[1], x[0])):
            rows.append((qid, u, actor_type, c, specificity(c, total[u], size, n_units)))
    return rows


CODE_COLUMNS = ["question_id", "actor_id", "theme"]
QUOTE_COLUMNS = ["question_id", "actor_id", "theme", "text"]


def read_codes(path) -> pd.DataFrame:
    """The consultant's coding of the free texts (CSV or spreadsheet: question_id, actor_id,
    theme; one row per answer and theme), as saved by the coding app.

    Raises
    ------
    DiagnosticError
        When a column is missing (the message names the file and the column).
    """
    return _read_csv_like(path, CODE_COLUMNS, "codage des paroles")


def read_quotes(path) -> pd.DataFrame:
    """The quotes the consultant chose (question_id, actor_id, theme, and optionally text:
    the quote as edited; an empty text quotes the answer as written, masked)."""
    return _read_csv_like(path, QUOTE_COLUMNS, "citations choisies", optional=("theme", "text"))


def _read_csv_like(path, columns, what, optional=()) -> pd.DataFrame:
    from diagnostic._io.tables import read_filled_in

    required = tuple(c for c in columns if c not in optional)
    frame = read_filled_in(path, columns, required, f"le fichier de {what}")
    keep = frame["question_id"].notna() & frame["actor_id"].notna()
    if "theme" not in optional:
        keep &= frame["theme"].notna()
    return frame[keep].drop_duplicates()


def write_codes(path, codes: pd.DataFrame) -> None:
    """Save the coding (question_id, actor_id, theme), sorted, written whole or not at all."""
    from diagnostic._io.atomic import write_csv

    out = conform(codes.reindex(columns=CODE_COLUMNS), "text_codes").drop_duplicates()
    write_csv(out.sort_values(CODE_COLUMNS, ignore_index=True), path)


def theme_counts(codes: pd.DataFrame, actors: pd.DataFrame, min_group_size: int = 5):
    """Respondents who spoke of each theme, in all and by actor type.

    Types with fewer than `min_group_size` respondents in the survey get no column of their
    own (they count in the total), so no small group's figure is published.

    Returns
    -------
    DataFrame
        theme, total, then one column per publishable actor type (codes), sorted by total.
    """
    if codes.empty:
        return pd.DataFrame(columns=["theme", "total"])
    sizes = actors["actor_type"].value_counts()
    shown = sorted(t for t, n in sizes.items() if n >= min_group_size)
    merged = codes.drop_duplicates(["actor_id", "theme"]).merge(
        actors[["actor_id", "actor_type"]], on="actor_id", how="left"
    )
    total = merged.groupby("theme").size().rename("total")
    by_type = (
        merged[merged["actor_type"].isin(shown)]
        .groupby(["theme", "actor_type"])
        .size()
        .unstack(fill_value=0)
        .reindex(columns=shown, fill_value=0)
    )
    out = total.to_frame().join(by_type, how="left").fillna(0).astype(int).reset_index()
    out = out.rename(columns={"index": "theme"})
    return out.sort_values(["total", "theme"], ascending=[False, True], ignore_index=True)


def typicality(answers: pd.DataFrame, language: str = "fr") -> pd.Series:
    """How representative each answer is of what was said to its question: the mean, over
    its distinct lemmas, of the share of the question's respondents who used that lemma.
    An answer made of the words most respondents used scores highest."""
    scores = pd.Series(0.0, index=answers.index)
    for _qid, part in answers.groupby("question_id", sort=False):
        words = {i: set(w) for i, w in zip(part.index, answer_lemmas(part, language))}
        used = Counter(w for ws in words.values() for w in ws)
        n = len(part)
        for i, ws in words.items():
            scores[i] = sum(used[w] / n for w in ws) / len(ws) if ws else 0.0
    return scores


def quotes(
    answers: pd.DataFrame,
    codes: pd.DataFrame | None = None,
    chosen: pd.DataFrame | None = None,
    *,
    language: str = "fr",
    per_theme: int = 3,
) -> pd.DataFrame:
    """Up to `per_theme` quotes per theme (per question when nothing is coded).

    The consultant's `chosen` quotes come first, with their edited text when given; the rest
    are proposed by `typicality`, one per actor type before a second of the same type,
    between 20 and 400 characters, answers with masked parts last. Every text is masked
    again (`mask_text`): an edit cannot bring a name back.

    Returns
    -------
    DataFrame
        theme, question_id, actor_id, actor_type, commune_code, text, chosen (bool).
    """
    from diagnostic.privacy.masking import mask_text

    if answers.empty:
        return pd.DataFrame(
            columns=["theme", "question_id", "actor_id", "actor_type", "commune_code", "text"]
            + ["chosen"]
        )
    pool = answers.assign(score=typicality(answers, language))
    if codes is not None and not codes.empty:
        pool = pool.merge(codes[CODE_COLUMNS], on=["question_id", "actor_id"], how="inner")
    else:
        pool = pool.assign(theme=pool["question"])
    rows = []
    picked = set()
    if chosen is not None and not chosen.empty:
        for r in chosen.itertuples(index=False):
            match = answers[
                (answers["question_id"] == r.question_id) & (answers["actor_id"] == r.actor_id)
            ]
            if match.empty:
                continue
            m = match.iloc[0]
            theme = r.theme if isinstance(r.theme, str) and r.theme else m["question"]
            text = r.text if isinstance(r.text, str) and r.text.strip() else m["text"]
            rows.append(
                (theme, m["question_id"], m["actor_id"], m["actor_type"], m["commune_code"])
                + (mask_text(text), True)
            )
            picked.add((theme, m["question_id"], m["actor_id"]))
    length = pool["text"].str.len()
    pool = pool[(length >= 20) & (length <= 400)]
    pool = pool.assign(masked=pool["text"].str.contains(_PLACEHOLDER, regex=True))
    for theme, part in pool.groupby("theme", sort=True):
        have = sum(1 for r in rows if r[0] == theme)
        part = part.sort_values(
            ["masked", "score", "actor_id"], ascending=[True, False, True], kind="stable"
        )
        taken_texts = set()
        for i in _one_type_at_a_time(part):
            if have >= per_theme:
                break
            r = part.loc[i]
            key = (theme, r["question_id"], r["actor_id"])
            same = " ".join(_fold_words(r["text"]))  # « Jamais. » and « jamais » are one quote
            if key in picked or same in taken_texts:
                continue
            taken_texts.add(same)
            rows.append(
                (theme, r["question_id"], r["actor_id"], r["actor_type"], r["commune_code"])
                + (mask_text(r["text"]), False)
            )
            have += 1
    out = pd.DataFrame(
        rows,
        columns=["theme", "question_id", "actor_id", "actor_type", "commune_code", "text"]
        + ["chosen"],
    )
    return out.sort_values(["theme", "chosen"], ascending=[True, False], kind="stable").reset_index(
        drop=True
    )


def _fold_words(text: str) -> list[str]:
    from diagnostic._io.text import fold

    return re.findall(r"\w+", fold(text))


def _one_type_at_a_time(part: pd.DataFrame) -> list:
    """The rows' index labels, best first, taking one answer per actor type in each round."""
    queues: dict = {}
    for i, t in zip(part.index, part["actor_type"].fillna("")):
        queues.setdefault(t, []).append(i)
    out = []
    while any(queues.values()):
        for t in list(queues):
            if queues[t]:
                out.append(queues[t].pop(0))
    return out


def attribution(
    actor_type: str | None,
    commune_code: str | None,
    actors: pd.DataFrame,
    *,
    type_labels: dict,
    commune_names: dict,
    min_group_size: int = 5,
    language: str = "fr",
) -> str:
    """Who said it, as far as the audience may know: the actor type when at least
    `min_group_size` respondents have it (else « un acteur »), and the commune only when at
    least `min_group_size` respondents share that type and commune."""
    from diagnostic.i18n import text as say

    small = (
        not isinstance(actor_type, str)
        or int((actors["actor_type"] == actor_type).sum()) < min_group_size
    )
    if small:  # a type of fewer than min_group_size respondents is never named
        return say("paroles.someone", language)
    kind = str(type_labels.get(actor_type, actor_type))
    if isinstance(commune_code, str) and isinstance(actor_type, str):
        same = (actors["actor_type"] == actor_type) & (actors["commune_code"] == commune_code)
        if int(same.sum()) >= min_group_size and commune_code in commune_names:
            return say(
                "paroles.from_commune", language, kind=kind, commune=commune_names[commune_code]
            )
    return kind


def spoken_issues(codes: pd.DataFrame, ranking: pd.DataFrame) -> pd.DataFrame:
    """Issues the free texts were coded with: a theme names an issue by its id or its label
    (accents and case aside).

    Returns
    -------
    DataFrame
        issue_id, label, respondents (distinct respondents whose answers carry the theme).
    """
    from diagnostic._io.text import fold

    if codes is None or codes.empty or ranking.empty:
        return pd.DataFrame(columns=["issue_id", "label", "respondents"])
    by_key = {fold(i): i for i in ranking["issue_id"]}
    by_key.update({fold(lbl): i for i, lbl in zip(ranking["issue_id"], ranking["label"])})
    issue = codes["theme"].map(lambda t: by_key.get(fold(t)) if isinstance(t, str) else None)
    found = codes.assign(issue_id=issue).dropna(subset=["issue_id"])
    counts = found.groupby("issue_id")["actor_id"].nunique().rename("respondents")
    labels = ranking.set_index("issue_id")["label"]
    out = counts.reset_index().assign(label=lambda f: f["issue_id"].map(labels))
    out = out[["issue_id", "label", "respondents"]]
    return out.sort_values(["respondents", "issue_id"], ascending=[False, True], ignore_index=True)


def with_spoken(ranking: pd.DataFrame, spoken: pd.DataFrame, language: str = "fr"):
    """The ranking with each issue's explanation saying how many respondents raised it in
    their own words (`spoken_issues`); the figures of the ranking are unchanged."""
    from diagnostic.i18n import text as say

    counts = dict(zip(spoken["issue_id"], spoken["respondents"]))
    reasons = [
        r if i not in counts else f"{r}{say('issues.spoken', language, n=int(counts[i]))}"
        for i, r in zip(ranking["issue_id"], ranking["reason"])
    ]
    return ranking.assign(reason=pd.array(reasons, dtype=ranking["reason"].dtype))


def paroles(
    answers: pd.DataFrame,
    questions: pd.DataFrame,
    actors: pd.DataFrame,
    personal: pd.DataFrame | None,
    *,
    codes_file=None,
    quotes_file=None,
    language: str = "fr",
    min_group_size: int = 5,
) -> dict:
    """Every table of the paroles d'acteurs, for `Diagnostic`: text_answers (masked, kept in
    memory for the coding app, never exported), text_words, text_codes (the coding read back,
    restricted to answers that exist), text_themes, quotes."""
    from diagnostic.anomalies import REJECTED, AnomalyLog

    said = text_answers(answers, questions, actors, personal, language)
    known = said[["question_id", "actor_id"]].drop_duplicates()
    logs = []
    codes = conform(pd.DataFrame(), "text_codes")
    chosen = None
    for path, read in ((codes_file, read_codes), (quotes_file, read_quotes)):
        if not path:
            continue
        frame = read(path)
        found = frame.merge(known, on=["question_id", "actor_id"], how="left", indicator=True)
        lost = found["_merge"].to_numpy() == "left_only"
        log = AnomalyLog(file=Path(path).name)
        for row, (qid, aid) in zip(
            frame.index[lost], frame.loc[lost, ["question_id", "actor_id"]].to_numpy()
        ):
            log.add(
                "réponse libre introuvable (question ou acteur absent de ce passage) : ligne ignorée",
                REJECTED,
                row=row,
                column="actor_id",
                value=f"{qid} / {aid}",
            )
        logs.append(log.frame())
        kept = frame[~lost]
        if read is read_codes:
            codes = conform(kept, "text_codes")
        else:
            chosen = kept
    return {
        "text_anomalies": logs,
        "text_answers": said,
        "text_words": word_table(said, language, min_group_size),
        "text_codes": codes,
        "text_themes": theme_counts(codes, actors, min_group_size),
        "quotes": quotes(said, codes, chosen, language=language),
    }
