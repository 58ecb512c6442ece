"""A ready XLSForm for a shared territorial diagnostic: the questionnaire to start from.

Every question carries its `diagnostic` role, every label is written in French and English,
and the form converts with pyxform (the reference XLSForm converter) without a warning, so
that KoboToolbox or ODK Central deploy it as it is and `diagnostic run` reads its exports with
every role known (``diagnostic questionnaire FILE.xlsx``).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pandas as pd

from diagnostic.errors import DiagnosticError

#: The label columns, French first: the form's two languages.
LABEL_FR = "label::Français (fr)"
LABEL_EN = "label::English (en)"
HINT_FR = "hint::Français (fr)"
HINT_EN = "hint::English (en)"
LANGUAGES = {"fr": "Français (fr)", "en": "English (en)"}
#: One fixed date in the file's properties, so that the same form is the same bytes.
_SAVED = datetime(2026, 1, 1)

#: The classic issues of a rural territory: (code, French, English, theme).
ISSUES = (
    ("mobilite", "Mobilité et transports", "Mobility and transport", "Cadre de vie"),
    ("sante", "Santé, accès aux soins", "Health, access to care", "Services"),
    ("emploi", "Emploi et recrutement", "Jobs and hiring", "Économie"),
    ("logement", "Logement", "Housing", "Cadre de vie"),
    ("numerique", "Numérique, couverture et usages", "Digital coverage and skills", "Services"),
    ("commerces", "Commerces et services de proximité", "Local shops and services", "Services"),
    ("foncier", "Foncier, locaux disponibles", "Land and premises available", "Économie"),
    ("transition", "Transition écologique", "Ecological transition", "Environnement"),
    ("jeunesse", "Jeunesse", "Young people", "Cadre de vie"),
    ("vieillissement", "Vieillissement de la population", "Ageing population", "Services"),
    ("agriculture", "Agriculture et alimentation locale", "Farming and local food", "Économie"),
    ("tourisme", "Tourisme et attractivité", "Tourism and appeal", "Économie"),
    (
        "vie_locale",
        "Culture, sport et vie associative",
        "Culture, sport, community life",
        "Cadre de vie",
    ),
)

#: The lists of choices: list name -> (code, French, English), in the order shown.
CHOICES = {
    "types": (
        ("entreprise", "Entreprise, artisan ou commerce", "Business, craft or shop"),
        ("association", "Association ou structure de l'ESS", "Association or social economy"),
        ("cooperative", "Coopérative", "Cooperative"),
        ("collectivite", "Commune ou intercommunalité", "Municipality or inter-municipality"),
        ("public", "Service public, établissement public", "Public service or body"),
        ("financeur", "Financeur", "Funder"),
        ("autre", "Autre", "Other"),
    ),
    "secteurs": (
        ("agriculture", "Agriculture et alimentation", "Farming and food"),
        ("artisanat", "Artisanat et BTP", "Crafts and building"),
        ("commerce", "Commerce", "Retail"),
        ("industrie", "Industrie", "Industry"),
        ("services", "Services aux personnes", "Personal services"),
        ("tourisme", "Tourisme et loisirs", "Tourism and leisure"),
        ("social", "Action sociale et santé", "Social action and health"),
        ("culture", "Culture et sport", "Culture and sport"),
        ("environnement", "Environnement et énergie", "Environment and energy"),
        ("administration", "Administration publique", "Public administration"),
        ("finance", "Banque, fondation, financement", "Banking and funding"),
        ("autre", "Autre", "Other"),
    ),
    # one importance scale for every issue, « ne sait pas » apart (never a level)
    "importance": (
        ("1", "Pas du tout important", "Not important at all"),
        ("2", "Peu important", "Slightly important"),
        ("3", "Moyennement important", "Moderately important"),
        ("4", "Important", "Important"),
        ("5", "Très important", "Very important"),
        ("nsp", "Ne sait pas", "Don't know"),
    ),
    # one resource list for needs and offers, so that a need and an offer can meet
    "ressources": (
        ("locaux", "Locaux", "Premises"),
        ("materiel", "Matériel et équipements", "Equipment"),
        ("vehicules", "Véhicules, mobilité", "Vehicles, mobility"),
        ("competences", "Compétences, expertise", "Skills, expertise"),
        ("emploi_partage", "Emploi partagé", "Shared employment"),
        ("benevoles", "Bénévoles", "Volunteers"),
        ("achats", "Achats groupés", "Group purchasing"),
        ("logistique", "Logistique, stockage", "Logistics, storage"),
        ("communication", "Communication", "Communication"),
        ("formation", "Formation", "Training"),
        ("financement", "Financement, ingénierie de projet", "Funding, project engineering"),
        ("circuits_courts", "Circuits courts, débouchés locaux", "Short supply chains"),
        ("numerique", "Outils numériques", "Digital tools"),
        ("energie", "Énergie, déchets", "Energy, waste"),
        ("autre", "Autre (précisez)", "Other (specify)"),
    ),
    "volonte": (
        ("oui", "Oui", "Yes"),
        ("peut_etre", "Peut-être", "Maybe"),
        ("non", "Non", "No"),
    ),
    "accord": (
        ("oui", "Oui, j'accepte", "Yes, I agree"),
        ("non", "Non", "No"),
    ),
}

_IMPORTANCE_FR = "Importance pour votre structure : "
_IMPORTANCE_EN = "Importance for your organisation: "


def _row(kind, name, fr="", en="", role="", **extra) -> dict:
    return {"type": kind, "name": name, LABEL_FR: fr, LABEL_EN: en, "diagnostic": role, **extra}


def _survey(commune_list: bool) -> list[dict]:
    """The rows of the ``survey`` sheet (groups, questions, roles, themes)."""
    commune = (
        _row(
            "select_one communes",
            "commune",
            "Commune où se trouve votre structure",
            "Municipality of your organisation",
            "commune",
            appearance="minimal autocomplete",
        )
        if commune_list
        else _row(
            "text",
            "commune",
            "Commune où se trouve votre structure",
            "Municipality of your organisation",
            "commune",
            **{
                HINT_FR: "Nom de la commune (ou son code postal avec le nom)",
                HINT_EN: "Name of the municipality (or its postcode with the name)",
            },
        )
    )
    rows = [
        {"type": "start", "name": "start"},
        {"type": "end", "name": "end"},
        _row("begin_group", "structure", "Votre structure", "Your organisation"),
        _row(
            "text",
            "nom_structure",
            "Nom de votre structure",
            "Name of your organisation",
            "actor_name",
            required="yes",
        ),
        _row(
            "select_one types",
            "type_acteur",
            "Quel type de structure êtes-vous ?",
            "What kind of organisation are you?",
            "actor_type",
            required="yes",
        ),
        _row(
            "select_one secteurs",
            "secteur",
            "Secteur d'activité principal",
            "Main sector",
            "sector",
        ),
        commune,
        _row("end_group", ""),
        _row("begin_group", "enjeux", "Les enjeux du territoire", "The territory's issues"),
        _row(
            "note",
            "enjeux_consigne",
            "Pour chacun de ces enjeux, dites quelle importance il a pour votre structure.",
            "For each of these issues, say how much it matters to your organisation.",
        ),
    ]
    rows += [
        _row(
            "select_one importance",
            f"enjeu_{code}",
            _IMPORTANCE_FR + fr,
            _IMPORTANCE_EN + en,
            "issue_importance",
            theme=theme,
        )
        for code, fr, en, theme in ISSUES
    ]
    rows += [
        _row(
            "text",
            "enjeu_autre",
            "Un autre enjeu important pour votre structure ?",
            "Another issue that matters to your organisation?",
            "free_text",
        ),
        _row("end_group", ""),
        _row("begin_group", "ressources", "Besoins et ressources", "Needs and resources"),
        _row(
            "select_multiple ressources",
            "besoins",
            "De quelles ressources auriez-vous besoin ?",
            "Which resources do you need?",
            "need",
        ),
        _row(
            "text",
            "besoins_autre",
            "Autre besoin (précisez)",
            "Other need (specify)",
            "need",
            relevant="selected(${besoins}, 'autre')",
        ),
        _row(
            "select_multiple ressources",
            "offres",
            "Quelles ressources pourriez-vous partager avec d'autres structures ?",
            "Which resources could you share with other organisations?",
            "offer",
        ),
        _row(
            "text",
            "offres_autre",
            "Autre ressource (précisez)",
            "Other resource (specify)",
            "offer",
            relevant="selected(${offres}, 'autre')",
        ),
        _row("end_group", ""),
        _row("begin_group", "cooperer", "Coopérer", "Cooperating"),
        _row(
            "select_one volonte",
            "volonte",
            "Seriez-vous prêt·e à coopérer avec d'autres acteurs du territoire ?",
            "Would you cooperate with other actors of the territory?",
            "cooperation",
            required="yes",
        ),
        _row(
            "select_one accord",
            "accord_nom",
            "Acceptez-vous que le nom de votre structure soit cité dans les documents partagés "
            "avec les autres acteurs du diagnostic ?",
            "Do you agree that your organisation's name be shown in the documents shared with "
            "the other actors of the diagnostic?",
            "consent",
            required="yes",
        ),
        _row("end_group", ""),
        _row("begin_group", "contact", "Pour vous recontacter", "To contact you again"),
        _row(
            "note",
            "contact_consigne",
            "Ces coordonnées restent chez l'équipe du diagnostic : elles ne sont jamais "
            "publiées ni transmises aux financeurs.",
            "These details stay with the diagnostic team: they are never published nor given "
            "to funders.",
        ),
        _row("text", "contact_nom", "Vos nom et prénom", "Your name", "contact"),
        _row(
            "text",
            "contact_fonction",
            "Votre fonction dans la structure",
            "Your role in the organisation",
            "contact",
        ),
        _row("text", "contact_courriel", "Votre adresse électronique", "Your e-mail", "contact"),
        _row("text", "contact_telephone", "Votre téléphone", "Your phone number", "contact"),
        _row("end_group", ""),
        _row(
            "text",
            "commentaire",
            "Un commentaire, une idée à partager ?",
            "Any comment or idea to share?",
            "free_text",
            appearance="multiline",
        ),
    ]
    return rows


def questionnaire_sheets(
    language: str = "fr", communes: pd.DataFrame | None = None
) -> dict[str, pd.DataFrame]:
    """The three sheets of the questionnaire: ``survey``, ``choices``, ``settings``.

    Parameters
    ----------
    language : {"fr", "en"}
        The form's default language (both label columns are always written).
    communes : DataFrame, optional
        ``commune_code`` and ``name`` of the study area's communes: the commune question
        becomes a list of them (codes as values), in alphabetical order; without them it is
        a text question.

    Returns
    -------
    dict of DataFrame
        Sheet name -> its rows, in XLSForm's columns.
    """
    if language not in LANGUAGES:
        raise DiagnosticError(
            f"langue inconnue « {language} » : choisir parmi {', '.join(LANGUAGES)}.",
            column="--lang",
        )
    if communes is not None and len(communes) == 0:
        communes = None
    has_list = communes is not None
    columns = ["type", "name", LABEL_FR, LABEL_EN, HINT_FR, HINT_EN, "required", "relevant"]
    columns += ["appearance", "diagnostic", "theme"]
    survey = pd.DataFrame(_survey(has_list), columns=columns)
    lists = dict(CHOICES)
    if communes is not None:
        ordered = communes.sort_values("name", key=lambda s: s.str.lower())
        lists["communes"] = tuple(
            (str(code), str(name), str(name))
            for code, name in zip(ordered["commune_code"], ordered["name"])
        )
    choices = pd.DataFrame(
        [(name, *choice) for name, items in lists.items() for choice in items],
        columns=["list_name", "name", LABEL_FR, LABEL_EN],
    )
    settings = pd.DataFrame(
        [
            {
                "form_title": "Diagnostic partagé de territoire — acteurs"
                if language == "fr"
                else "Shared territorial diagnostic — actors",
                "form_id": "diagnostic_partage",
                "version": "1",
                "default_language": LANGUAGES[language],
            }
        ]
    )
    return {
        "survey": survey.astype(object).where(survey.notna(), ""),
        "choices": choices,
        "settings": settings,
    }


def study_area_communes(project_file) -> pd.DataFrame:
    """The current communes (``commune_code``, ``name``) of a project's study area.

    Only ``territory`` and ``[geography]`` are read: the questionnaire is written before the
    collect, when the project's exports do not exist yet.
    """
    from diagnostic._io.text import read_toml
    from diagnostic.project.run import area_codes
    from diagnostic.territory import read_communes
    from diagnostic.territory.communes import attach_epci, read_epci

    project_file = Path(project_file)
    if not project_file.is_file():
        raise DiagnosticError("fichier de projet introuvable.", file=str(project_file))
    data = read_toml(project_file)
    geo = data.get("geography") or {}
    if not isinstance(geo, dict) or not geo.get("communes"):
        raise DiagnosticError(
            "le projet n'indique pas de fichier des communes ([geography] communes) : sans "
            "lui, la question de commune ne peut pas être une liste. Ajoutez-le, ou écrivez "
            "le questionnaire sans --project (la commune sera une réponse écrite).",
            file=project_file.name,
            column="geography",
        )
    base = project_file.parent
    for key in ("communes", "epci"):
        if geo.get(key) and not (base / str(geo[key])).is_file():
            raise DiagnosticError(
                f"le fichier indiqué par « {key} » est introuvable : {geo[key]}",
                file=project_file.name,
                column=key,
            )
    communes = read_communes(base / str(geo["communes"]))
    if geo.get("epci"):
        _epci, members = read_epci(base / str(geo["epci"]))
        communes = attach_epci(communes, members)
    area = area_codes([str(t) for t in data.get("territory", [])], communes)
    current = communes[communes["commune_code"].isin(area) & (communes["type"] == "COM")]
    return current[["commune_code", "name"]].reset_index(drop=True)


def write_questionnaire(
    path, *, language: str = "fr", communes: pd.DataFrame | None = None, force: bool = False
) -> Path:
    """Write the questionnaire as an XLSForm workbook, whole or not at all.

    An existing file is kept unless `force`: a form already edited by hand is never lost.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from diagnostic._io.atomic import save_workbook

    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise DiagnosticError(
            "le questionnaire s'écrit dans un classeur .xlsx (XLSForm) : donnez un nom de "
            "fichier qui finit par .xlsx.",
            file=str(path),
        )
    if path.is_dir():
        raise DiagnosticError("c'est un dossier, pas un fichier.", file=str(path))
    if path.exists() and not force:
        raise DiagnosticError(
            "ce fichier existe déjà et n'a pas été modifié : choisissez un autre nom, ou "
            "ajoutez --force pour le remplacer.",
            file=str(path),
        )
    book = Workbook()
    book.remove(book.active)
    for name, frame in questionnaire_sheets(language, communes).items():
        sheet = book.create_sheet(name)
        sheet.append(list(frame.columns))
        for record in frame.itertuples(index=False):
            sheet.append([None if v == "" else v for v in record])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
        for column in sheet.columns:
            width = max(len(str(c.value or "")) for c in column)
            sheet.column_dimensions[column[0].column_letter].width = min(max(width, 8) + 2, 60)
    book.properties.creator = "diagnostic"
    try:
        save_workbook(book, path, fixed_time=_SAVED)
    except OSError as exc:  # a file where a folder should be, no right to write, disk full
        raise DiagnosticError(
            f"impossible d'écrire le questionnaire à cet endroit ({exc.strerror or exc}) : "
            "choisissez un dossier où vous pouvez écrire.",
            file=str(path),
        ) from None
    return path
