"""The words of the funder workbook and of the HTML report, in French and English.

Entries are looked up with `word` (see `diagnostic.i18n.lookup`): a text filled with
``str.format``, or headers (column -> header) and lists returned as they are.
"""

from __future__ import annotations

from diagnostic.i18n import lookup
from diagnostic.i18n.report import REPORT_WORDS

#: Sheet names by key, in the workbook's order.
SHEET_NAMES = {
    "fr": {
        "summary": "Sommaire",
        "method": "Méthode",
        "participation": "Participation",
        "portrait": "Portrait du territoire",
        "ranking": "Enjeux communs",
        "matrix": "Convergences",
        "afom": "AFOM",
        "regard": "Regard croisé",
        "opportunities": "Pistes de coopération",
        "clusters": "Groupes d'acteurs",
        "priorities": "Priorités partagées",
        "data": "Données",
        "dictionary": "Dictionnaire",
        "anomalies": "Anomalies",
    },
    "en": {
        "summary": "Summary",
        "method": "Method",
        "participation": "Participation",
        "portrait": "Territory profile",
        "ranking": "Common issues",
        "matrix": "Convergence",
        "afom": "SWOT",
        "regard": "Cross-check",
        "opportunities": "Cooperation leads",
        "clusters": "Actor groups",
        "priorities": "Shared priorities",
        "data": "Data",
        "dictionary": "Dictionary",
        "anomalies": "Anomalies",
    },
}

_ISSUE = {"fr": "Enjeu", "en": "Issue"}

_WORKBOOK = {
    "personal_sheet": {"fr": "Données personnelles", "en": "Personal data"},
    "purposes": {
        "fr": {
            "method": "Sources, réglages et limites de l'analyse",
            "participation": "Qui a répondu, où, rapporté à la population",
            "portrait": "La zone d'étude comparée à son EPCI, son département, sa région, "
            "la France",
            "ranking": "Classement des enjeux partagés entre types d'acteurs",
            "matrix": "Soutien de chaque enjeu par type d'acteurs",
            "afom": "Atouts, faiblesses, opportunités, menaces, avec leur source",
            "regard": "Perception des enjeux par les acteurs face aux écarts statistiques",
            "opportunities": "Besoins et offres qui se rencontrent, à valider en atelier",
            "clusters": "Acteurs réunis autour d'enjeux communs",
            "priorities": "Classement de l'enquête comparé aux votes de l'atelier",
            "data": "Réponses pseudonymisées (une ligne par acteur, une colonne par question)",
            "dictionary": "Chaque question, son type, ses choix et son rôle",
            "anomalies": "Problèmes rencontrés à la lecture et suite donnée",
        },
        "en": {
            "method": "Sources, settings and limits of the analysis",
            "participation": "Who answered, where, relative to the population",
            "portrait": "The study area compared with its EPCI, département, région and France",
            "ranking": "Ranking of the issues shared between actor types",
            "matrix": "Support for each issue by actor type",
            "afom": "Strengths, weaknesses, opportunities, threats, with their source",
            "regard": "How actors perceive the issues against the statistical gaps",
            "opportunities": "Needs and offers that meet, to be validated in a workshop",
            "clusters": "Actors brought together by shared issues",
            "priorities": "Survey ranking compared with the workshop votes",
            "data": "Pseudonymised answers (one row per actor, one column per question)",
            "dictionary": "Each question, its type, its choices and its role",
            "anomalies": "Problems met while reading the files and what was done",
        },
    },
    "base": {"fr": "Base : {n} acteurs répondants", "en": "Base: {n} responding actors"},
    "source": {
        "fr": "Source : enquête « {title} », traitement diagnostic du {day}",
        "en": "Source: survey “{title}”, processed with diagnostic on {day}",
    },
    "pseudonyms": {
        "fr": "Les acteurs sont désignés par un identifiant pseudonyme (A-xxxxxxxx) ; aucun nom, "
        "courriel ni téléphone ne figure dans ce classeur.",
        "en": "Actors are designated by a pseudonymous identifier (A-xxxxxxxx); no name, email "
        "or phone number appears in this workbook.",
    },
    "summary_headers": {"fr": ("Feuille", "Contenu"), "en": ("Sheet", "Contents")},
    "method_notes": {
        "fr": (
            "Enjeux : part des répondants qui jugent l'enjeu important (niveaux du haut de "
            "l'échelle), « ne sait pas » exclu ; intervalle de confiance de Wilson à 95 %.",
            "Chaque type d'acteurs pèse autant dans la moyenne par type, quel que soit son "
            "effectif ; classement : nombre de types qui partagent l'enjeu, puis soutien moyen "
            "par type, puis importance médiane.",
            "Consensus : indice de Tastle et Wierman (1 = unanimité, 0 = opposition complète).",
            "Les groupes de moins de {n} répondants ne sont jamais affichés en pourcentage "
            "(« n<…»).",
            "Territoire : communes et populations légales d'après le découpage administratif "
            "d'Etalab (Licence Ouverte, source : Insee).",
            "Données : une ligne par acteur ; au-delà de la limite d'Excel (1 048 576 lignes "
            "par feuille), les lignes continuent sur « Données (2) », « Données (3) »…",
        ),
        "en": (
            "Issues: share of the respondents who rate the issue as important (top levels of "
            "the scale), “don't know” excluded; Wilson 95% confidence interval.",
            "Each actor type weighs the same in the mean by type, whatever its size; ranking: "
            "number of types sharing the issue, then mean support by type, then median "
            "importance.",
            "Consensus: Tastle and Wierman index (1 = unanimity, 0 = complete opposition).",
            "Groups of fewer than {n} respondents are never shown as a percentage (“n<…”).",
            "Territory: communes and legal populations from Etalab's administrative "
            "boundaries (Licence Ouverte, source: Insee).",
            "Data: one row per actor; beyond Excel's limit (1,048,576 rows per sheet), rows "
            "continue on “Data (2)”, “Data (3)”…",
        ),
    },
    "method_headers": {
        "fr": {"description": "Réglage", "value": "Valeur", "name": "Nom"},
        "en": {"description": "Setting", "value": "Value", "name": "Name"},
    },
    "participation_title": {"fr": "Participation à l'enquête", "en": "Survey participation"},
    "unspecified": {"fr": "non précisé", "en": "unspecified"},
    "actor_type": {"fr": "Type d'acteurs", "en": "Actor type"},
    "respondents": {"fr": "Répondants", "en": "Respondents"},
    "participation_headers": {
        "fr": {
            "commune": "Commune",
            "commune_code": "Code commune",
            "population": "Population",
            "actor_type": "Type d'acteurs",
            "respondents": "Répondants",
            "per_1000_inhabitants": "Répondants pour 1 000 hab.",
        },
        "en": {
            "commune": "Commune",
            "commune_code": "Commune code",
            "population": "Population",
            "actor_type": "Actor type",
            "respondents": "Respondents",
            "per_1000_inhabitants": "Respondents per 1,000 inhabitants",
        },
    },
    "participation_chart": {
        "fr": "Répondants par type d'acteurs",
        "en": "Respondents by actor type",
    },
    "issues_cited": {"fr": "enjeux cités", "en": "issues cited"},
    "ranking_title": {
        "fr": "Enjeux communs, du plus partagé au moins partagé",
        "en": "Common issues, from the most to the least shared",
    },
    "question": {
        "fr": "Question : « {question} » ; {base}",
        "en": "Question: “{question}”; {base}",
    },
    "ranking_headers": {
        "fr": {
            "rank": "Rang",
            "label": "Enjeu",
            "theme": "Thème",
            "respondents": "Répondants",
            "support": "Soutien",
            "support_ci_low": "IC 95 % bas",
            "support_ci_high": "IC 95 % haut",
            "support_by_type_mean": "Soutien moyen par type",
            "breadth": "Types qui le partagent",
            "min_support": "Soutien minimal",
            "intensity": "Importance médiane",
            "consensus": "Consensus",
            "tag": "Profil",
            "reason": "Explication",
        },
        "en": {
            "rank": "Rank",
            "label": "Issue",
            "theme": "Theme",
            "respondents": "Respondents",
            "support": "Support",
            "support_ci_low": "95% CI low",
            "support_ci_high": "95% CI high",
            "support_by_type_mean": "Mean support by type",
            "breadth": "Types sharing it",
            "min_support": "Lowest support",
            "intensity": "Median importance",
            "consensus": "Consensus",
            "tag": "Profile",
            "reason": "Explanation",
        },
    },
    "ranking_chart": {"fr": "Soutien moyen par type d'acteurs", "en": "Mean support by actor type"},
    "issue": _ISSUE,
    "matrix_title": {
        "fr": "Convergences : soutien de chaque enjeu par type d'acteurs",
        "en": "Convergence: support for each issue by actor type",
    },
    "matrix_note": {
        "fr": "Part des répondants de chaque type qui jugent l'enjeu important. « n<{n} » : "
        "groupe trop petit pour un pourcentage.",
        "en": "Share of the respondents of each type who rate the issue as important. “n<{n}”: "
        "group too small for a percentage.",
    },
    "opportunities_note": {
        "fr": "Besoins et offres de ressources qui se rencontrent. Les acteurs qui ont refusé de "
        "coopérer n'apparaissent jamais. Colonne « Statut » : à valider, validé ou écarté.",
        "en": "Needs and offers of resources that meet. Actors who refused to cooperate never "
        "appear. “Status” column: to validate, validated or rejected.",
    },
    "opportunities_headers": {
        "fr": {
            "kind": "Type de piste",
            "category": "Ressource",
            "explanation": "Explication",
            "actors": "Acteurs",
            "score": "Score",
            "score_geo": "Proximité",
            "score_willingness": "Volonté",
            "score_text": "Précisions",
            "status": "Statut",
            "category_code": "Code ressource",
        },
        "en": {
            "kind": "Lead type",
            "category": "Resource",
            "explanation": "Explanation",
            "actors": "Actors",
            "score": "Score",
            "score_geo": "Proximity",
            "score_willingness": "Willingness",
            "score_text": "Details",
            "status": "Status",
            "category_code": "Resource code",
        },
    },
    "status": {"fr": "Statut", "en": "Status"},
    "choose": {"fr": "Choisissez : {values}", "en": "Choose: {values}"},
    "clusters_title": {
        "fr": "Groupes d'acteurs autour d'enjeux communs",
        "en": "Groups of actors around shared issues",
    },
    "clusters_note": {
        "fr": "Groupes de moins de {n} acteurs non affichés.",
        "en": "Groups of fewer than {n} actors not shown.",
    },
    "clusters_headers": {
        "fr": {
            "cluster_id": "Groupe",
            "label": "Intitulé",
            "issues": "Enjeux",
            "size": "Acteurs",
            "actor_types": "Types d'acteurs",
            "method": "Méthode",
        },
        "en": {
            "cluster_id": "Group",
            "label": "Title",
            "issues": "Issues",
            "size": "Actors",
            "actor_types": "Actor types",
            "method": "Method",
        },
    },
    "dictionary_title": {"fr": "Dictionnaire des questions", "en": "Dictionary of the questions"},
    "dictionary_note": {
        "fr": "Chaque question du questionnaire, son type, sa liste de choix et son rôle dans le "
        "diagnostic.",
        "en": "Each question of the questionnaire, its type, its list of choices and its role in "
        "the diagnostic.",
    },
    "dictionary_headers": {
        "fr": {
            "question_id": "Code",
            "label": "Libellé",
            "type": "Type",
            "role": "Rôle",
            "group": "Groupe",
            "theme": "Thème",
            "list_name": "Liste",
            "choices": "Choix",
        },
        "en": {
            "question_id": "Code",
            "label": "Label",
            "type": "Type",
            "role": "Role",
            "group": "Group",
            "theme": "Theme",
            "list_name": "List",
            "choices": "Choices",
        },
    },
    "anomalies_title": {
        "fr": "Anomalies relevées à la lecture des fichiers",
        "en": "Anomalies found while reading the files",
    },
    "anomalies_note": {
        "fr": "Chaque problème rencontré, où il se trouve et ce qui a été fait.",
        "en": "Each problem met, where it is and what was done.",
    },
    "account": {
        "fr": "{file} : {read} lignes lues = {loaded} chargées + {rejected} rejetées",
        "en": "{file}: {read} rows read = {loaded} loaded + {rejected} rejected",
    },
    "anomalies_headers": {
        "fr": {
            "file": "Fichier",
            "row": "Ligne",
            "column": "Colonne",
            "value": "Valeur",
            "problem": "Problème",
            "action": "Suite donnée",
        },
        "en": {
            "file": "File",
            "row": "Row",
            "column": "Column",
            "value": "Value",
            "problem": "Problem",
            "action": "Action taken",
        },
    },
    "personal_title": {"fr": "ATTENTION : données personnelles", "en": "WARNING: personal data"},
    "personal_note": {
        "fr": "Cette feuille a été ajoutée à la demande expresse de l'utilisateur. Elle contient "
        "des noms et coordonnées : ne pas diffuser.",
        "en": "This sheet was added at the user's express request. It holds names and contact "
        "details: do not circulate.",
    },
    "personal_headers": {
        "fr": {"actor_id": "Acteur", "field": "Champ", "value": "Valeur"},
        "en": {"actor_id": "Actor", "field": "Field", "value": "Value"},
    },
}

WORDS = {**_WORKBOOK, **REPORT_WORDS}


def word(key: str, language: str = "fr", /, **values):
    """The `key` entry of the workbook and report words in `language` (French by default)."""
    return lookup(WORDS, key, language, **values)


def sheet_name(key: str, language: str = "fr") -> str:
    """The name of the sheet `key` ("ranking", "data"…) in `language`."""
    return SHEET_NAMES.get(language, SHEET_NAMES["fr"])[key]
