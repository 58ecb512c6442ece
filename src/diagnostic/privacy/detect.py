"""Which columns hold personal data, with or without a form.

A question is personal when its role says so (``actor_name``, ``contact``), when its
header says so (name, first name, address, street, e-mail, phone, SIRET, birth date, IP
address, token… in French and English, whatever the accents, case and punctuation), or
when its answers look personal (mostly e-mails, phone numbers or street addresses; or
mostly distinct person names in a column whose header is about the respondent).

`find_personal` gives, for each question found personal, the role it should take and the
reason, in words a consultant reads in the anomalies; `survey_from_frame` sets those
questions aside before anything is analysed or exported. A role given by a roles sheet (or
a form's own ``role`` column) is never overruled: that is how a consultant corrects a column
wrongly set aside.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from diagnostic.privacy.first_names import FIRST_NAMES
from diagnostic.privacy.masking import (
    ADDRESS_PATTERN,
    EMAIL_PATTERN,
    EMAIL_WRITTEN_PATTERN,
    PHONE_PATTERN,
    fold,
)


def _words(text: str) -> frozenset:
    return frozenset(text.split())


#: Roles detection may change: a structural role (type, commune, issue…) is never touched.
DETECTABLE_ROLES = ("other", "free_text")

_NAME = {"nom", "noms", "name", "names"}
#: words that make a header about a person's name on their own
_ALWAYS = {
    "prenom": "prénom",
    "prenoms": "prénom",
    "firstname": "prénom",
    "lastname": "nom",
    "surname": "nom",
    "fullname": "nom",
    "courriel": "courriel",
    "email": "courriel",
    "emails": "courriel",
    "mail": "courriel",
    "mails": "courriel",
    "telephone": "téléphone",
    "telephones": "téléphone",
    "tel": "téléphone",
    "phone": "téléphone",
    "phones": "téléphone",
    "telephonenumber": "téléphone",
    "phonenumber": "téléphone",
    "adresse": "adresse",
    "adresses": "adresse",
    "address": "adresse",
    "addresses": "adresse",
    "rue": "adresse",
    "street": "adresse",
    "siret": "SIRET",
    "siren": "SIREN",
    "naissance": "naissance",
    "birth": "naissance",
    "birthdate": "date de naissance",
    "birthday": "date de naissance",
    "dob": "date de naissance",
    "ipaddr": "adresse IP",
    "ipaddress": "adresse IP",
    "token": "jeton d'accès",
    "nir": "numéro de sécurité sociale",
    "iban": "IBAN",
    "coordonnees": "coordonnées",
    "gps": "position GPS",
    "geopoint": "position GPS",
    "latitude": "position GPS",
    "longitude": "position GPS",
}
#: who collected the answers (a data collector's name, an ODK username preload): personal
#: in a short header (« reporter », « Enquêteur ») — « Nombre d'enquêteurs » is a count
_COLLECTOR = _words(
    """
    reporter enumerator enumerators enqueteur enqueteuse enquetrice surveyor collector
    interviewer submitter submittedby observer observateur observatrice recorder
"""
)
#: identifiers of the device that sent the answers (ODK ``deviceid`` preload…)
_DEVICE = {"deviceid", "imei", "simserial", "subscriberid", "simid", "androidid"}
#: ambiguous words: personal only in a short header about the respondent
_SHORT_ONLY = {
    "mobile": "téléphone",
    "portable": "téléphone",
    "cell": "téléphone",
    "gsm": "téléphone",
    "ip": "adresse IP",
    "tel": "téléphone",
}
_LINKS = _words(
    """
    de du des la le les l d et ou of the and or a your votre vos ton ta tes my mon ma en
    s n no num numero number nr quel quelle est what is please svp merci indiquer
    indiquez enter precisez give ici here optionnel optional facultatif if si any vous
    you au aux pour for to
"""
)
#: words that keep a name header about the person (« nom du répondant », « contact nom »)
_PERSON = _words(
    """
    prenom prenoms first last full given family famille contact contacts responsable
    personne person repondant repondante respondent interlocuteur interlocutrice
    referent referente signataire representant representante usage jeune fille complet
    user utilisateur utilisatrice participant participante enqueteur enquetrice enquete
    interviewer interviewee identite identity coordonnees demandeur demandeuse owner
    proprietaire chef head household menage respondant dirigeant dirigeante president
    presidente directeur directrice gerant gerante agent moi me info infos informations
    courriel email mail telephone tel adresse who qui etes
"""
)
#: words that make a name header the name of the actor's organisation
_STRUCTURE = _words(
    """
    structure organisation organization organisme entreprise association company societe
    etablissement collectivite employeur employer business exploitation raison sociale
    enseigne institution service commerce
"""
)
#: words that make a header about a place, a type or an issue: never a person
_NOT_PERSON = _words(
    """
    commune communes ville village localite territoire epci departement region pays city
    town country county state quartier district type types categorie category secteur
    sector statut status enjeu enjeux issue issues projet project theme domaine activite
    lieu site action besoin besoins offre offres need needs offer ressource ressources
    produit product outil tool logiciel software application app ordinateur computer
    forfait abonnement reseau network fonction role poste job metier age sexe genre
    gender
"""
)
#: words that make a header about the respondent, for detection from the answers
_ABOUT_PERSON = _PERSON | {"votre", "your", "vous", "you", "qui", "who", "moi", "me"}
_EMAIL_CELL = re.compile(
    rf"^\s*(?:{EMAIL_PATTERN.pattern}|{EMAIL_WRITTEN_PATTERN.pattern})\s*$", re.I
)
_NAME_CELL = re.compile(r"^[A-ZÀ-ÖØ-Þ][\w'’.-]*(?:\s+[A-ZÀ-ÖØ-Þa-zß-ÿ][\w'’.-]*){0,3}$")
_PARTICLES = r"(?:de|du|des|d'|le|la|van|von|der|di|da|ben|el|al|y)"
_FULL_NAME = re.compile(
    rf"^[A-ZÀ-ÖØ-Þ][\w'’.-]+(?:\s+(?:{_PARTICLES}\s+)?[A-ZÀ-ÖØ-Þ][\w'’.-]+){{1,2}}$"
)
_SAMPLE = 2000


def header_words(header: str) -> list[str]:
    """The words of a header, folded; an export path (``identite/contact_nom``) by its last
    part and its groups."""
    text = fold(str(header))
    if " " not in text.strip():
        text = re.sub(r"[/._]", " ", text)
    text = text.replace("e-mail", "email").replace("e mail", "email")
    text = text.replace("ip address", "ipaddress").replace("adresse ip", "ipaddress")
    text = re.sub(r"\bdate of birth\b", "birthdate", text)
    return re.findall(r"[a-z0-9]+", text)


def header_reason(header: str) -> tuple[str, str] | None:
    """(role, reason) when a header asks for personal data, else None.

    >>> header_reason("Votre nom, prénom et mail")
    ('contact', 'en-tête : nom, prénom, courriel')
    >>> header_reason("Nom de la commune") is None
    True
    >>> header_reason("reporter"), header_reason("device_id")
    (('contact', "en-tête : nom de l'enquêteur"), ('contact', "en-tête : identifiant de l'appareil"))
    >>> header_reason("Nombre d'enquêteurs mobilisés"), header_reason("enumerator_num")
    (None, None)
    """
    words = header_words(header)
    if not words:
        return None
    found: list[str] = []
    content = [w for w in words if w not in _LINKS]
    about_place = bool(set(content) & _NOT_PERSON)
    for w in content:
        if w in _ALWAYS and w not in _SHORT_ONLY:
            found.append(_ALWAYS[w])
    short = len(content) <= 3 and all(w in _SHORT_ONLY or w in _PERSON for w in content)
    if short or {"telephone", "phone", "numero", "number"} & set(words):
        found += [_SHORT_ONLY[w] for w in content if w in _SHORT_ONLY]
    counted = {"num", "number", "numero", "no", "nr", "code", "id", "nombre", "count", "nb"}
    if len(content) <= 2 and set(content) & _COLLECTOR and not counted & set(words):
        found.append("nom de l'enquêteur")
    if set(content) & _DEVICE or ("device" in content and {"id", "identifier"} & set(content)):
        found.append("identifiant de l'appareil")
    names = [w for w in content if w in _NAME]
    if names:
        rest = {w for w in content if w not in _NAME and w not in _PERSON}
        if rest and rest <= _STRUCTURE and not about_place:
            if not found:
                return "actor_name", "en-tête : nom de la structure"
        elif not rest:
            found.insert(0, "nom")
    if about_place and not found:
        return None
    if about_place and set(found) <= {"adresse", "position GPS", "coordonnées"}:
        if not {"rue", "street"} & set(content):
            return None  # « adresse de la structure » is personal, « GPS de la commune » not
    found = list(dict.fromkeys(found))
    return ("contact", "en-tête : " + ", ".join(found)) if found else None


def values_reason(header: str, cells: Iterable[str], answered: int | None = None) -> str | None:
    """The reason when most answers of a column look personal, else None.

    Parameters
    ----------
    header : str
        The column's header (and question text): names are looked for only under a header
        about the respondent (« Qui êtes-vous ? », "Your details").
    cells : iterable of str
        The column's answers (distinct ones are enough).
    answered : int, optional
        How many cells are filled in, when `cells` holds only the distinct ones: a column of
        mostly distinct names needs it.
    """
    distinct = list(dict.fromkeys(str(c).strip() for c in cells if isinstance(c, str)))
    distinct = [c for c in distinct if c][:_SAMPLE]
    if len(distinct) < 2:
        return None
    n = len(distinct)
    for kind, test in (
        ("courriels", lambda c: bool(_EMAIL_CELL.match(c))),
        ("numéros de téléphone", lambda c: bool(PHONE_PATTERN.fullmatch(c.strip()))),
        ("adresses postales", lambda c: bool(ADDRESS_PATTERN.match(c.strip()))),
    ):
        hits = sum(map(test, distinct))
        if hits * 2 > n:
            return f"réponses : {hits} {kind} sur {n} valeurs distinctes"
    words = set(header_words(header))
    if not words & _ABOUT_PERSON or words & _NOT_PERSON:
        return None
    named = sum(
        bool(_NAME_CELL.match(c)) and fold(re.split(r"[\s-]", c)[0]) in FIRST_NAMES
        for c in distinct
    )
    if named * 2 > n:
        return f"réponses : {named} noms de personnes sur {n} valeurs distinctes"
    # names the first-name list does not know: two or three capitalised words, almost all
    # different (« Kwame Mensah », « Soizic Le Floch »); one-word answers (types) never
    answered = answered if answered is not None else n
    shaped = sum(bool(_FULL_NAME.match(c)) for c in distinct)
    if n >= 5 and n >= 0.9 * answered and shaped >= 0.8 * n:
        return f"réponses : {shaped} noms propres probables sur {n} valeurs distinctes"
    return None


def find_personal(form, columns: dict, cells_of) -> dict[str, tuple[str, str]]:
    """question_id -> (role, reason) for each question found personal.

    Parameters
    ----------
    form : Form
        The questionnaire; questions whose role was given (`Form.roles_given`) or is
        structural (type, commune, issue…) are left alone.
    columns : dict
        question_id -> the export column holding its answers.
    cells_of : callable
        column -> (its distinct answers, the number of cells filled in).
    """
    given = set(getattr(form, "roles_given", ()) or ())
    questions = form.questions.drop_duplicates("question_id").set_index("question_id")
    out: dict[str, tuple[str, str]] = {}
    has_name = (questions["role"] == "actor_name").any()
    for qid, col in columns.items():
        if qid in given or qid not in questions.index:
            continue
        q = questions.loc[qid]
        role = q["role"]
        if role not in DETECTABLE_ROLES and role not in ("actor_name", "contact"):
            continue
        if q["type"] in ("multiple", "rank", "likert"):
            continue
        label = q["label"] if isinstance(q["label"], str) else ""
        found = header_reason(col) or (header_reason(label) if label else None)
        if found is None:
            header = f"{label} {col}"
            reason = values_reason(header, *cells_of(col))
            structure = bool(set(header_words(header)) & _STRUCTURE)
            found = (("actor_name" if structure else "contact"), reason) if reason else None
        if found is None:
            continue
        new_role, reason = found
        if role in ("actor_name", "contact"):
            new_role = role
        elif new_role == "actor_name":
            if has_name:
                new_role = "contact"
            has_name = True
        out[qid] = (new_role, reason)
    return out


def set_aside(form, found: dict[str, tuple[str, str]]):
    """`form` with each question of `found` given its personal role, read as plain text
    (its answers never become a list of choices anywhere)."""
    import dataclasses

    if not found:
        return form
    questions = form.questions.copy()
    rows = questions["question_id"].isin(found.keys()).to_numpy(dtype=bool)
    questions.loc[rows, "role"] = questions.loc[rows, "question_id"].map(
        {q: r for q, (r, _why) in found.items()}
    )
    lists = set(questions.loc[rows, "list_name"].dropna())
    questions.loc[rows, "type"] = "text"
    questions.loc[rows, "list_name"] = None
    still = set(questions["list_name"].dropna())
    choices = form.choices[~form.choices["list_name"].isin(lists - still)]
    return dataclasses.replace(form, questions=questions, choices=choices.reset_index(drop=True))


def set_aside_problem(role: str, reason: str) -> str:
    """The anomaly shown for a column set aside as personal data."""
    return (
        f"données personnelles ({reason}) : colonne mise à l'écart (rôle « {role} »), jamais "
        "publiée ; si elle n'est pas personnelle, donner son rôle dans la feuille des rôles"
    )
