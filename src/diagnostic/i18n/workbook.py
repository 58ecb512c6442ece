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
        "projects": "Projets de coopération",
        "plan": "Plan d'action",
        "opportunities": "Pistes de coopération",
        "clusters": "Groupes d'acteurs",
        "priorities": "Priorités partagées",
        "paroles": "Paroles d'acteurs",
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
        "projects": "Cooperation projects",
        "plan": "Action plan",
        "opportunities": "Cooperation leads",
        "clusters": "Actor groups",
        "priorities": "Shared priorities",
        "paroles": "In their own words",
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
            "projects": "Une courte liste de projets de coopération à présenter en atelier",
            "plan": "Projets validés ou en cours : type, ressources, acteurs par type, communes",
            "opportunities": "Besoins et offres qui se rencontrent, à valider en atelier",
            "clusters": "Acteurs réunis autour d'enjeux communs",
            "priorities": "Classement de l'enquête comparé aux votes de l'atelier",
            "paroles": "Réponses libres : citations, thèmes codés, mots employés et propres à "
            "chaque type",
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
            "projects": "A short list of cooperation projects to bring to a workshop",
            "plan": "Validated or ongoing projects: kind, resources, actors by type, communes",
            "opportunities": "Needs and offers that meet, to be validated in a workshop",
            "clusters": "Actors brought together by shared issues",
            "priorities": "Survey ranking compared with the workshop votes",
            "paroles": "Free answers: quotes, coded themes, words used and specific to each type",
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
    "named": {
        "fr": "Les acteurs sont désignés par un identifiant pseudonyme (A-xxxxxxxx) ; des noms "
        "ne figurent que dans la feuille « Projets de coopération »{personal}.",
        "en": "Actors are designated by a pseudonymous identifier (A-xxxxxxxx); names appear "
        "only in the “Cooperation projects” sheet{personal}.",
    },
    "named_personal": {
        "fr": " et la feuille « Données personnelles »",
        "en": " and the “Personal data” sheet",
    },
    "projects_title": {
        "fr": "Projets de coopération à présenter en atelier",
        "en": "Cooperation projects to bring to a workshop",
    },
    "projects_note": {
        "fr": "Chaque projet réunit, autour d'une ressource, des acteurs proches (même commune, "
        "communes voisines ou même intercommunalité) qui n'ont pas refusé de coopérer. Score : "
        "nombre et diversité des acteurs, une offre présente, proximité, enjeux partagés, "
        "volonté de coopérer (voir « Méthode »). Colonnes « Statut », « Porteur », « Prochaine "
        "étape » : à remplir en atelier ; ce classeur se relit comme fichier des décisions "
        "([workshop] projects). Le détail par paire est dans tables/opportunities.csv.",
        "en": "Each project brings together, around one resource, nearby actors (same commune, "
        "neighbouring communes or same intercommunality) who did not refuse to cooperate. "
        "Score: number and diversity of actors, an offer present, nearness, shared issues, "
        "willingness to cooperate (see “Method”). “Status”, “Carrier”, “Next step” columns: to "
        "fill in at the workshop; this workbook is read back as the decisions file ([workshop] "
        "projects). The pairs are in tables/opportunities.csv.",
    },
    "projects_headers": {
        "fr": {
            "title": "Projet",
            "kind": "Type",
            "summary": "Résumé",
            "actor_types": "Types d'acteurs",
            "issues": "Enjeux partagés",
            "first_step": "Premier pas",
            "member_names": "Structures",
            "member_contacts": "Contacts",
            "status": "Statut",
            "carrier": "Porteur",
            "next_step": "Prochaine étape",
            "score": "Score",
            "members": "Acteurs (identifiants)",
            "resources": "Code ressource",
        },
        "en": {
            "title": "Project",
            "kind": "Kind",
            "summary": "Summary",
            "actor_types": "Actor types",
            "issues": "Shared issues",
            "first_step": "First step",
            "member_names": "Organisations",
            "member_contacts": "Contacts",
            "status": "Status",
            "carrier": "Carrier",
            "next_step": "Next step",
            "score": "Score",
            "members": "Actors (ids)",
            "resources": "Resource code",
        },
    },
    "plan_title": {
        "fr": "Plan d'action : projets de coopération validés ou en cours",
        "en": "Action plan: validated or ongoing cooperation projects",
    },
    "plan_note": {
        "fr": "Projets retenus par l'atelier (statut « validé » ou « en cours »), sans aucun nom : "
        "type de projet, ressources, nombre d'acteurs par type, communes.",
        "en": "Projects taken up by the workshop (status “validated” or “ongoing”), without any "
        "name: kind, resources, number of actors by type, communes.",
    },
    "plan_none": {
        "fr": "Aucun projet validé ou en cours pour l'instant : les décisions de l'atelier se "
        "notent dans le fichier des décisions du projet ([workshop] projects).",
        "en": "No validated or ongoing project yet: the workshop's decisions are written in the "
        "project's decisions file ([workshop] projects).",
    },
    "plan_headers": {
        "fr": {
            "status": "Statut",
            "kind": "Type",
            "resources": "Ressources",
            "actors": "Acteurs",
            "actor_types": "Acteurs par type",
            "commune_names": "Communes",
            "next_step": "Prochaine étape",
        },
        "en": {
            "status": "Status",
            "kind": "Kind",
            "resources": "Resources",
            "actors": "Actors",
            "actor_types": "Actors by type",
            "commune_names": "Communes",
            "next_step": "Next step",
        },
    },
    "fiche_words": {
        "fr": {
            "title": "Fiches projets",
            "needs": "Qui en a besoin",
            "brings": "Qui l'apporte",
            "issues": "Enjeux partagés",
            "first_step": "Premier pas proposé",
            "decision": "Décision de l'atelier",
            "carrier": "Porteur du projet",
            "next": "Prochain rendez-vous (date, lieu)",
        },
        "en": {
            "title": "Project sheets",
            "needs": "Who needs it",
            "brings": "Who brings it",
            "issues": "Shared issues",
            "first_step": "Suggested first step",
            "decision": "Workshop decision",
            "carrier": "Project carrier",
            "next": "Next meeting (date, place)",
        },
    },
    "projects_none": {
        "fr": "Aucun projet : trop peu d'acteurs proches partagent un besoin.",
        "en": "No project: too few nearby actors share a need.",
    },
    "summary_headers": {"fr": ("Feuille", "Contenu"), "en": ("Sheet", "Contents")},
    "method_notes": {
        "fr": (
            "Enjeux : part des répondants qui jugent l'enjeu important (les {top_box} niveaux "
            "du haut de l'échelle), « ne sait pas » exclu ; intervalle de confiance de Wilson "
            "à 95 %. Chaque pourcentage a sa propre base : colonne « Répondants » du "
            "classement, « n= » des en-têtes des convergences.",
            "Bases : une question à échelle compte les acteurs qui y ont répondu (« ne sait "
            "pas » exclu). Une question à choix multiples compte, pour chaque option, les acteurs "
            "à qui la question était posée : d'après le formulaire XLSForm, ceux pour qui ses "
            "conditions d'affichage (« relevant » de la question et de ses groupes, évaluées sur "
            "leurs réponses) sont vraies, tous quand il n'y en a pas, plus ceux qui y ont "
            "répondu malgré une condition fausse (signalés) ; sans formulaire XLSForm, "
            "ou pour une condition non évaluée (signalée dans les anomalies), ceux dont au moins "
            "une case de la question est remplie. Une réponse vide d'un acteur à qui la question "
            "était posée compte « rien coché » : dans la base, sans soutien. Restent hors de la "
            "base d'une option : l'acteur qui n'a coché que « ne sait pas », et celui dont le "
            "questionnaire ne proposait pas cette option (questionnaires fusionnés).",
            "Types comparés : les types d'acteurs d'au moins {n} acteurs répondants, les mêmes "
            "pour tous les enjeux ({types}). Une cellule type × enjeu de moins de {n} réponses "
            "n'est ni affichée ni comparée. Les types plus petits et ces cellules sont exclus de "
            "tout (poids nul) : comparaisons, soutien moyen par type, mais aussi totaux "
            "(répondants, soutien global, importance médiane, consensus), pour qu'aucun petit "
            "groupe ne se déduise en retranchant les cellules affichées des totaux. Aucune "
            "pondération : chaque acteur répondant compte pour un.",
            "Un type « partage » un enjeu quand la borne basse de l'intervalle de Wilson à 95 % "
            "de son soutien atteint {threshold:.0f} % (et non l'estimation seule : 2 réponses "
            "sur 5 ne suffisent pas). Soutien moyen par type : moyenne simple des cellules "
            "affichées des types comparés, chacun pesant autant quel que soit son effectif.",
            "Classement : nombre de types qui partagent l'enjeu, puis soutien moyen par type, "
            "puis soutien global, puis nombre de réponses ; seuls les enjeux égaux sur ces "
            "quatre critères suivent l'ordre de leurs identifiants.",
            "Profils : « clivant » quand l'écart de soutien entre types comparés atteint "
            "{gap:.0f} points et que le test de Fisher-Freeman-Halton sur le tableau type × "
            "soutien (exact pour deux types ; au-delà, Monte-Carlo à graine fixe, 9 999 tirages au "
            "plus, arrêt dès 100 tables aussi rares que celle observée, selon Besag et Clifford) "
            "est significatif au seuil de {alpha} après correction de Benjamini-Hochberg sur "
            "les enjeux ; la paire « X > Y » nommée est la plus écartée des comparaisons deux à "
            "deux (test exact de Fisher, correction de Holm) restées significatives. Sinon "
            "« transversal » quand au moins {wide} des {k} types comparés le partagent, "
            "« spécifique à un groupe » quand au moins un le partage, « peu partagé » sinon. "
            "Les résultats des tests sont dans « Convergences ».",
            "Importance médiane : médiane des niveaux de toutes les réponses exprimées, "
            "soutiens ou non (« ne sait pas » exclu).",
            "Consensus : indice de Tastle et Wierman (1 = unanimité, 0 = opposition complète).",
            "Portée des intervalles et des tests : les répondants ne sont pas un échantillon "
            "aléatoire des acteurs du territoire. Intervalles et tests mesurent l'incertitude "
            "due au petit nombre de réponses (ce que donneraient d'autres répondants "
            "semblables), pas la représentativité : ils ne corrigent aucun biais de "
            "participation.",
            "Stabilité des cinq premiers enjeux ({resamples} rééchantillonnages des répondants "
            "avec remise, graine fixe ; part des tirages où l'enjeu reste parmi les cinq "
            "premiers) : {stability}.",
            "Les groupes de moins de {n} répondants ne sont jamais affichés en pourcentage "
            "(« n<…»).",
            "{reciprocal}",
            "Territoire : communes et populations légales d'après le découpage administratif "
            "d'Etalab (Licence Ouverte, source : Insee).",
            "Données : une ligne par acteur ; au-delà de la limite d'Excel (1 048 576 lignes "
            "par feuille), les lignes continuent sur « Données (2) », « Données (3) »…",
            "Projets de coopération : autour d'une ressource, des acteurs proches (même commune, "
            "centroïdes à moins de project_radius_km, à défaut même intercommunalité) qui n'ont "
            "pas refusé de coopérer ; au moins 3 acteurs, ou 2 quand l'un offre ce dont l'autre a "
            "besoin. Score = 0,25 × taille (membres / project_max_actors) + 0,20 × diversité "
            "des types (types parmi les membres − 1, sur types parmi les acteurs qui peuvent "
            "rejoindre un projet − 1) + 0,20 × offre présente (1 quand un membre offre la "
            "ressource, toujours pour un échange) + 0,15 × proximité (moyenne sur les paires de "
            "membres : 1 même commune, 1 / (1 + distance / geo_half_distance_km) entre "
            "centroïdes à moins de project_radius_km, sinon 0 ; au moins 0,5 pour deux "
            "communes voisines, 0,5 dans la même intercommunalité sans centroïde) + 0,10 × part "
            "des membres qui partagent leur enjeu le plus commun (important pour au moins 2) + "
            "0,10 × volonté de coopérer (oui = 1, "
            "peut-être ou sans réponse = 0,5) ; chaque ressource a son meilleur projet avant "
            "qu'une autre en ait un deuxième ; au plus max_projects_per_offerer projets par "
            "acteur qui offre, au plus max_projects projets.",
        ),
        "en": (
            "Issues: share of the respondents who rate the issue as important (the top "
            "{top_box} levels of the scale), “don't know” excluded; Wilson 95% confidence "
            "interval. Each percentage has its own base: “Respondents” column of the ranking, "
            "“n=” in the headers of the convergence sheet.",
            "Bases: a scale question counts the actors who answered it (“don't know” "
            "excluded). A multiple-choice question counts, for each option, the actors who were "
            "asked it: from the XLSForm, those for whom its display conditions (“relevant” of "
            "the question and of its groups, evaluated on their answers) hold, everyone when "
            "there are none, plus those who answered despite a false condition (reported); "
            "without an XLSForm, or for a condition not evaluated (reported in "
            "the anomalies), those with at least one cell of the question filled in. A blank "
            "answer from an actor who was asked counts as “ticked nothing”: in the base, not "
            "supporting. Left out of an option's base: an actor who ticked only “don't know”, "
            "and one whose questionnaire did not offer that option (merged questionnaires).",
            "Compared types: actor types with at least {n} responding actors, the same for "
            "every issue ({types}). A type × issue cell of fewer than {n} answers is neither "
            "shown nor compared. Smaller types and such cells are left out of everything "
            "(zero weight): comparisons, mean support by type, and the totals too "
            "(respondents, overall support, median importance, consensus), so that no small "
            "group can be found by subtracting the shown cells from the totals. No weighting: "
            "each responding actor counts once.",
            "A type “shares” an issue when the lower bound of the Wilson 95% interval of its "
            "support reaches {threshold:.0f}% (not the estimate alone: 2 answers out of 5 are "
            "not enough). Mean support by type: plain mean of the shown cells of the compared "
            "types, each weighing the same whatever its size.",
            "Ranking: number of types sharing the issue, then mean support by type, then "
            "overall support, then number of answers; only issues equal on all four follow the "
            "order of their identifiers.",
            "Profiles: “divisive” when the support gap between compared types reaches {gap:.0f} "
            "points and the Fisher-Freeman-Halton test of the type × support table (exact for "
            "two types; beyond, Monte Carlo with a fixed seed, at most 9,999 draws, stopped after "
            "100 tables as rare as the one seen, after Besag and Clifford) is significant at "
            "{alpha} after Benjamini-Hochberg correction over the issues; the pair “X > Y” "
            "named is the widest of the pairwise comparisons (Fisher exact test, Holm "
            "correction) that stay significant. Otherwise “cross-cutting” when at least {wide} "
            "of the {k} compared types share it, “specific to a group” when at least one "
            "does, “little shared” otherwise. The test results are in “Convergence”.",
            "Median importance: median level of all the answers given, supporting or not "
            "(“don't know” excluded).",
            "Consensus: Tastle and Wierman index (1 = unanimity, 0 = complete opposition).",
            "What intervals and tests mean: the respondents are not a random sample of the "
            "area's actors. Intervals and tests measure the uncertainty due to the small "
            "number of answers (what other similar respondents would give), not "
            "representativeness: they correct no participation bias.",
            "Stability of the first five issues ({resamples} resamples of the respondents with "
            "replacement, fixed seed; share of the draws in which the issue stays among the "
            "first five): {stability}.",
            "Groups of fewer than {n} respondents are never shown as a percentage (“n<…”).",
            "{reciprocal}",
            "Territory: communes and legal populations from Etalab's administrative "
            "boundaries (Licence Ouverte, source: Insee).",
            "Data: one row per actor; beyond Excel's limit (1,048,576 rows per sheet), rows "
            "continue on “Data (2)”, “Data (3)”…",
            "Cooperation projects: around one resource, nearby actors (same commune, centroids "
            "within project_radius_km, otherwise same intercommunality) who did not refuse to "
            "cooperate; at least 3 actors, or 2 when one offers what the other needs. Score = "
            "0.25 × size (members / project_max_actors) + 0.20 × diversity of types (types "
            "among the members − 1, over types among the actors who may join a project − 1) + "
            "0.20 × offer present (1 when a member offers the resource, always for a swap) + "
            "0.15 × nearness (mean over the pairs of members: 1 same commune, 1 / (1 + distance "
            "/ geo_half_distance_km) between centroids within project_radius_km, otherwise 0; "
            "at least 0.5 for neighbouring communes, 0.5 in the same intercommunality without "
            "a centroid) + 0.10 × share of members sharing their most common issue (important "
            "to at least 2) + 0.10 × willingness (yes = 1, maybe or no answer = 0.5); each resource gets its "
            "best project before another gets a second; at most max_projects_per_offerer "
            "projects per offering actor, at most max_projects projects.",
        ),
    },
    "method_reciprocal": {
        "fr": (
            "Échanges réciproques (A a besoin d'une ressource que B offre, B d'une ressource "
            "que A offre) : recherche exhaustive parmi tous les acteurs qui n'ont pas refusé de "
            "coopérer ; les {n} échanges trouvés sont tous publiés. Score = moyenne des scores "
            "des deux appariements + bonus réciproque.",
            "Échanges réciproques (A a besoin d'une ressource que B offre, B d'une ressource "
            "que A offre) : recherche exhaustive parmi tous les acteurs qui n'ont pas refusé de "
            "coopérer ; seuls les {limit} meilleurs scores sont publiés (max_reciprocal ; à "
            "score égal, ordre des identifiants) : aucun échange non publié n'a un score "
            "supérieur au plus bas publié. Score = moyenne des scores des deux appariements + "
            "bonus réciproque.",
        ),
        "en": (
            "Reciprocal exchanges (A needs a resource B offers, B one A offers): exhaustive "
            "search among every actor who did not refuse to cooperate; all {n} exchanges found "
            "are published. Score = mean of the two matches' scores + reciprocal bonus.",
            "Reciprocal exchanges (A needs a resource B offers, B one A offers): exhaustive "
            "search among every actor who did not refuse to cooperate; only the {limit} best "
            "scores are published (max_reciprocal; equal scores in the order of the ids): no "
            "exchange left out scores more than the lowest one published. Score = mean of the "
            "two matches' scores + reciprocal bonus.",
        ),
    },
    "method_none": {"fr": "aucun", "en": "none"},
    "base_range": {
        "fr": "Base : de {low} à {high} acteurs répondants selon l'enjeu (colonne « Répondants »)",
        "en": "Base: from {low} to {high} responding actors depending on the issue "
        "(“Respondents” column)",
    },
    "matrix_tests": {
        "fr": {
            "gap": "Écart max. entre types",
            "p_value": "p (Fisher-Freeman-Halton)",
            "p_adjusted": "p ajusté (Benjamini-Hochberg)",
            "significant": "Écart significatif",
            "between": "Paire significative (Holm)",
        },
        "en": {
            "gap": "Largest gap between types",
            "p_value": "p (Fisher-Freeman-Halton)",
            "p_adjusted": "Adjusted p (Benjamini-Hochberg)",
            "significant": "Significant gap",
            "between": "Significant pair (Holm)",
        },
    },
    "yes_no": {"fr": ("oui", "non"), "en": ("yes", "no")},
    "method_non_answers": {
        "fr": (
            "Non-réponses (« ne sait pas », « sans avis », « préfère ne pas répondre »…) : "
            "{n} réponse{s} aux questions d'enjeux laissée{s} hors des bases ; elles ne sont "
            "jamais un niveau d'échelle."
        ),
        "en": (
            "Non-answers (“don't know”, “no opinion”, “prefer not to answer”…): {n} "
            "answer{s} to the issue questions left out of the bases; they are never a level "
            "of a scale."
        ),
    },
    "method_untyped": {
        "fr": (
            "{n} répondant{s} sans type d'acteur : laissé{s} hors des comparaisons entre "
            "types (largeur, soutien moyen par type, écarts, tableau par type) et donc des "
            "totaux publiés, qui ne comptent que les cellules par type."
        ),
        "en": (
            "{n} respondent{s} without an actor type: left out of the comparisons between "
            "types (breadth, mean support by type, gaps, table by type) and so of the "
            "published totals, which count the cells by type only."
        ),
    },
    "method_disclosure": {
        "fr": (
            "Petits groupes (éditions financeurs et collectif) : aucun chiffre ne porte sur "
            "moins de {n} acteurs. Les types de moins de {n} acteurs et les répondants sans "
            "type sont réunis en « autres »{merged} ; {withheld}. Dans les tableaux acteur par "
            "acteur (Données, actors.csv, membres des groupes) et les effectifs de "
            "participation, un couple (type, commune) de moins de {n} acteurs reçoit l'EPCI "
            "au lieu de la commune (« autres communes de l'EPCI »), puis « autres communes » "
            "si le couple (type, EPCI) reste sous {n} ; si ce dernier groupe d'un type reste "
            "sous {n}, les plus petits lieux de ce type le rejoignent. Ainsi chaque couple "
            "(type, lieu) publié compte 0 ou au moins {n} acteurs : {unique_before} acteurs "
            "étaient seuls de leur type dans leur commune, {unique_after} le sont après "
            "généralisation (commune remplacée pour {generalised} acteurs). Un secteur rare "
            "pour un couple (type, lieu) devient « Autre secteur » selon la même règle. Les "
            "projets et pistes de coopération ne nomment que ces lieux publics : une commune "
            "n'y est citée, et « dans la même commune », une distance ou un risque de "
            "concurrence n'y sont dits, que pour des acteurs dont la commune est publiée "
            "(sinon l'EPCI ou « autres communes », score de proximité de ce lieu : dans un "
            "projet, deux membres dont une commune n'est pas publiée sont proches de 0,5 "
            "s'ils ont le même EPCI publié, de 0 sinon) ; le nom "
            "d'une structure qui y consent ne publie pas sa commune."
        ),
        "en": (
            "Small groups (funder and collective editions): no figure bears on fewer than "
            "{n} actors. Types with fewer than {n} actors and respondents without a type are "
            "merged into “others”{merged}; {withheld}. In the actor-by-actor tables (Data, "
            "actors.csv, group members) and the participation counts, a (type, commune) "
            "pair of fewer than {n} actors gets its EPCI instead of its commune (“other "
            "communes of the EPCI”), then “other communes” if the (type, EPCI) pair stays "
            "below {n}; if that last group of a type stays below {n}, the type's smallest "
            "places join it. So every published (type, place) pair holds 0 or at least {n} "
            "actors: {unique_before} actors were alone of their type in their commune, "
            "{unique_after} are after generalisation (commune replaced for {generalised} "
            "actors). A sector rare for a (type, place) pair becomes “Other sector” by the "
            "same rule. Cooperation projects and leads name only these public places: a "
            "commune, “in the same commune”, a distance or a competition risk appear only for "
            "actors whose commune is published (else the EPCI or “other communes”, with that "
            "place's proximity score: in a project, two members one of whose communes is not "
            "published are 0.5 close when they share a published EPCI, 0 otherwise); a "
            "structure consenting to its name does not publish "
            "its commune."
        ),
    },
    "method_withheld": {
        "fr": (
            "ce groupe comptant moins de {n} acteurs, ses {count} acteurs ne sont détaillés "
            "nulle part (ni ligne par acteur, ni effectif par type, ni total par enjeu, ni "
            "membre d'un projet, d'une paire ou d'un groupe de coopération : chaque projet "
            "est décrit et noté sur ses autres membres, comme si ces acteurs n'avaient pas "
            "répondu — taille, types, proximité, enjeux, disposition, diversité comptée sur "
            "les types publiés —, {dropped} ; une paire qui en comptait un est retirée, un "
            "groupe le perd et est retiré s'il devient trop petit)",
            "ce groupe compte au moins {n} acteurs et il est publié comme un type",
            "aucun type n'est concerné",
        ),
        "en": (
            "as that group has fewer than {n} actors, its {count} actors are detailed "
            "nowhere (no row per actor, no count by type, no issue total, no member of a "
            "cooperation project, pair or group: each project is described and scored on "
            "its other members, as if these actors had not answered — size, types, nearness, "
            "issues, willingness, diversity counted on the published types —, {dropped}; a "
            "pair with one of them is left out, a group loses them and is left out if it "
            "becomes too small)",
            "that group has at least {n} actors and is published as a type",
            "no type is concerned",
        ),
    },
    "method_dropped": {
        "fr": (
            "aucun projet n'est retiré",
            "{n} projet retiré faute de tenir sans eux "
            "(au moins un membre qui a le besoin, et trois membres ou deux dont l'un offre "
            "la ressource ; un échange garde ses deux membres)",
            "{n} projets retirés faute de tenir sans eux "
            "(au moins un membre qui a le besoin, et trois membres ou deux dont l'un offre "
            "la ressource ; un échange garde ses deux membres)",
        ),
        "en": (
            "no project is left out",
            "{n} project left out as it no longer holds without them "
            "(a member with the need, and three members or two of whom one offers the "
            "resource; a swap keeps both its members)",
            "{n} projects left out as they no longer hold without them "
            "(a member with the need, and three members or two of whom one offers the "
            "resource; a swap keeps both its members)",
        ),
    },
    "method_headers": {
        "fr": {"description": "Réglage", "value": "Valeur", "name": "Nom"},
        "en": {"description": "Setting", "value": "Value", "name": "Name"},
    },
    "participation_title": {"fr": "Participation à l'enquête", "en": "Survey participation"},
    "participation_public": {
        "fr": (
            "Aucun effectif de moins de {n} acteurs : un type qui compte moins de {n} "
            "répondants dans une commune est compté avec l'EPCI (« Autres communes de … ») "
            "ou en « Autres communes » ; les communes sans effectif publié restent vides "
            "(voir la feuille Méthode)."
        ),
        "en": (
            "No count below {n} actors: a type with fewer than {n} respondents in a commune "
            "is counted with the EPCI (“Other communes of …”) or as “Other communes”; "
            "communes without a published count stay empty (see the Method sheet)."
        ),
    },
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
    "questions_many": {
        "fr": "Enjeux tirés de {n} questions différentes ; {base}",
        "en": "Issues drawn from {n} different questions; {base}",
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
        "fr": "Part des répondants de chaque type qui jugent l'enjeu important ; « n= » : "
        "nombre de réponses des cellules affichées du type (de … à …). « n<{n} » : groupe "
        "trop petit pour un pourcentage. À droite : test de l'écart de soutien entre types "
        "(voir la feuille Méthode).",
        "en": "Share of the respondents of each type who rate the issue as important; “n=”: "
        "number of answers of the type's shown cells (from … to …). “n<{n}”: group too small "
        "for a percentage. On the right: test of the support gap between types (see the "
        "Method sheet).",
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
    "paroles_title": {
        "fr": "Paroles d'acteurs : ce que disent les réponses libres",
        "en": "In their own words: what the free answers say",
    },
    "paroles_note": {
        "fr": "Réponses libres masquées (noms, courriels, téléphones, adresses, numéros). "
        "Chaque citation est attribuée par type d'acteur, et par commune seulement quand au "
        "moins {n} répondants ont ce type et cette commune. Mots réduits à leur lemme "
        "(simplemma), mots vides retirés ; un mot écrit par un seul répondant n'est pas "
        "montré. Mot spécifique : un type l'emploie plus que les autres au-delà du hasard "
        "(spécificité hypergéométrique de Lafon, −log10 de la probabilité ; 2 = moins d'une "
        "chance sur 100) ; types de moins de {n} répondants non détaillés.",
        "en": "Free answers masked (names, e-mails, phones, addresses, numbers). Each quote "
        "is attributed by actor type, and by commune only when at least {n} respondents share "
        "that type and commune. Words reduced to their lemma (simplemma), stop words removed; "
        "a word written by a single respondent is not shown. Specific word: a type uses it "
        "more than the others beyond chance (Lafon's hypergeometric specificity, −log10 of "
        "the probability; 2 = less than a 1 in 100 chance); types of fewer than {n} "
        "respondents not detailed.",
    },
    "paroles_themes": {"fr": "Thèmes codés", "en": "Coded themes"},
    "paroles_words": {"fr": "Mots les plus employés", "en": "Most used words"},
    "paroles_no_specific": {
        "fr": "Aucun mot n'est employé par un type nettement plus que par les autres "
        "(spécificité d'au moins 2).",
        "en": "No word is used by one type clearly more than by the others (specificity of "
        "at least 2).",
    },
    "paroles_specific": {
        "fr": "Mots spécifiques à chaque type d'acteurs",
        "en": "Words specific to each actor type",
    },
    "paroles_headers": {
        "fr": {
            "quotes": {
                "theme": "Thème",
                "text": "Citation",
                "who": "Qui",
                "chosen": "Choisie par le consultant",
            },
            "themes": {"theme": "Thème", "total": "Répondants"},
            "words": {"question": "Question", "lemma": "Mot", "count": "Emplois"},
            "specific": {
                "question": "Question",
                "words": "Mots spécifiques (spécificité)",
                "actor_type": "Type d'acteurs",
            },
        },
        "en": {
            "quotes": {
                "theme": "Theme",
                "text": "Quote",
                "who": "Who",
                "chosen": "Chosen by the consultant",
            },
            "themes": {"theme": "Theme", "total": "Respondents"},
            "words": {"question": "Question", "lemma": "Word", "count": "Uses"},
            "specific": {
                "question": "Question",
                "words": "Specific words (specificity)",
                "actor_type": "Actor type",
            },
        },
    },
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
    "anomalies_summary": {
        "fr": "Résumé par problème (le détail suit, une ligne par fichier, colonne et problème)",
        "en": "Summary by problem (the detail follows, one line per file, column and problem)",
    },
    "anomalies_summary_headers": {
        # in the columns of the detail below: the problem under the detail's « Problème »
        "fr": {
            "files": "Fichiers",
            "lines": "Lignes du détail",
            "rows": "Lignes ou colonnes concernées",
            "action": "Suite donnée",
            "problem": "Problème",
        },
        "en": {
            "files": "Files",
            "lines": "Lines of the detail",
            "rows": "Rows or columns concerned",
            "action": "Action taken",
            "problem": "Problem",
        },
    },
    "anomalies_detail": {
        "fr": "Détail",
        "en": "Detail",
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
