"""Who reads an output, and so which names it may carry.

Three audiences (DESIGN.md): ``funder`` (the default: pseudonyms and counts, no names at
all), ``collective`` (the structure names of actors who agreed to be named — role
``consent`` — the others described as « une association de Ceaucé », or « un acteur » when
fewer than `min_group_size` actors share that type and commune; never a contact),
``consultant`` (everything, contacts included, marked confidential).
"""

from __future__ import annotations

import re

import pandas as pd

from diagnostic._io.text import fold
from diagnostic.errors import DiagnosticError

AUDIENCES = ("funder", "collective", "consultant")
DEFAULT_AUDIENCE = "funder"
#: The word printed on every sheet and page of a consultant's output.
CONFIDENTIAL = "CONFIDENTIEL"
_WORDS = {
    "fr": {
        "funder": "Public : financeurs — pseudonymes et effectifs, aucun nom.",
        "collective": "Public : collectif — noms des seules structures qui ont accepté d'être "
        "nommées, aucun contact.",
        "consultant": "CONFIDENTIEL — public : consultant — noms et contacts des répondants, "
        "à ne pas diffuser.",
        "no_consent": "Aucune question de consentement (rôle « consent ») : aucune structure "
        "n'est nommée.",
        "an_actor": "un acteur",
        "of": "{who} de {commune}",
    },
    "en": {
        "funder": "Audience: funders — pseudonyms and counts, no names.",
        "collective": "Audience: collective — names of the organisations that agreed to be "
        "named only, no contacts.",
        "consultant": "CONFIDENTIAL — audience: consultant — respondents' names and contacts, "
        "not to be shared.",
        "no_consent": "No consent question (role “consent”): no organisation is named.",
        "an_actor": "an actor",
        "of": "{who} from {commune}",
    },
}
_FEMININE = {
    "association",
    "entreprise",
    "coopérative",
    "commune",
    "collectivité",
    "intercommunalité",
    "structure",
    "exploitation",
    "ferme",
    "école",
    "fondation",
    "mairie",
    "banque",
    "société",
    "mutuelle",
    "scop",
    "scic",
    "cuma",
}
_YES = (
    "oui",
    "yes",
    "j'accepte",
    "j accepte",
    "jaccepte",
    "accepte",
    "d'accord",
    "daccord",
    "d accord",
    "i agree",
    "agree",
    "ok",
    "vrai",
    "true",
)
_NO = ("non", "no", "pas ", "je refuse", "refus", "false", "faux")


def check_audience(audience: str) -> str:
    """`audience` if it is one of `AUDIENCES`, else a plain-language error."""
    if audience not in AUDIENCES:
        raise DiagnosticError(
            f"public inconnu « {audience} » ; publics possibles : {', '.join(AUDIENCES)}."
        )
    return audience


def audience_line(audience: str, language: str = "fr") -> str:
    """The sentence saying, in the title block of an output, whom it is written for."""
    return _WORDS["en" if language == "en" else "fr"][check_audience(audience)]


def no_consent_line(language: str = "fr") -> str:
    return _WORDS["en" if language == "en" else "fr"]["no_consent"]


def _fold(value) -> str:
    return re.sub(r"\s+", " ", fold(str(value).replace("’", "'"))).strip()


def consents(value, label=None) -> bool:
    """True when an answer (or its choice label) says yes to being named.

    >>> consents("oui"), consents("1"), consents("d'accord"), consents("pas d'accord")
    (True, True, True, False)
    """
    for text in (value, label):
        if text is None or text is pd.NA or (isinstance(text, float) and text != text):
            continue
        folded = _fold(text)
        if not folded or folded.startswith(_NO) or folded in ("0", "n"):
            continue
        if folded in ("1", "y", "o") or folded.startswith(_YES):
            return True
    return False


def has_consent_question(questions: pd.DataFrame) -> bool:
    return bool((questions["role"] == "consent").any())


def consenting(actors: pd.DataFrame, questions, choices) -> set[str]:
    """Ids of the actors whose consent answer says yes (value or its label)."""
    if "consent" not in actors or not has_consent_question(questions):
        return set()
    lists = set(questions.loc[questions["role"] == "consent", "list_name"].dropna())
    sub = choices[choices["list_name"].isin(lists)]
    labels = dict(zip(sub["value"].astype(str), sub["label"]))
    return {
        str(a)
        for a, v in zip(actors["actor_id"], actors["consent"])
        if v is not pd.NA and consents(v, labels.get(str(v)))
    }


def personal_values(personal: pd.DataFrame, questions: pd.DataFrame, role: str) -> pd.Series:
    """actor_id -> the answers of the questions having `role` (actor_name, contact), joined."""
    ids = set(questions.loc[questions["role"] == role, "question_id"])
    sub = personal[personal["field"].isin(ids) & personal["value"].notna()]
    return sub.groupby("actor_id", sort=True)["value"].agg(lambda s: ", ".join(map(str, s)))


def _of(commune: str, language: str) -> str:
    """« de Ceaucé », « d'Alençon », « du Mans », « des Ventes »."""
    if language == "en":
        return commune
    for article, contracted in (("Le ", "du "), ("Les ", "des ")):
        if commune.startswith(article):
            return contracted + commune[len(article) :]
    return ("d'" if _fold(commune)[:1] in "aeiouyh" else "de ") + commune


def described(type_label, commune: str | None, language: str = "fr") -> str:
    """« une association de Ceaucé »: the type's first noun and the commune."""
    from diagnostic.analysis.projects import short_type

    noun = short_type(type_label, None, language)
    if language == "en":
        who = f"{'an' if noun[:1] in 'aeiou' else 'a'} {noun}"
        return f"{who} from {commune}" if commune else who
    who = f"{'une' if noun.split(' ')[0] in _FEMININE else 'un'} {noun}"
    return f"{who} {_of(commune, language)}" if commune else who


def shown_names(diag, audience: str) -> dict[str, str]:
    """actor_id -> how an actor is named in an output for `audience` (empty for funders).

    collective: the structure name of consenting actors; the others « une association de
    Ceaucé » when at least `min_group_size` actors share that type and commune and the
    public view keeps that commune for them (`diagnostic.privacy.disclosure`), else « un
    acteur ». consultant: every structure name (the description when none was given).
    """
    check_audience(audience)
    if audience == "funder":
        return {}
    lang = diag.settings.language
    actors = diag.actors.drop_duplicates("actor_id")
    names = personal_values(diag.personal, diag.questions, "actor_name")
    from diagnostic.analysis.labels import role_labels

    types = role_labels(diag.questions, diag.choices, "actor_type")
    communes = dict(zip(diag.communes["commune_code"], diag.communes["name"]))
    size = actors.groupby(["actor_type", "commune_code"], dropna=True).size()
    from diagnostic.privacy.disclosure import COMMUNE, public_of

    view = public_of(diag).actors
    placed = set(view.loc[view["place_level"] == COMMUNE, "actor_id"].astype(str))
    agreed = (
        set(actors["actor_id"].astype(str))
        if audience == "consultant"
        else consenting(actors, diag.questions, diag.choices)
    )
    out = {}
    for a, t, c in zip(actors["actor_id"], actors["actor_type"], actors["commune_code"]):
        a = str(a)
        if a in agreed and a in names.index:
            out[a] = str(names[a])
        elif (
            t is not pd.NA
            and c is not pd.NA
            and size.get((t, c), 0) >= diag.settings.min_group_size
            and (audience == "consultant" or a in placed)
        ):
            out[a] = described(types.get(t, t), communes.get(c, c), lang)
        else:
            out[a] = _WORDS["en" if lang == "en" else "fr"]["an_actor"]
    return out


def contacts(diag) -> dict[str, str]:
    """actor_id -> the contact answers (person, e-mail, phone): for the consultant only."""
    found = personal_values(diag.personal, diag.questions, "contact")
    return {str(a): str(v) for a, v in found.items()}
