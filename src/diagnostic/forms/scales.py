"""Answers read by their meaning: ordered scales, non-answers, "other" and "none".

A scale is ordered from what its levels say, never from the order a form happens to list
them in, nor from their text order:

1. known wordings, French or English (agreement, satisfaction, importance, likelihood,
   frequency, quality: « Pas du tout d'accord » … « Tout à fait d'accord », « Non, pas du
   tout » … « Oui, tout à fait », never … always, strongly disagree … strongly agree);
2. else the number each label starts with (``0 - Pas du tout satisfaisantes``, ``1``, …,
   ``10 - Tout à fait satisfaisantes``), turned round when the words of its ends say the
   numbers run from high to low;
3. else numbers in the middle and words at the ends (« Non, pas du tout », 2, 3, 4,
   « Oui, tout à fait »);
4. else integer codes (``1`` … ``5``), with the same check of the words.

A list none of these orders is undecided: `scale_positions` returns None.

Non-substantive answers ("ne sait pas", "don't know", ``prefer_not_answer``, N/A…) are
answers, but never a level of a scale and never in a base.
"""

from __future__ import annotations

import re
import unicodedata

import pandas as pd

#: Non-substantive answers, as `_plain` writes them (no accents, no apostrophes, words
#: separated by one space): labels and codes, French and English.
NON_SUBSTANTIVE = frozenset(
    {
        # French
        "ne sait pas",
        "ne sais pas",
        "je ne sais pas",
        "sait pas",
        "sais pas",
        "nsp",
        "ns",
        "nr",
        "nsp nr",
        "ns nr",
        "nspp",
        "non reponse",
        "sans reponse",
        "pas de reponse",
        "sans avis",
        "pas davis",
        "sans opinion",
        "pas dopinion",
        "ne connait pas",
        "ne connais pas",
        "je ne connais pas",
        "connait pas",
        "connais pas",
        "prefere ne pas repondre",
        "je prefere ne pas repondre",
        "prefere ne pas le dire",
        "ne souhaite pas repondre",
        "je ne souhaite pas repondre",
        "refus",
        "refus de repondre",
        "refuse de repondre",
        "ne se prononce pas",
        "ne se prononcent pas",
        "non concerne",
        "non concernee",
        "pas concerne",
        "pas concernee",
        "non applicable",
        "sans objet",
        "ne sapplique pas",
        "ne sait pas ne se prononce pas",
        # English
        "dont know",
        "do not know",
        "i dont know",
        "i do not know",
        "dontknow",
        "dk",
        "dnk",
        "prefer not to say",
        "prefer not to answer",
        "prefer not answer",
        "prefer not say",
        "i prefer not to answer",
        "i prefer not to say",
        "rather not say",
        "id rather not say",
        "no answer",
        "refused",
        "declined",
        "decline to answer",
        "n a",
        "na",
        "not applicable",
        "no opinion",
    }
)
#: Codes that say "no answer" only as codes (never read in a label).
_NON_SUBSTANTIVE_CODES = frozenset({"99", "999", "-1"})
#: Phrases that make a longer label non-substantive ("Ne sait pas / ne se prononce pas").
_NON_SUBSTANTIVE_START = (
    "ne sait pas ",
    "ne sais pas ",
    "je ne sais pas ",
    "dont know ",
    "do not know ",
    "i dont know ",
    "prefer not to ",
    "je prefere ne pas ",
    "prefere ne pas ",
    "sans avis ",
    "ne se prononce pas ",
)
#: "Other" choices (their text is read apart): never an issue, a need, an offer or a lead.
OTHER = frozenset(
    {
        "other",
        "others",
        "autre",
        "autres",
        "other please specify",
        "other specify",
        "autre precisez",
        "autres precisez",
        "autre a preciser",
        "autres a preciser",
        "autre preciser",
    }
)
#: "None" choices: a real answer (nothing to say), never an issue, a need, an offer or a lead.
NONE = frozenset(
    {
        "none",
        "aucun",
        "aucune",
        "rien",
        "nothing",
        "no need",
        "no needs",
        "aucun besoin",
        "pas de besoin",
        "pas de besoins",
        "none of the above",
        "aucune de ces reponses",
        "aucun de ces choix",
        "rien a proposer",
        "nothing to offer",
    }
)

_NUMBER = re.compile(
    r"^\s*\(?([-+]?\d+(?:[.,]\d+)?)\)?(?:\s*$|\s*[-–—:=.)]\s*(?=[^\d\s/.-])|\s+(?=[^\d\s]))"
)


def _plain(text) -> str:
    """Lower-case words without accents or apostrophes ("Don't know" -> "dont know")."""
    if text is None or text is pd.NA or (isinstance(text, float) and text != text):
        return ""
    ascii_text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    ascii_text = re.sub(r"['’`´]", "", ascii_text.lower())
    return " ".join(re.findall(r"[a-z0-9]+", ascii_text))


def _words(text) -> str:
    """Lower-case words without accents, apostrophes as spaces ("D'accord" -> "d accord")."""
    if text is None or text is pd.NA or (isinstance(text, float) and text != text):
        return ""
    ascii_text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    return " ".join(re.findall(r"[a-z0-9]+", ascii_text.lower()))


def leading_number(text) -> float | None:
    """The number a label starts with ("10 - Tout à fait", "1 (None at all)", "3"), or None."""
    match = _NUMBER.match(str(text)) if text is not None and text is not pd.NA else None
    return float(match.group(1).replace(",", ".")) if match else None


def _without_number(text) -> str:
    match = _NUMBER.match(str(text))
    return str(text)[match.end() :] if match else str(text)


def _is_non_substantive_text(text) -> bool:
    plain = _plain(_without_number(text)) or _plain(text)
    if not plain:
        return False
    return plain in NON_SUBSTANTIVE or plain.startswith(_NON_SUBSTANTIVE_START)


def is_non_substantive(value, label=None) -> bool:
    """True for a "don't know"-type answer (French or English, label or code).

    >>> is_non_substantive("dont_know"), is_non_substantive("9", "Ne sait pas")
    (True, True)
    >>> is_non_substantive("3", "Sans avis"), is_non_substantive("2", "Plutôt d'accord")
    (True, False)
    """
    if value is not None and value is not pd.NA and str(value).strip() in _NON_SUBSTANTIVE_CODES:
        return True
    return _is_non_substantive_text(value) or (
        label is not None and label is not pd.NA and _is_non_substantive_text(label)
    )


def is_other(value, label=None) -> bool:
    """True for an "other" choice (``other``, « Autre (précisez) »), by code or label."""
    return any(_plain(text) in OTHER for text in (value, label))


def is_none(value, label=None) -> bool:
    """True for a "none" choice (``none``, « Aucun », « Rien »), by code or label."""
    return any(_plain(text) in NONE for text in (value, label))


def is_other_or_none(value, label=None) -> bool:
    """True for "other" (autre) and "none" (aucun) choices, by code or label."""
    return is_other(value, label) or is_none(value, label)


def is_not_a_lead(value, label=None) -> bool:
    """True for choices that are never an issue, a need, an offer or a cooperation lead."""
    return is_non_substantive(value, label) or is_other_or_none(value, label)


# ---- wordings of ordered scales -------------------------------------------------------


def _word_set(text: str) -> frozenset:
    return frozenset(text.split())


_POSITIVE = _word_set(
    "accord agree agreed satisfait satisfaite satisfaits satisfaites satisfaisant "
    "satisfaisante satisfaisants satisfaisantes satisfied satisfactory important importante "
    "importants importantes utile utiles useful probable probables likely favorable "
    "favorables favourable content contente contents contentes interesse interessee "
    "interesses interessees interested pertinent pertinente pertinents pertinentes bon bonne "
    "bons bonnes good bien well oui yes beaucoup fort forte forts fortes eleve elevee eleves "
    "elevees high haut haute hauts hautes confiant confiante confident sufficient suffisant suffisante suffisants "
    "suffisantes enough present presente presents presentes"
)
_NEGATIVE = _word_set(
    "desaccord disagree disgree disagreed insatisfait insatisfaite insatisfaits insatisfaites "
    "insatisfaisant insatisfaisante insatisfaisants insatisfaisantes dissatisfied unsatisfied "
    "unsatisfactory mecontent mecontente mecontents mecontentes unimportant inutile inutiles "
    "useless improbable improbables unlikely mauvais mauvaise mauvaises bad poor defavorable "
    "defavorables unfavourable unfavorable non no faible faibles low bas basse basses insufficient absent absente absents "
    "absentes abscent"
)
#: words that are the top of a scale on their own (4: above "very important")
_TOP = _word_set(
    "excellent excellente excellents excellentes essentiel essentielle essentiels essentielles "
    "primordial primordiale primordiaux indispensable indispensables crucial cruciale "
    "cruciaux vital vitale vitaux critical enormement"
)
_NEUTRAL = frozenset(
    {
        "neutre",
        "neutral",
        "indifferent",
        "indifferente",
        "mitige",
        "mitigee",
        "moyen",
        "moyenne",
        "average",
        "adequate",
        "adequat",
        "adequats",
        "acceptable",
        "acceptables",
        "fair",
        "ok",
        "just enough",
        "juste assez",
        "tout juste suffisant",
        "juste suffisant",
        "mixed",
        "peut etre",
        "maybe",
        "perhaps",
        "undecided",
        "indecis",
        "indecise",
        "so so",
        "ni lun ni lautre",
        "ni l un ni l autre",
        "passable",
        "egal",
        "egale",
        "sans importance particuliere",
    }
)
#: wordings of a quality that falls short ("L'accueil laisse à désirer", "à améliorer")
_NEGATIVE_PHRASE = re.compile(
    r"\b(laisse a desirer|laissent a desirer|a ameliorer|(devrait|doit|devraient|doivent) "
    r"etre ameliore(e|s|es)?|insuffisante?s?|needs? improvement|could be improved|"
    r"should be improved)\b"
)
_BARE = frozenset({"oui", "non", "yes", "no", "peut etre", "maybe", "perhaps", "y", "n"})
_EXTREME_NEGATION = re.compile(
    r"\b(pas du tout|not at all|aucunement|nullement|absolument pas|en aucun cas|"
    r"aucune?|sans|no importance|of no)\b"
)
_MILD_NEGATION = re.compile(
    r"\b(pas tres|not very|pas vraiment|not really|pas trop|not too|pas si|not so|"
    r"pas tellement|not that|pas beaucoup|not much)\b"
)
_LITTLE = re.compile(r"(?<!\bun )(?<!\ba )\b(peu|little)\b")
_VERY_LITTLE = re.compile(r"\b(tres peu|very little)\b")
_NEGATOR = re.compile(r"\b(pas|not|ne|n|never)\b")
_EXTREME = re.compile(r"\b(extremement|extremely|absolument|absolutely|immensely|enormement)\b")
_STRONG = re.compile(
    r"\b(more than|plus que|tres|very|tout a fait|totalement|completement|entierement|fortement|strongly|"
    r"completely|totally|fully|highly|vraiment|really|particulierement|hautement|"
    r"parfaitement|perfectly)\b"
)
_MODERATE = re.compile(r"\b(moyennement|moderately|moderement)\b")
_MILD = re.compile(
    r"\b(plutot|assez|somewhat|fairly|rather|mostly|quite|partly|partiellement|en partie|"
    r"mainly|generally)\b"
)
_WEAK = re.compile(r"\b(un peu|legerement|slightly|a little|a bit|marginally)\b")
#: frequency wordings, longest first, and their place on the scale
_FREQUENCY = (
    ("presque jamais", -2.5),
    ("almost never", -2.5),
    ("hardly ever", -2.5),
    ("presque toujours", 2.5),
    ("almost always", 2.5),
    ("la plupart du temps", 2.0),
    ("most of the time", 2.0),
    ("tres souvent", 2.25),
    ("very often", 2.25),
    ("very frequently", 2.25),
    ("tres rarement", -2.0),
    ("very rarely", -2.0),
    ("de temps en temps", 0.0),
    ("de temps a autre", 0.0),
    ("from time to time", 0.0),
    ("jamais", -3.0),
    ("never", -3.0),
    ("rarement", -1.5),
    ("rarely", -1.5),
    ("seldom", -1.5),
    ("parfois", 0.0),
    ("quelquefois", 0.0),
    ("sometimes", 0.0),
    ("sometime", 0.0),
    ("occasionnellement", 0.0),
    ("occasionally", 0.0),
    ("souvent", 1.5),
    ("often", 1.5),
    ("frequemment", 1.5),
    ("frequently", 1.5),
    ("regulierement", 1.5),
    ("regularly", 1.5),
    ("usually", 1.5),
    ("toujours", 3.0),
    ("always", 3.0),
)
#: how much of something, and its place on the scale
_QUANTITY = (
    ("none of it", -3.0),
    ("rien", -3.0),
    ("a little of it", -1.0),
    ("little of it", -1.5),
    ("some of it", 0.0),
    ("most of it", 1.5),
    ("all of it", 3.0),
    ("une partie", 0.0),
    ("la plupart", 1.5),
    ("la totalite", 3.0),
    ("tout", 3.0),
)


def word_position(text) -> tuple[str, float] | None:
    """Where a wording sits on its scale: (family, position), or None when not known.

    Families are ``polar`` (disagree … agree, unimportant … important, no … yes) and
    ``frequency`` (never … always); positions only compare within one family.

    >>> word_position("Plutôt pas d'accord"), word_position("Oui, tout à fait")
    (('polar', -1.0), ('polar', 3.0))
    """
    s = _words(_without_number(text))
    if not s:
        return None
    if re.search(r"\bni\b.*\bni\b", s) or re.search(r"\bneither\b", s) or s in _NEUTRAL:
        return ("polar", 0.0)
    tokens = set(s.split())
    for phrase, position in _QUANTITY:
        if s == phrase:
            return ("quantity", position)
    for phrase, position in _FREQUENCY:
        if re.search(rf"\b{phrase}\b", s):
            if _NEGATOR.search(s.replace(phrase, "")):
                return None  # "pas souvent": not one of the known wordings
            return ("frequency", position)
    positive, negative = tokens & _POSITIVE, tokens & _NEGATIVE
    if _NEGATIVE_PHRASE.search(s):
        positive, negative = set(), {"insuffisant"}
    if positive and negative - {"non", "no"}:
        return ("polar", 0.0)  # "agree or disagree" (misspelt "neitheir" included)
    negated = bool(_NEGATOR.search(s)) or bool(_EXTREME_NEGATION.search(s))
    little = bool(_LITTLE.search(s))
    if tokens & _TOP and not (negative or negated or little):
        return ("polar", 4.0)
    if not (positive or negative):
        # a quantity alone: "Pas du tout", "Un peu", "Moyennement", "Tout à fait"
        if s in ("pas du tout", "not at all", "aucunement", "nullement"):
            return ("polar", -3.0)
        if s in ("peu", "little", "very little", "tres peu"):
            return ("polar", -2.5 if s in ("tres peu", "very little") else -1.0)
        if s in ("pas vraiment", "not really", "pas tellement", "pas beaucoup", "not much"):
            return ("polar", -1.0)
        if s in ("un peu", "a little", "slightly"):
            return ("polar", 0.5)
        if s in ("moyennement", "moderately"):
            return ("polar", 0.75)
        if s in ("tout a fait", "totalement", "completement", "absolument", "completely"):
            return ("polar", 3.0)
        # a word we do not know graded by ones we do: « Peu informé », « Très accessibles »
        graded = (
            negated
            or little
            or any(rx.search(s) for rx in (_EXTREME, _STRONG, _MODERATE, _MILD, _WEAK))
        )
        if not graded or len(tokens) > 4:
            return None
        positive = {"(graded)"}
    sign = -1.0 if (negative or negated or little) else 1.0
    if sign < 0:
        if _EXTREME_NEGATION.search(s):
            size = 3.0
        elif _VERY_LITTLE.search(s):
            size = 2.5
        elif _MILD_NEGATION.search(s) or little or _MILD.search(s):
            size = 1.0
        elif _EXTREME.search(s):
            size = 4.0
        elif _STRONG.search(s):
            size = 3.0
        else:
            size = 2.0
    elif _EXTREME.search(s):
        size = 4.0
    elif _STRONG.search(s):
        size = 3.0
    elif _MODERATE.search(s):
        size = 0.75
    elif _WEAK.search(s):
        size = 0.5
    elif _MILD.search(s):
        size = 1.0
    else:
        size = 2.0
    return ("polar", sign * size)


def _is_bare(text) -> bool:
    return _words(text) in _BARE


def _direction(numbers: list[float], words: list) -> int:
    """+1 when the known words rise with the numbers, -1 when they fall, 0 when they
    disagree, +1 when fewer than two words say anything."""
    pairs = sorted((n, w[1]) for n, w in zip(numbers, words) if w is not None)
    scores = [w for _n, w in pairs]
    if len(set(scores)) < 2:
        return 1
    if all(a <= b for a, b in zip(scores, scores[1:])):
        return 1
    if all(a >= b for a, b in zip(scores, scores[1:])):
        return -1
    return 0


def scale_positions(values, labels=None) -> dict[str, float] | None:
    """The position of each level of a scale (higher = further up), from its meaning.

    Parameters
    ----------
    values : list of str
        The substantive levels' codes (non-answers left out by the caller).
    labels : list of str, optional
        Their labels (the codes when missing).

    Returns
    -------
    dict or None
        value -> position; None when the order cannot be decided from the levels.
    """
    values = [str(v) for v in values]
    labels = list(labels) if labels is not None else list(values)
    texts = [
        str(lab) if lab is not None and lab is not pd.NA and str(lab).strip() else v
        for v, lab in zip(values, labels)
    ]
    if len(values) < 2 or len(set(values)) < len(values):
        return None
    words = [word_position(t) for t in texts]
    known = [w for w in words if w is not None]
    families = {w[0] for w in known}
    if len(families) > 1:
        return None
    if len(known) == len(texts) and not all(_is_bare(t) for t in texts):
        scores = [w[1] for w in known]
        if len(set(scores)) == len(scores):
            return dict(zip(values, scores))
    numbers = [leading_number(t) for t in texts]
    if all(n is not None for n in numbers) and len(set(numbers)) == len(numbers):
        way = _direction(numbers, words)  # type: ignore[arg-type]
        return dict(zip(values, [way * n for n in numbers])) if way else None  # type: ignore[operator]
    numbered = [n for n in numbers if n is not None]
    if numbered and all(n is not None or w is not None for n, w in zip(numbers, words)):
        ends = [(w[1], i) for i, (n, w) in enumerate(zip(numbers, words)) if n is None]  # type: ignore[index]
        if all(score != 0 for score, _i in ends) and len({s for s, _i in ends}) == len(ends):
            low, high = min(numbered), max(numbered)
            out = {values[i]: n for i, n in enumerate(numbers) if n is not None}
            below = sorted(e for e in ends if e[0] < 0)
            above = sorted(e for e in ends if e[0] > 0)
            for k, (_score, i) in enumerate(below):
                out[values[i]] = low - len(below) + k
            for k, (_score, i) in enumerate(above):
                out[values[i]] = high + 1 + k
            if len(set(out.values())) == len(out):
                return out
    ranges = [_range_position(t) for t in texts]
    if all(r is not None for r in ranges) and len(set(ranges)) == len(ranges):
        if any(leading_number(t) is None for t in texts):  # « Moins de 5 ans », « De 5 à 9 ans »
            return dict(zip(values, ranges))
    if all(re.fullmatch(r"[-+]?\d+", v.strip()) for v in values):
        codes = [float(v) for v in values]
        if len(set(codes)) == len(codes):
            way = _direction(codes, words)
            return dict(zip(values, [way * c for c in codes])) if way else None
    return None


_BELOW = re.compile(r"\b(moins de|less than|under|below|jusqu a|up to|inferieur a)\b")
_ABOVE = re.compile(
    r"\b(plus de|au moins|more than|over|above|at least|et plus|ou plus|and over|or more|"
    r"and more|superieur a)\b"
)


def _range_position(text) -> float | None:
    """Where a class of numbers sits (« Moins de 5 ans » 4.5, « De 5 à 9 ans » 5, « Au moins
    65 ans » 65.5), or None for a text without a number."""
    words = _words(text)
    number = re.search(r"\d+", words)
    if not number:
        return None
    value = float(number.group())
    if _BELOW.search(words[: number.start()]):
        return value - 0.5
    if _ABOVE.search(words):
        return value + 0.5
    return value


def by_words(values, labels=None) -> bool:
    """True when the levels' order comes from their words or their labelled numbers (a
    scale anyone would recognise: « Plutôt d'accord », ``10 - Tout à fait``, ``1 (None at
    all)``…), not from bare codes."""
    positions = scale_positions(values, labels)
    if positions is None:
        return False
    texts = [str(x) for x in (labels if labels is not None else values)]
    if any(word_position(t) is not None for t in texts):
        return True
    numbers = [leading_number(t) for t in texts]
    labelled = [_words(_without_number(t)) for t in texts]
    return all(n is not None for n in numbers) and any(labelled)


def worded_scales(choices: pd.DataFrame) -> set[str]:
    """Lists of at least three levels that read as a scale by their words or labelled
    numbers (see `by_words`)."""
    out = set()  # type: ignore[var-annotated]
    if choices.empty:
        return out
    real = choices[~choices["is_missing_code"].fillna(False).astype(bool)]
    for list_name, sub in real.groupby("list_name", sort=False):
        if len(sub) >= 3 and by_words(sub["value"].astype(str).tolist(), sub["label"].tolist()):
            out.add(list_name)
    return out


def ordered_levels(choices: pd.DataFrame, stated=None) -> list[str] | None:
    """The substantive values of one list, lowest first; None when undecided.

    `choices` holds the rows of one list; `stated` is the order a project file gives
    (values or labels, lowest first), which wins over everything else.
    """
    missing = choices["is_missing_code"].fillna(False).astype(bool).to_numpy()
    real = choices[~missing]
    values = real["value"].astype(str).tolist()
    if stated:
        return _stated(real, stated)
    positions = scale_positions(values, real["label"].tolist())
    if positions is None:
        return None
    return sorted(values, key=lambda v: positions[v])


def _stated(real: pd.DataFrame, stated) -> list[str]:
    """The values in the `stated` order (each given by its value or its label); a level the
    statement misses raises KeyError with the levels missing."""
    values = real["value"].astype(str).tolist()
    by_label = {_plain(lab): str(v) for v, lab in zip(real["value"], real["label"])}
    out = []
    for item in stated:
        key = str(item)
        value = key if key in values else by_label.get(_plain(key))
        if value is not None and value not in out:
            out.append(value)
    left = [v for v in values if v not in out]
    if left:
        raise KeyError(left)
    return out


def fixed_lists(questions: pd.DataFrame) -> set[str]:
    """Lists of multiple-choice and ranking questions: never reordered by their words."""
    fixed = questions["type"].isin(["multiple", "rank"]).fillna(False).to_numpy(dtype=bool)
    return set(questions.loc[fixed, "list_name"].dropna())


def order_scales(choices: pd.DataFrame, scale_lists=(), stated: dict | None = None, fixed=()):
    """`choices` with each scale's ``order`` set from its meaning, non-answers last.

    Lists of three levels or more ordered by words (or labelled numbers) are reordered
    wherever they are used (two answers such as "No" and "Yes, at least once" are not a
    scale);
    lists named in `scale_lists` (those of Likert questions) also by bare integer codes;
    `stated` (list name -> values lowest first) wins. Other lists keep their order, and so
    do the lists in `fixed` (those of multiple-choice and ranking questions, whose option
    columns may be found by their position in the form).
    """
    if choices.empty:
        return choices
    stated = stated or {}
    scale_lists = set(scale_lists)
    out = choices.copy()
    missing = out["is_missing_code"].fillna(False).astype(bool)
    for list_name, sub in out.groupby("list_name", sort=False):
        real = sub[~missing[sub.index]]
        values, labels = real["value"].astype(str).tolist(), real["label"].tolist()
        if list_name in stated:
            levels = _stated(real, stated[list_name])
        elif list_name in scale_lists or (
            list_name not in fixed and len(values) >= 3 and by_words(values, labels)
        ):
            levels = ordered_levels(sub)  # type: ignore[assignment]
        else:
            levels = None
        if not levels:
            continue
        rank = {v: i for i, v in enumerate(levels)}
        index = sorted(
            sub.index,
            key=lambda i: (
                rank.get(str(out.at[i, "value"]), len(rank)),
                out.at[i, "order"] if pd.notna(out.at[i, "order"]) else 0,
            ),
        )
        out.loc[index, "order"] = range(1, len(index) + 1)
    return out
