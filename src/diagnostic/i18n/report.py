"""Words of the synthesis sheets, the data sheet and the HTML report, in French and English.

Part of the catalogue looked up by `diagnostic.i18n.workbook.word`.
"""

from __future__ import annotations

_PORTRAIT = {
    "fr": {"label": "Indicateur", "year": "Année", "source": "Source", "note": "Remarque"},
    "en": {"label": "Indicator", "year": "Year", "source": "Source", "note": "Note"},
}
_REGARD = {
    "fr": {
        "label": "Enjeu",
        "quadrant": "Lecture",
        "support": "Soutien",
        "indicator_label": "Indicateur",
        "area_value": "Zone d'étude",
        "reference_value": "Référence",
        "reference": "Territoire de référence",
        "gap": "Écart",
    },
    "en": {
        "label": "Issue",
        "quadrant": "Reading",
        "support": "Support",
        "indicator_label": "Indicator",
        "area_value": "Study area",
        "reference_value": "Reference",
        "reference": "Reference territory",
        "gap": "Gap",
    },
}

REPORT_WORDS = {
    # territorial portrait
    "levels": {
        "fr": {
            "zone d'étude": "Zone d'étude",
            "EPCI": "EPCI",
            "département": "Département",
            "région": "Région",
            "France": "France",
        },
        "en": {
            "zone d'étude": "Study area",
            "EPCI": "EPCI",
            "département": "Département",
            "région": "Région",
            "France": "France",
        },
    },
    "portrait_headers": _PORTRAIT,
    "portrait_notes": {
        "fr": (
            "La zone d'étude comparée à son EPCI, son département, sa région et la France, "
            "selon les indicateurs disponibles (une colonne par échelon quand la donnée "
            "existe).",
            "Effectifs additionnés commune par commune ; taux recalculés à partir des "
            "numérateurs et dénominateurs, jamais moyennés. Case vide : donnée non disponible "
            "à cet échelon.",
        ),
        "en": (
            "The study area compared with its EPCI, département, région and France, on the "
            "indicators available (one column per level when the data exist).",
            "Counts added up commune by commune; rates recomputed from their numerators and "
            "denominators, never averaged. Empty cell: no data at this level.",
        ),
    },
    # AFOM (SWOT)
    "afom_labels": {
        "fr": {
            "atouts": "Atouts",
            "faiblesses": "Faiblesses",
            "opportunités": "Opportunités",
            "menaces": "Menaces",
        },
        "en": {
            "strengths": "Strengths",
            "weaknesses": "Weaknesses",
            "opportunities": "Opportunities",
            "threats": "Threats",
        },
    },
    "afom_title": {
        "fr": "AFOM : atouts, faiblesses, opportunités, menaces",
        "en": "SWOT: strengths, weaknesses, opportunities, threats",
    },
    "afom_note": {
        "fr": "Synthèse tirée de l'enquête (enjeux transversaux ou clivants, ressources offertes, "
        "besoins partagés), des indicateurs (regard croisé) et de l'atelier quand il a eu "
        "lieu.",
        "en": "Synthesis drawn from the survey (cross-cutting or divisive issues, resources "
        "offered, shared needs), the indicators (cross-check) and the workshop when one "
        "was held.",
    },
    "afom_headers": {
        "fr": {
            "category": "Catégorie",
            "item": "Élément",
            "source": "Source",
            "evidence": "Justification",
        },
        "en": {"category": "Category", "item": "Item", "source": "Source", "evidence": "Evidence"},
    },
    "count": {"fr": "{name} : {n}", "en": "{name}: {n}"},
    # shared priorities
    "priorities_title": {
        "fr": "Priorités partagées : enquête et atelier",
        "en": "Shared priorities: survey and workshop",
    },
    "priorities_question": {
        "fr": "Question posée en atelier : répartir ses gommettes entre les enjeux jugés "
        "prioritaires. Part des gommettes : moyenne, sur les participants, de la part de "
        "leurs gommettes donnée à l'enjeu (chaque participant pèse autant).",
        "en": "Question asked in the workshop: share out one's dots among the issues seen as "
        "priorities. Share of the dots: mean, over the participants, of the share of their "
        "dots given to the issue (each participant weighs the same).",
    },
    "priorities_base": {
        "fr": "Base : {voters} participants ayant voté, {dots} gommettes ; enquête : {actors} "
        "acteurs répondants.",
        "en": "Base: {voters} participants who voted, {dots} dots; survey: {actors} responding "
        "actors.",
    },
    "priorities_hidden": {
        "fr": "Moins de {n} participants : parts non affichées (« n<{n} »).",
        "en": "Fewer than {n} participants: shares not shown (“n<{n}”).",
    },
    "priorities_headers": {
        "fr": {
            "label": "Enjeu",
            "survey_rank": "Rang enquête",
            "support": "Soutien (enquête)",
            "dots": "Gommettes",
            "participants": "Participants",
            "workshop_share": "Part des gommettes",
            "workshop_rank": "Rang atelier",
            "shift": "Rangs gagnés",
            "trend": "Tendance",
        },
        "en": {
            "label": "Issue",
            "survey_rank": "Survey rank",
            "support": "Support (survey)",
            "dots": "Dots",
            "participants": "Participants",
            "workshop_share": "Share of the dots",
            "workshop_rank": "Workshop rank",
            "shift": "Places gained",
            "trend": "Trend",
        },
    },
    "priorities_shift": {
        "fr": "Rangs gagnés = rang dans l'enquête − rang en atelier (positif : l'enjeu gagne du "
        "terrain en atelier).",
        "en": "Places gained = rank in the survey − rank in the workshop (positive: the issue "
        "gains ground in the workshop).",
    },
    "priorities_chart": {"fr": "Part des gommettes par enjeu", "en": "Share of the dots by issue"},
    # regard croisé (cross-check)
    "regard_title": {
        "fr": "Regard croisé : perception des acteurs et statistiques",
        "en": "Cross-check: actors' perception and statistics",
    },
    "regard_notes": {
        "fr": (
            "Chaque enjeu relié à un indicateur : prioritaire quand au moins {priority} des "
            "acteurs le jugent important (moyenne par type), objectivé quand le territoire est "
            "en moins bonne situation que sa référence d'au moins {gap} (écart relatif).",
            "Écart = zone d'étude / référence − 1, compté positivement quand le territoire "
            "est défavorisé (par exemple plus de chômage, moins de revenu).",
            "Enjeu confirmé : prioritaire et objectivé ; perçu non objectivé : prioritaire "
            "sans écart défavorable ; sous-estimé : écart défavorable mais peu cité ; non "
            "prioritaire.",
        ),
        "en": (
            "Each issue linked to an indicator: a priority when at least {priority} of the "
            "actors rate it as important (mean by type), borne out when the territory is "
            "worse off than its reference by at least {gap} (relative gap).",
            "Gap = study area / reference − 1, counted positive when the territory is worse "
            "off (for example more unemployment, less income).",
            "Confirmed issue: a priority and borne out; perceived, not measured: a priority "
            "without an unfavourable gap; underrated: unfavourable gap but seldom cited; not "
            "a priority.",
        ),
    },
    "regard_headers": _REGARD,
    "regard_chart": {"fr": "Perception et statistiques", "en": "Perception and statistics"},
    "regard_axes": {
        "fr": ("Écart à la référence", "Soutien des acteurs"),
        "en": ("Gap to the reference", "Actors' support"),
    },
    # data sheet
    "data_ids": {
        "fr": {
            "actor_id": "Acteur",
            "actor_type": "Type d'acteurs",
            "commune_code": "Code commune",
        },
        "en": {"actor_id": "Actor", "actor_type": "Actor type", "commune_code": "Commune code"},
    },
    "data_title": {"fr": "Réponses pseudonymisées", "en": "Pseudonymised answers"},
    "data_continued": {"fr": " (suite {k})", "en": " (continued {k})"},
    "data_more": {"fr": " Suite sur « {name} ».", "en": " Continued on “{name}”."},
    "data_note": {
        "fr": "Une ligne par acteur, une colonne par question (code de la question ; intitulé "
        "au-dessus et dans le Dictionnaire). Réponses en clair ; choix multiples séparés "
        "par « ; », options classées dans l'ordre du classement, séparées par « > ». "
        "Colonnes personnelles (noms, courriels, téléphones, adresses…) exclues ; dans les "
        "textes libres, courriels, téléphones, adresses, numéros (SIRET, SIREN, sécurité "
        "sociale, IBAN) et noms reconnus masqués.{more}",
        "en": "One row per actor, one column per question (the question's code; its wording "
        "above and in the Dictionary). Answers in plain words; multiple choices separated "
        "by “ ; ”, ranked options in rank order, separated by “ > ”. Personal columns "
        "(names, emails, phone numbers, addresses…) left out; in free texts, emails, phone "
        "numbers, addresses, numbers (SIRET, SIREN, social security, IBAN) and names "
        "recognised masked.{more}",
    },
    "data_annex": {
        "fr": "Réponses pseudonymisées de {rows} acteurs : plus de {limit} cellules, au-delà "
        "de ce qu'un classeur de synthèse garde lisible ; elles sont "
        "dans le fichier « {file} », à côté de ce classeur (CSV en UTF-8, séparateur « , » : "
        "une ligne par acteur, une colonne par question nommée par son code, intitulés dans "
        "le Dictionnaire ; même contenu que la feuille Données, mêmes règles de masquage ; "
        "un texte qui commencerait une formule y est précédé d'une apostrophe).",
        "en": "Pseudonymised answers of {rows} actors: more than {limit} cells, beyond what a "
        "summary workbook keeps readable; they are in the file “{file}”, beside "
        "this workbook (CSV in UTF-8, “,” as separator: one row per actor, one column per "
        "question named by its code, wordings in the Dictionary; the content of the Data "
        "sheet, masked by the same rules; a text that would start a formula is preceded by "
        "an apostrophe).",
    },
    # HTML report
    "html_portrait": {
        "fr": "La zone d'étude comparée à son EPCI, son département, sa région et la France, "
        "selon les indicateurs disponibles ; case vide : donnée non disponible à cet "
        "échelon.",
        "en": "The study area compared with its EPCI, département, région and France, on the "
        "indicators available; empty cell: no data at this level.",
    },
    "html_none": {"fr": "Aucun élément.", "en": "No item."},
    "html_votes": {
        "fr": "Vote aux gommettes : {voters} participants. ",
        "en": "Dot voting: {voters} participants. ",
    },
    "html_regard": {
        "fr": "Chaque enjeu relié à un indicateur est placé selon la part des acteurs qui le "
        "jugent important (prioritaire à partir de {priority}) et l'écart statistique du "
        "territoire à sa référence (objectivé à partir de {gap}, positif quand le "
        "territoire est en moins bonne situation).",
        "en": "Each issue linked to an indicator is placed by the share of the actors who rate "
        "it as important (a priority from {priority}) and by the statistical gap of the "
        "territory to its reference (borne out from {gap}, positive when the territory is "
        "worse off).",
    },
    "html_tests": {
        "fr": "Test de l'écart de soutien entre types comparés : Fisher-Freeman-Halton sur le "
        "tableau type × soutien, p ajusté par Benjamini-Hochberg sur les enjeux ; paire "
        "nommée seulement si sa comparaison (Fisher, correction de Holm) est significative.",
        "en": "Test of the support gap between compared types: Fisher-Freeman-Halton on the "
        "type × support table, p adjusted by Benjamini-Hochberg over the issues; a pair is "
        "named only when its comparison (Fisher, Holm correction) is significant.",
    },
    "html_participation": {"fr": "Acteurs répondants par type", "en": "Responding actors by type"},
    "html_ranking": {
        "fr": "Part des répondants qui jugent l'enjeu important (intervalle de confiance à 95 %)",
        "en": "Share of the respondents who rate the issue as important (95% confidence interval)",
    },
    "html_account": {
        "fr": "{file} : {read} lignes lues, {loaded} chargées, {rejected} rejetées",
        "en": "{file}: {read} rows read, {loaded} loaded, {rejected} rejected",
    },
    "html_opportunities": {
        "fr": "{n} pistes, les 40 premières ci-dessous (toutes dans le classeur).",
        "en": "{n} leads, the first 40 below (all of them in the workbook).",
    },
    "html_opportunity_headers": {
        "fr": {
            "kind": "Type",
            "category": "Ressource",
            "explanation": "Explication",
            "status": "Statut",
        },
        "en": {
            "kind": "Type",
            "category": "Resource",
            "explanation": "Explanation",
            "status": "Status",
        },
    },
    "html_anomalies": {
        "fr": "{n} anomalies relevées : voir la feuille « {sheet} » du classeur.",
        "en": "{n} anomalies found: see the “{sheet}” sheet of the workbook.",
    },
    "html_produced": {
        "fr": "Rapport produit le {day}. Les acteurs sont désignés\npar un identifiant "
        "pseudonyme ; aucun nom, courriel ni téléphone n'y figure.",
        "en": "Report produced on {day}. Actors are designated\nby a pseudonymous identifier; "
        "no name, email or phone number appears in it.",
    },
    "html_produced_named": {
        "fr": "Rapport produit le {day}. Les acteurs sont désignés\npar un identifiant "
        "pseudonyme ; des noms ne figurent que dans les projets de coopération.",
        "en": "Report produced on {day}. Actors are designated\nby a pseudonymous identifier; "
        "names appear only in the cooperation projects.",
    },
    "html_offer_names": {"fr": "Apportent", "en": "Bring"},
    "html_need_names": {"fr": "Ont besoin", "en": "Need"},
    "html_contents": {"fr": "Sommaire", "en": "Contents"},
    "card_words": {
        "fr": {
            "needs": "Ont besoin",
            "offers": "Apportent",
            "members": "Membres",
            "communes": "Communes",
            "issues": "Enjeux partagés",
            "first_step": "Premier pas",
            "status": "Statut",
            "carrier": "Porteur",
            "next_step": "Prochaine étape",
            "resources": "Ressources",
        },
        "en": {
            "needs": "Need it",
            "offers": "Bring it",
            "members": "Members",
            "communes": "Communes",
            "issues": "Shared issues",
            "first_step": "First step",
            "status": "Status",
            "carrier": "Carrier",
            "next_step": "Next step",
            "resources": "Resources",
        },
    },
    "html_opportunities_detail": {
        "fr": "{n} pistes (paires d'acteurs) ont servi à former ces projets : le détail est "
        "dans tables/opportunities.csv et dans la feuille « {sheet} » du classeur.",
        "en": "{n} leads (pairs of actors) were grouped into these projects: the detail is in "
        "tables/opportunities.csv and in the workbook's “{sheet}” sheet.",
    },
    "html_fiches_link": {
        "fr": "Une fiche imprimable par projet, avec sa carte, pour le mur de l'atelier : ",
        "en": "One printable sheet per project, with its map, for the workshop wall: ",
    },
    "map_missing": {
        "fr": "Pas de carte : le projet ne déclare ni contours de communes ([geography] "
        "boundaries) ni centres de communes ([geography] centroids).",
        "en": "No map: the project declares neither commune contours ([geography] boundaries) "
        "nor commune centroids ([geography] centroids).",
    },
    "map_unpublished": {
        "fr": "Pas de carte : aucune commune de membre n'est publiée (petits groupes : voir la "
        "Méthode).",
        "en": "No map: no member's commune is published (small groups: see the Method).",
    },
    "app_projects": {
        "fr": {
            "resource": "Ressource :",
            "commune": "Commune :",
            "actor_type": "Type d'acteur :",
            "all": "Tous",
            "shown": "{n} projet(s) sur {total}",
            "save": "Enregistrer les décisions",
            "saved": "{n} projet(s) décidé(s), enregistré(s) dans {file}",
            "carrier": "Porteur :",
            "next_step": "Prochaine étape :",
            "status": "Statut :",
            "none": "Aucun projet ne correspond à ces filtres.",
            "where": "Les décisions sont enregistrées dans {file} et relues par l'exécution "
            "suivante.",
            "where_other": "Les décisions sont enregistrées dans {file}.",
            "where_example": "Exemple embarqué, jamais modifié : les décisions sont "
            "enregistrées dans {file}, que l'exécution suivante ne relit pas.",
            "theirs": "Décision(s) enregistrée(s) par un autre visiteur, affichée(s) : {titles}.",
            "kept": "Décidé(s) aussi par un autre visiteur : {titles}. Votre modification non "
            "enregistrée est gardée sur cette page ; l'enregistrer vous signalera le désaccord.",
        },
        "en": {
            "resource": "Resource:",
            "commune": "Commune:",
            "actor_type": "Actor type:",
            "all": "All",
            "shown": "{n} project(s) of {total}",
            "save": "Save the decisions",
            "saved": "{n} project(s) decided, saved in {file}",
            "carrier": "Carrier:",
            "next_step": "Next step:",
            "status": "Status:",
            "none": "No project matches these filters.",
            "where": "The decisions are saved in {file} and read back by the next run.",
            "where_other": "The decisions are saved in {file}.",
            "where_example": "Embedded example, never modified: the decisions are saved in "
            "{file}, which the next run does not read.",
            "theirs": "Decision(s) saved by another visitor, now shown: {titles}.",
            "kept": "Also decided by another visitor: {titles}. Your unsaved change is kept on "
            "this page; saving it will tell you of the disagreement.",
        },
    },
}
