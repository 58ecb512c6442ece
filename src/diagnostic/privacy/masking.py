"""Keep personal data out of exports: one masking pass for every text exported or shown.

`mask_text` replaces, in any text, what identifies a person or a business:

- e-mail addresses, also written ``marie(at)exemple.fr`` or ``marie [at] exemple [dot] fr``;
- phone numbers in every usual French form (``06 12 34 56 78``, ``06.12.34.56.78``,
  ``06/33/44/55/66``, ``+33 (0)6 12 34 56 78``, ``0033 6 12 34 56 78``) and international
  ones starting with ``+``;
- IBAN (``FR76 3000 …``), French social security numbers (NIR, 13 or 15 digits, spaced or
  not), SIRET (14 digits, also 3-3-3-5) and SIREN (9 digits, or 3-3-3 after the word SIREN),
  except the digits naming a photo or a recording (« 1568794395624.jpg », as ODK Collect
  and KoboCollect name them);
- street addresses (« 8 rue de la Paix », « 12 bis avenue… », « 3, chemin des Vignes »,
  « lieu-dit Les Fourches », « 221 Baker Street ») with the postcode and town that follow;
- person names: a common first name followed by a capitalised word (« Victor Hugo »,
  « Jean DUPONT ») or preceded by one (« Dupont Jean-Marc », « DURAND Marie », but not
  « Saint Jean » and the like), a title followed by one (« M. Durand », « Mrs Smith »),
  and one or two capitalised words next to a role (« contact : Lefebvre », « responsable
  Paul-Henri Garnier », « Dupont, maire »; not an institution's word such as « Mairie »);
- and, given `names`, the respondent's own name, structure and contacts wherever they
  recur in their texts.

Names are found by a documented heuristic (`diagnostic.privacy.first_names`), not a
statistical model: it is fast (see README), deterministic and needs nothing downloaded; it
misses names without a known first name, a title or a role beside them. The
surname-then-first-name and role rules were measured on 10,061 distinct texts: every text
of two words or more of the real exports (tests/corpus and the shared surveys: 8,972), the
1,055 commune names of the shared COG 2022 (Orne, Ariège, Lozère) and the example's
answers. They mask nothing there (the place words « Saint », « Dame »… were excluded after
they gave 6 false positives), and cost 0.6 s instead of 0.4 s for the 10,061 texts. Personal columns are never exported at
all (`diagnostic.privacy.detect`): masking is the second line of defence, for free text.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

import numpy as np
import pandas as pd

from diagnostic.privacy.first_names import FIRST_NAMES
from diagnostic.schemas import question_rows

EMAIL, PHONE, ADDRESS, NAME = (
    "[courriel masqué]",
    "[téléphone masqué]",
    "[adresse masquée]",
    "[nom masqué]",
)
NUMBER = "[numéro masqué]"

_AT = r"(?:\s*[\[({]\s*(?:at|arobase|@)\s*[\])}]\s*|\s+(?:arobase)\s+)"
_DOT = r"(?:\s*[\[({]\s*(?:dot|point)\s*[\])}]\s*|\.)"
EMAIL_PATTERN = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
EMAIL_WRITTEN_PATTERN = re.compile(rf"[\w.+-]+{_AT}[\w-]+(?:{_DOT}[\w-]+)+", re.IGNORECASE)
_SEP = r"[\s./-]?"
PHONE_PATTERN = re.compile(
    r"(?<![\w+])(?:(?:\+|00)\s?33\s?(?:\(0\)\s?)?|\(0\)\s?|0)[1-9]"
    rf"(?:{_SEP}\d{{2}}){{4}}(?![\d])"
    # international: + country code, then 6 to 12 digits in groups
    r"|(?<![\w+])\+\d{1,3}\s?(?:\(0\)\s?)?\d(?:[\s./-]?\d){5,12}(?!\d)"
)
_IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?:\s?[A-Z0-9]{4}){2,7}(?:\s?[A-Z0-9]{1,3})?\b")
#: after a run of digits, the extension that makes it the name of a media file: ODK Collect
#: and KoboCollect name the photos, recordings and videos they take by a timestamp in
#: milliseconds (« 1568794395624.jpg »), a file name and not a NIR, SIRET or SIREN.
#: Documents (.pdf…) keep the name a person gave them and stay masked, and so do phone
#: numbers in any file name (no app names a file that way; a person may)
_NOT_A_FILE = (
    r"(?![\w])(?!\.(?i:jpe?g|png|gif|heic|heif|webp|bmp|mp[34]|m4a|aac|wav|ogg|opus|amr|"
    r"3gp|mov|avi|webm)(?![\w]))"
)
_NIR = re.compile(
    r"(?<![\w])[12]\s?\d{2}\s?(?:0[1-9]|1[0-2]|[2-9]\d)\s?(?:\d{2}|2[ABab])\s?\d{3}\s?\d{3}"
    r"(?:\s?\d{2})?" + _NOT_A_FILE
)
_SIRET = re.compile(r"(?<![\w])(?:\d{14}|\d{3}[\s.]\d{3}[\s.]\d{3}[\s.]\d{5})" + _NOT_A_FILE)
_SIREN = re.compile(
    r"(?<![\w])\d{9}" + _NOT_A_FILE + r"|\bsiren\s*:?\s*\d{3}[\s.]?\d{3}[\s.]?\d{3}\b", re.I
)

#: street types that are never anything else after a number (« 8 rue… »)
_STREET_TYPES = (
    r"rue|avenue|av\.?|boulevard|bd|chemin|impasse|all[ée]e|quai|hameau|r[ée]sidence|"
    r"faubourg|fbg|rond-point|lotissement|esplanade|parvis|venelle|ruelle|sentier|lieu-dit|"
    r"lieudit|street|road|lane|drive"
)
#: street types that are also ordinary words (« 3 cours de yoga », « 1 place de parking »):
#: an address only when a capitalised name follows
_STREET_WORDS = r"place|pl\.|route|rte|cours|square|passage|voie|cit[ée]|traverse|mont[ée]e"
_UPPER = r"[A-ZÀ-ÖØ-Þ]"
_WORD = r"[\w'’-]+"
#: a postcode and town after an address: « , 61400 Mortagne-au-Perche »
_TOWN = rf"(?:\s*,?\s*\d{{5}}\s+{_UPPER}{_WORD}(?:[\s-]{_UPPER}{_WORD}|[\s-](?:sur|sous|en|lès|les|le|la|de|du|des|au|aux)){{0,4}})?"
_LINK = r"(?:\s*(?:d['’]|l['’]|(?:des|de|du|la|le|les|aux|au|en|sur|sous|à)(?=\s)))"
#: the name of a street: capitalised words and their links, or one word after a link
_CAPITAL_NAME = rf"(?:{_LINK}*\s*{_UPPER}{_WORD}){{1,4}}"
_STREET_NAME = rf"(?:{_CAPITAL_NAME}|{_LINK}+\s+{_WORD})"
ADDRESS_PATTERN = re.compile(
    # « 8 rue de la Paix », « 12 bis avenue Foch », « 3, chemin des Vignes »
    rf"(?<![\w])\d{{1,4}}\s?(?:bis|ter|quater|[a-dA-D](?![\w]))?\s*,?\s*"
    rf"(?:(?i:{_STREET_TYPES})(?![\w]){_STREET_NAME}?|(?i:{_STREET_WORDS})(?![\w]){_CAPITAL_NAME})"
    + _TOWN
    # « lieu-dit Les Fourches » without a number
    + rf"|(?i:\blieu-?dit)\s+(?:{_UPPER}{_WORD}\s*){{1,4}}"
    # « 221 Baker Street », « 10 Downing St »
    + rf"|(?<![\w])\d{{1,5}}\s+(?:{_UPPER}{_WORD}\s+){{1,3}}"
    r"(?:Street|St|Road|Rd|Avenue|Ave|Lane|Ln|Drive|Dr|Boulevard|Blvd|Way|Court|Ct|Close)\b\.?"
)
_TITLE = re.compile(
    rf"\b(?:M\.|Mme|Mlle|Mr\.?|Mrs\.?|Ms\.?|Dr\.?|Monsieur|Madame|Mademoiselle)\s+"
    rf"(?:{_UPPER}{_WORD}\s+)?{_UPPER}{_WORD}"
)
#: a word that may be a surname: capitalised (« Dupont ») or upper case (« DUPONT »)
_LOWER = r"[a-zà-öø-ÿ'’]"
_NAME_WORD = (
    rf"(?:{_UPPER}{_LOWER}+(?:-{_UPPER}{_LOWER}+)*|{_UPPER}{{2,}}(?:-{_UPPER}{{2,}})*)(?![\w-])"
)
_NAME_PAIR = re.compile(rf"(?<![\w.-]){_NAME_WORD}\s+({_NAME_WORD})")
#: words before a first name that make a place, a saint or a building, not a surname
_NOT_BEFORE_FIRST_NAME = {
    "Saint", "Sainte", "St", "Ste", "Dame", "Notre", "Mont", "Port", "Cap", "Val", "Pont",
    "Fort", "Lac", "Bois", "Rue", "Place", "Avenue", "Boulevard", "Chemin", "Collège",
    "Lycée", "École", "Ecole", "Église", "Eglise", "Hôpital", "Centre", "Maison", "Salle",
    "Espace", "Résidence", "Foyer", "Fondation", "Institut", "Club", "Stade", "Parc",
    "Quai", "Square", "Impasse", "Allée", "Cours", "Pointe", "Île", "Ile", "Baie",
}  # fmt: skip
#: roles beside which capitalised words are a person's name
_ROLES = (
    r"contact|responsable|r[ée]f[ée]rente?|interlocut(?:eur|rice)|pr[ée]sidente?|directeur|"
    r"directrice|g[ée]rante?|maire|adjointe?|secr[ée]taire|tr[ée]sori[eè]re?|"
    r"coordinat(?:eur|rice)|animat(?:eur|rice)|charg[ée]e? de mission|chef de projet"
)
_ROLE_THEN_NAME = re.compile(
    rf"(?i:\b(?:{_ROLES}))\s*(?:[:,-]\s*|\s)({_NAME_WORD}(?:\s+{_NAME_WORD})?)"
)
_NAME_THEN_ROLE = re.compile(
    rf"(?<![\w-])({_NAME_WORD}(?:\s+{_NAME_WORD})?)\s*,\s*(?i:(?:{_ROLES}))\b"
)
#: capitalised words beside a role that name an institution or a service, not a person
_INSTITUTIONS = {
    "Mairie", "Commune", "Association", "Conseil", "Service", "Office", "Communauté",
    "Département", "Région", "Pôle", "Direction", "Comité", "Bureau", "Syndicat", "Centre",
    "Maison", "Qualité", "Technique", "Commercial", "Commerciale", "Projet", "Mission",
    "Général", "Générale", "Adjoint", "Adjointe", "Délégué", "Déléguée", "Du", "De", "Des",
}  # fmt: skip
_DIGIT = re.compile(r"\d")
#: a text with none of these (a digit, @, a capital after its first letter, a bracketed or
#: spelled-out « at ») holds nothing to mask
_WORTH_A_LOOK = re.compile(
    r"\d|@|\w\W+[A-ZÀ-ÖØ-Þ]|[\[({]\s*at\s*[\])}]|arobase|^[A-ZÀ-ÖØ-Þ][\w'’-]*\s*,"
)
_CAPITALISED = re.compile(rf"{_UPPER}[\w'’-]+(?:[\s]+{_UPPER}[\w'’-]+)?")
#: words written with a capital that do not start a surname
_NOT_SURNAME = {"Le", "La", "Les", "Un", "Une", "De", "Du", "Des", "Et", "Ou", "The", "And"}


def fold(text: str) -> str:
    """Lower case without accents (« Hélène » -> « helene »)."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def _first_name_then_capital(text: str) -> str:
    """Mask « Prénom Nom » where Prénom is a known first name and Nom is capitalised."""
    out, last = [], 0
    for match in re.finditer(rf"(?<![\w]){_UPPER}[\w'’-]+", text):
        if match.start() < last or fold(match.group()) not in FIRST_NAMES:
            continue
        rest = _CAPITALISED.match(text, _skip_spaces(text, match.end()))
        if rest is None or match.end() == rest.start() or rest.group().split()[0] in _NOT_SURNAME:
            continue
        out.append(text[last : match.start()] + NAME)
        last = rest.end()
    return "".join(out) + text[last:] if out else text


def _surname_then_first_name(text: str) -> str:
    """Mask « Dupont Jean-Marc », « DURAND Marie »: a capitalised word, then a known first
    name (not « Saint Jean », « Notre Dame »…, nor two first names)."""

    def one(m: re.Match) -> str:
        before = m.group()[: m.start(1) - m.start()].strip()
        if (
            fold(m.group(1)) not in FIRST_NAMES
            or before in _NOT_SURNAME
            or before in _NOT_BEFORE_FIRST_NAME
            or fold(before) in FIRST_NAMES
        ):
            return m.group()
        return NAME

    return _NAME_PAIR.sub(one, text)


def _names_beside_roles(text: str) -> str:
    """Mask « contact : Lefebvre », « responsable Paul-Henri Garnier », « Dupont, maire »."""

    def one(m: re.Match) -> str:
        words = m.group(1).split()
        if words[0] in _NOT_SURNAME or any(w in _INSTITUTIONS for w in words):
            return m.group()
        start, end = m.start(1) - m.start(), m.end(1) - m.start()
        return m.group()[:start] + NAME + m.group()[end:]

    return _NAME_THEN_ROLE.sub(one, _ROLE_THEN_NAME.sub(one, text))


def _skip_spaces(text: str, at: int) -> int:
    while at < len(text) and text[at] == " ":
        at += 1
    return at


def _own_names(text: str, names: Iterable[str]) -> str:
    """Mask the respondent's own name, structure and contacts where they recur."""
    lower = text.lower()
    for name in sorted({n.strip() for n in names if isinstance(n, str)}, key=len, reverse=True):
        if len(name) < 3 or not any(w.lower() in lower for w in name.split()):
            continue  # the usual case, without a regular expression
        pattern = re.escape(name).replace(r"\ ", r"\s+")
        text = re.sub(rf"(?<![\w]){pattern}(?![\w])", NAME, text, flags=re.IGNORECASE)
        words = name.split()
        if 1 < len(words) <= 4 and "@" not in name and not any(c.isdigit() for c in name):
            # « Martine Lambert » also masks a lone « Lambert » written with its capital
            for word in words:
                if len(word) >= 4 and word[0].isupper() and word not in _NOT_SURNAME:
                    text = re.sub(rf"(?<![\w]){re.escape(word)}(?![\w])", NAME, text)
    return text


def mask_text(text, names: Iterable[str] = ()):
    """Replace what identifies a person or a business in `text` by a placeholder.

    Parameters
    ----------
    text : str or missing
        Any text; anything else (numbers, missing values) is returned unchanged.
    names : iterable of str
        The respondent's own name, structure name and contacts, masked where they recur.

    >>> mask_text("écrire à jo@exemple.fr ou 06 12 34 56 78")
    'écrire à [courriel masqué] ou [téléphone masqué]'
    >>> mask_text("Chez Victor Hugo, 8 rue de la Paix")
    'Chez [nom masqué], [adresse masquée]'
    """
    if text is None or text is pd.NA or not isinstance(text, str):
        return text
    if names:
        text = _own_names(text, names)
    if not _WORTH_A_LOOK.search(text):
        return text  # codes, numbers, lower-case words: nothing a pattern below could find
    if "@" in text:
        text = EMAIL_PATTERN.sub(EMAIL, text)
    text = EMAIL_WRITTEN_PATTERN.sub(EMAIL, text)
    if _DIGIT.search(text):
        text = _IBAN.sub(NUMBER, text)
        text = ADDRESS_PATTERN.sub(ADDRESS, text)
        text = _NIR.sub(NUMBER, text)
        text = _SIRET.sub(NUMBER, text)
        text = PHONE_PATTERN.sub(PHONE, text)
        text = _SIREN.sub(NUMBER, text)
    elif "ieu" in text:
        text = ADDRESS_PATTERN.sub(ADDRESS, text)  # « lieu-dit Les Fourches »
    text = _TITLE.sub(NAME, text)
    text = _first_name_then_capital(text)
    return _names_beside_roles(_surname_then_first_name(text))


def mask_values(values) -> pd.Series:
    """`mask_text` over a column, each distinct value masked once."""
    values = pd.Series(values)
    codes, uniques = pd.factorize(values)
    masked = pd.array([mask_text(v) for v in uniques], dtype="string")
    return pd.Series(masked.take(codes, allow_fill=True), index=values.index)


#: Columns of the `actors` table that may leave the machine (DESIGN.md). Not ``source_row``:
#: with the export in hand, a row number names the respondent.
PUBLIC_ACTOR_COLUMNS = [
    "actor_id",
    "actor_type",
    "commune_code",
    "epci_code",
    "cooperation",
    "source_file",
]


def own_names(personal: pd.DataFrame | None) -> dict[str, list[str]]:
    """actor_id -> the values of their personal fields (name, structure, e-mail, phone)."""
    if personal is None or personal.empty:
        return {}
    values = personal.dropna(subset=["value"])
    # as a groupby in order of appearance, without a Python call per actor
    codes, actors = pd.factorize(values["actor_id"])
    order = np.argsort(codes, kind="stable")
    texts = values["value"].to_numpy(dtype=object)[order]
    cuts = np.searchsorted(codes[order], np.arange(len(actors) + 1))
    return {a: texts[lo:hi].tolist() for a, lo, hi in zip(actors, cuts[:-1], cuts[1:])}


def public_answers(
    answers: pd.DataFrame, questions: pd.DataFrame, personal: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Answers without personal questions, free text masked.

    With `personal` (the survey's personal table), each respondent's own name, structure
    and contacts are also masked wherever they recur in that respondent's answers.
    """
    hidden = questions.loc[
        questions["role"].isin(["actor_name", "contact", "commune"]), "question_id"
    ]
    out = answers[~question_rows(answers, hidden)].copy()
    codes, values = pd.factorize(out["value"])  # each distinct answer masked once
    masked = pd.array([mask_text(v) for v in values], dtype="string")
    out["value"] = masked.take(codes, allow_fill=True)
    names = own_names(personal)
    if names:
        texts = questions.loc[questions["type"].isin(["text"]), "question_id"]
        mine = question_rows(out, texts)  # the text answers, then those of named actors
        mine[mine] = out["actor_id"][mine].isin(names.keys()).to_numpy(dtype=bool, na_value=False)
        if mine.any():
            out.loc[mine, "value"] = [
                _own_names(v, names[a]) if isinstance(v, str) else v
                for v, a in zip(out.loc[mine, "value"], out.loc[mine, "actor_id"])
            ]
    return out
