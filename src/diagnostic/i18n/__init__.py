"""User-facing texts in French (the default) and English, looked up by key.

The analyses write their sentences (reasons, explanations, AFOM evidence…) through
`text`, and their coded values (issue profiles, quadrants, trends…) through `label`, in
the language of ``Settings.language``. A key or a value without English stays French.

>>> text("issues.cited", "en", n=2, total=3, low=40, s="s")
'cited by 2 of 3 actor types (min 40%)'
>>> label("clivant", "en"), label("clivant", "fr")
('divisive', 'clivant')
"""

from __future__ import annotations

from datetime import date

LANGUAGES = ("fr", "en")

#: English of the values the analyses put in their tables; the French value is the code.
VALUES_EN = {
    # issue profiles (issue_ranking.tag)
    "transversal": "cross-cutting",
    "spécifique à un groupe": "specific to one group",
    "clivant": "divisive",
    "peu partagé": "little shared",
    # regard croisé quadrants
    "enjeu confirmé": "confirmed issue",
    "perçu non objectivé": "perceived, not measured",
    "sous-estimé": "underrated",
    "non prioritaire": "not a priority",
    # sources and categories of the AFOM (SWOT)
    "enquête": "survey",
    "indicateur": "indicator",
    "atelier": "workshop",
    "paroles": "own words",
    "atouts": "strengths",
    "faiblesses": "weaknesses",
    "opportunités": "opportunities",
    "menaces": "threats",
    # workshop trends
    "gagne du terrain": "gaining ground",
    "perd du terrain": "losing ground",
    "stable": "stable",
    # opportunity statuses (the French values are those stored and read back)
    "à valider": "to validate",
    "validé": "validated",
    "écarté": "rejected",
    "en cours": "ongoing",
    # opportunity flags and group methods
    "risque de concurrence": "risk of competition",
    "enjeu": "issue",
    # divergence tests
    "khi-deux": "chi-squared",
    "aucun (moins de deux types comparables)": "none (fewer than two comparable types)",
}
_CODES = {en: fr for fr, en in VALUES_EN.items()}

#: Sentences and fragments written by the analyses, by key: {"fr": …, "en": …}.
TEXTS = {
    # issues.py: why an issue got its profile
    "issues.none": {
        "fr": "aucun type d'acteurs n'atteint la taille minimale pour être comparé",
        "en": "no actor type reaches the minimum size to be compared",
    },
    "issues.spoken": {
        "fr": " ; évoqué spontanément par {n} répondant(s) dans les réponses libres",
        "en": "; raised unprompted by {n} respondent(s) in the free answers",
    },
    "issues.cited": {
        "fr": "cité par {n} type{s} d'acteurs sur {total} (min {low:.0f} %)",
        "en": "cited by {n} of {total} actor types (min {low:.0f}%)",
    },
    "issues.intensity": {
        "fr": ", importance médiane {intensity:g}/{k}",
        "en": ", median importance {intensity:g}/{k}",
    },
    "issues.gap": {
        "fr": " ; écart significatif de {gap:.0f} points entre {hi} et {lo}",
        "en": "; significant gap of {gap:.0f} points between {hi} and {lo}",
    },
    "issues.gap_global": {
        "fr": " ; écart de {gap:.0f} points entre types, significatif globalement (aucune "
        "paire de types ne se distingue seule)",
        "en": "; gap of {gap:.0f} points between types, significant overall (no single pair "
        "of types stands out)",
    },
    "issues.carried": {"fr": " ; porté par : {who}", "en": "; carried by: {who}"},
    # cooperation.py: explanations of the opportunities
    "coop.who": {"fr": "l'acteur {id} ({kind})", "en": "actor {id} ({kind})"},
    "coop.no_type": {"fr": "type non précisé", "en": "unspecified type"},
    "coop.places": {
        "fr": (
            "dans la même commune",
            "dans la même intercommunalité",
            "commune non connue",
            "dans le territoire",
        ),
        "en": (
            "in the same commune",
            "in the same intercommunality",
            "commune unknown",
            "in the territory",
        ),
    },
    "coop.km": {"fr": " (à {km} km)", "en": " ({km} km away)"},
    "coop.willing": {"fr": "prêt à coopérer", "en": "ready to cooperate"},
    "coop.maybe": {"fr": "peut-être prêt à coopérer", "en": "maybe ready to cooperate"},
    "coop.unknown": {"fr": "sans réponse", "en": "no answer"},
    "coop.both_unknown": {
        "fr": "Aucun des deux n'a dit s'il voulait coopérer.",
        "en": "Neither said whether they would cooperate.",
    },
    "coop.both": {"fr": "Les deux sont prêts à coopérer.", "en": "Both are ready to cooperate."},
    "coop.willingness": {
        "fr": "Volonté de coopérer : {a} et {b}.",
        "en": "Willingness to cooperate: {a} and {b}.",
    },
    "coop.rival": {
        "fr": " Attention : même secteur dans la même commune, risque de concurrence.",
        "en": " Caution: same sector in the same commune, risk of competition.",
    },
    "coop.direct": {
        "fr": "{need} a besoin de « {category} » ; {offer} en propose, {where}. ",
        "en": "{need} needs “{category}”; {offer} offers it, {where}. ",
    },
    "coop.reciprocal": {
        "fr": "Échange possible dans les deux sens : {offer} peut apporter « {give} » à {need}, "
        "qui peut lui apporter « {take} », {where}. ",
        "en": "Two-way exchange possible: {offer} can bring “{give}” to {need}, who can bring "
        "“{take}” in return, {where}. ",
    },
    "coop.mix": {"fr": "{n} « {kind} »", "en": "{n} “{kind}”"},
    "coop.mix_sep": {"fr": " ; ", "en": "; "},
    "coop.need": {"fr": "ont besoin de « {category} »", "en": "need “{category}”"},
    "coop.offer": {"fr": "proposent « {category} »", "en": "offer “{category}”"},
    "coop.offer_near": {
        "fr": "proposent dans la même intercommunalité « {category} »",
        "en": "offer “{category}” in the same intercommunality",
    },
    "coop.group": {
        "fr": "{n} acteurs ({mix}) {what} : une mise en commun est à étudier en atelier.",
        "en": "{n} actors ({mix}) {what}: pooling is worth studying in a workshop.",
    },
    # projects.py: cooperation projects a workshop can act on
    "proj.more": {"fr": "{names} et {n} autre{s}", "en": "{names} and {n} other{s}"},
    "proj.and": {"fr": " et ", "en": " and "},
    "proj.mutualisation": {
        "fr": "{n} acteurs ({mix}) de {where} ont besoin de « {resource} » et peuvent le "
        "mutualiser",
        "en": "{n} actors ({mix}) from {where} need “{resource}” and can pool it",
    },
    "proj.pret_don": {
        "fr": "{offer} de {where} {can} apporter « {resource} » à {need} qui en {have} besoin "
        "({mix} en tout)",
        "en": "{offer} from {where} {can} bring “{resource}” to {need} who {have} a need for it "
        "({mix} in all)",
    },
    "proj.can": {"fr": ("peut", "peuvent"), "en": ("can", "can")},
    "proj.have": {"fr": ("a", "ont"), "en": ("has", "have")},
    "proj.echange": {
        "fr": "deux acteurs ({mix}) de {where} peuvent échanger : l'un apporte « {give} », "
        "l'autre « {take} »",
        "en": "two actors ({mix}) from {where} can swap: one brings “{give}”, the other “{take}”",
    },
    "proj.actors": {"fr": "{n} acteur{s}", "en": "{n} actor{s}"},
    "proj.one_actor": {"fr": "un acteur", "en": "one actor"},
    "proj.willing": {"fr": "{n} prêt{s} à coopérer", "en": "{n} ready to cooperate"},
    "proj.maybe": {"fr": "{n} peut-être", "en": "{n} maybe"},
    "proj.unknown": {
        "fr": "{n} sans réponse sur la coopération",
        "en": "{n} did not say whether they would cooperate",
    },
    "proj.sentence": {"fr": "{what} ; {will}.", "en": "{what}; {will}."},
    "proj.first_step.mutualisation": {
        "fr": "Réunir les {n} structures pour chiffrer le besoin commun de « {resource} » et "
        "choisir celle qui portera la démarche.",
        "en": "Bring the {n} organisations together to size their common need for "
        "“{resource}” and choose the one that will carry it.",
    },
    "proj.first_step.pret_don": {
        "fr": "Présenter {offer} {need} pour convenir des conditions (prêt, don, tarif, "
        "calendrier) de « {resource} ».",
        "en": "Introduce {offer} {need} to agree on the terms (loan, gift, price, "
        "schedule) for “{resource}”.",
    },
    "proj.first_step.echange": {
        "fr": "Organiser une rencontre des deux structures pour convenir de l'échange "
        "« {give} » contre « {take} ».",
        "en": "Arrange a meeting of the two organisations to agree on swapping “{give}” "
        "for “{take}”.",
    },
    "proj.the_offerer": {"fr": "la structure qui le propose", "en": "the organisation offering it"},
    "proj.the_offerers": {
        "fr": "les {n} structures qui le proposent",
        "en": "the {n} organisations offering it",
    },
    "proj.the_needer": {"fr": "à celle qui en a besoin", "en": "to the one that needs it"},
    "proj.the_needers": {"fr": "aux {n} qui en ont besoin", "en": "to the {n} that need it"},
    "proj.unknown_place": {"fr": "communes non précisées", "en": "unspecified communes"},
    # a project's members generalised to « autres communes » by the public view
    "proj.other_places": {"fr": "autres communes", "en": "other communes"},
    # members generalised to their EPCI: beside named communes, and alone
    "proj.epci_others": {"fr": "autres communes de la {epci}", "en": "other communes of {epci}"},
    "proj.epci_all": {"fr": "la {epci}", "en": "the {epci}"},
    # divergence.py
    "similarity": {
        "fr": "« {a} » et « {b} » partagent {share:.0f} % de leurs priorités",
        "en": "“{a}” and “{b}” share {share:.0f}% of their priorities",
    },
    # synthesis.py: AFOM (SWOT) items and evidence
    "afom.transversal": {
        "fr": "Enjeu transversal : {reason}",
        "en": "Cross-cutting issue: {reason}",
    },
    "afom.spoken": {
        "fr": "évoqué spontanément par {n} répondants dans leurs réponses libres",
        "en": "raised unprompted by {n} respondents in their free answers",
    },
    "paroles.someone": {"fr": "un acteur", "en": "an actor"},
    "paroles.from_commune": {"fr": "{kind}, {commune}", "en": "{kind}, {commune}"},
    "afom.disagreement": {"fr": "Désaccord sur : {label}", "en": "Disagreement on: {label}"},
    "afom.divisive": {
        "fr": "Enjeu clivant, écart confirmé par un test entre types : {reason}",
        "en": "Divisive issue, gap borne out by a test between types: {reason}",
    },
    "afom.gap": {
        "fr": "écart à la référence {gap}, soutien {support:.0f} %",
        "en": "gap to the reference {gap}, support {support:.0f}%",
    },
    "afom.values": {
        "fr": "{indicator} : {area} contre {reference} ({name}), {evidence}",
        "en": "{indicator}: {area} against {reference} ({name}), {evidence}",
    },
    "afom.confirmed": {
        "fr": "Enjeu confirmé par les chiffres : {evidence}",
        "en": "Issue confirmed by the figures: {evidence}",
    },
    "afom.underrated": {"fr": "Enjeu sous-estimé : {label}", "en": "Underrated issue: {label}"},
    "afom.better": {
        "fr": "Situation plus favorable que la référence ; {evidence}",
        "en": "Better off than the reference; {evidence}",
    },
    "afom.resource": {
        "fr": "Ressource disponible : {category}",
        "en": "Available resource: {category}",
    },
    "afom.offered": {
        "fr": "proposée par {n} acteurs proches",
        "en": "offered by {n} nearby actors",
    },
    "afom.reciprocal": {
        "fr": "Échanges réciproques entre acteurs",
        "en": "Reciprocal exchanges between actors",
    },
    "afom.pairs": {
        "fr": "{n} paires d'acteurs peuvent chacune apporter quelque chose à l'autre",
        "en": "{n} pairs of actors can each bring something to the other",
    },
    "afom.pairs_at_least": {
        "fr": "au moins {n} paires d'acteurs peuvent chacune apporter quelque chose à l'autre "
        "(liste publiée limitée aux meilleurs échanges)",
        "en": "at least {n} pairs of actors can each bring something to the other "
        "(published list limited to the best exchanges)",
    },
    "afom.mutualisation": {"fr": "Mutualisation : {category}", "en": "Shared need: {category}"},
    "afom.shared_need": {"fr": "besoin partagé par {n} acteurs", "en": "need shared by {n} actors"},
    "afom.momentum": {
        "fr": "Mobilisation en atelier : {label}",
        "en": "Workshop momentum: {label}",
    },
    "afom.gained": {
        "fr": "{shift} rang(s) gagné(s) entre l'enquête et l'atelier ({share:.0f} % des gommettes)",
        "en": "{shift} place(s) gained between the survey and the workshop "
        "({share:.0f}% of the dots)",
    },
    # workshop.py: survey and workshop rankings compared
    "ranks.few": {
        "fr": "trop peu d'enjeux pour comparer enquête et atelier",
        "en": "too few issues to compare survey and workshop",
    },
    "ranks.spearman": {
        "fr": "Classements de l'enquête et de l'atelier : corrélation de Spearman "
        "{rho:.2f} sur {n} enjeux",
        "en": "Survey and workshop rankings: Spearman correlation {rho:.2f} over {n} issues",
    },
    "ranks.up": {"fr": " ; gagnent du terrain : {labels}", "en": "; gaining ground: {labels}"},
    "ranks.down": {"fr": " ; perdent du terrain : {labels}", "en": "; losing ground: {labels}"},
    # clusters.py: groups of actors
    "groups.issue": {"fr": "Acteurs mobilisés sur : {label}", "en": "Actors mobilised on: {label}"},
    "groups.no_network": {
        "fr": "{method} (analyse de réseau non faite : {why})",
        "en": "{method} (no network analysis: {why})",
    },
    "groups.few": {
        "fr": "trop peu d'acteurs ({n} < {least})",
        "en": "too few actors ({n} < {least})",
    },
    "groups.many": {"fr": "trop d'acteurs ({n} > {most})", "en": "too many actors ({n} > {most})"},
    "groups.method": {
        "fr": "réseau (Louvain, {runs} graines, noyau stable {stability})",
        "en": "network (Louvain, {runs} seeds, stable core {stability})",
    },
    "groups.network": {
        "fr": "Réseau d'acteurs autour de : {issues}",
        "en": "Actor network around: {issues}",
    },
    "groups.various": {"fr": "enjeux variés", "en": "various issues"},
    # plots.py: the figures of the HTML report
    "plot.respondents": {"fr": "Répondants", "en": "Respondents"},
    "plot.responding": {"fr": "Acteurs répondants", "en": "Responding actors"},
    "plot.unspecified": {"fr": "non précisé", "en": "unspecified"},
    # the public view of the actors (privacy.disclosure)
    "privacy.others": {"fr": "Autres types d'acteurs", "en": "Other actor types"},
    "privacy.other_communes_of": {
        "fr": "Autres communes de {epci}",
        "en": "Other communes of {epci}",
    },
    "privacy.other_communes": {
        "fr": "Autres communes (ou commune non placée)",
        "en": "Other communes (or commune not placed)",
    },
    "privacy.other_sector": {"fr": "Autre secteur", "en": "Other sector"},
    "privacy.hidden_count": {"fr": "moins de {n}", "en": "fewer than {n}"},
    # kinds of node of the cooperation graph, as exported to Gephi and Kumu
    "network.actor": {"fr": "acteur", "en": "actor"},
    "network.issue": {"fr": "enjeu", "en": "issue"},
    "network.resource": {"fr": "ressource", "en": "resource"},
    "plot.hover_respondents": {
        "fr": "%{{y}} : %{{x}} répondants<extra></extra>",
        "en": "%{{y}}: %{{x}} respondents<extra></extra>",
    },
    "plot.support": {"fr": "Soutien", "en": "Support"},
    "plot.hover_support": {
        "fr": "<b>%{{y}}</b><br>Soutien : %{{x:.0%}} (%{{customdata[2]}} répondants)<br>"
        "%{{customdata[0]}} — %{{customdata[1]}}<extra></extra>",
        "en": "<b>%{{y}}</b><br>Support: %{{x:.0%}} (%{{customdata[2]}} respondents)<br>"
        "%{{customdata[0]}} — %{{customdata[1]}}<extra></extra>",
    },
    "plot.words": {"fr": "Mots", "en": "Words"},
    "plot.words_axis": {
        "fr": "Nombre d'emplois dans les réponses libres",
        "en": "Times used in the free answers",
    },
    "plot.support_axis": {
        "fr": "Part des répondants qui jugent l'enjeu important (intervalle de confiance à 95 %)",
        "en": "Share of the respondents who rate the issue as important (95% confidence interval)",
    },
    "plot.heatmap": {"fr": "Soutien par type d'acteurs", "en": "Support by actor type"},
    "plot.too_small": {"fr": "Groupe trop petit", "en": "Group too small"},
    "plot.hover_small": {
        "fr": "%{{y}}<br>%{{x}} : moins de {n} répondants, non affiché<extra></extra>",
        "en": "%{{y}}<br>%{{x}}: fewer than {n} respondents, not shown<extra></extra>",
    },
    "plot.heatmap_note": {
        "fr": "Enjeux classés du plus consensuel au plus clivant ; en gris, "
        "groupes de moins de {n} répondants",
        "en": "Issues from the most consensual to the most divisive; in grey, "
        "groups of fewer than {n} respondents",
    },
    "plot.slope": {
        "fr": ("Priorités : enquête et atelier", "Enquête", "Atelier"),
        "en": ("Priorities: survey and workshop", "Survey", "Workshop"),
    },
    "plot.regard": {
        "fr": "Regard croisé : perception et statistiques",
        "en": "Cross-check: perception and statistics",
    },
    "plot.reference": {"fr": "la référence", "en": "the reference"},
    "plot.hover_regard": {
        "fr": "<b>%{{text}}</b><br>Soutien : %{{y:.0%}}<br>%{{customdata[0]}} : "
        "écart de %{{x:+.0%}} à %{{customdata[1]}}<extra></extra>",
        "en": "<b>%{{text}}</b><br>Support: %{{y:.0%}}<br>%{{customdata[0]}}: "
        "gap of %{{x:+.0%}} to %{{customdata[1]}}<extra></extra>",
    },
    "plot.corners": {
        "fr": ("Enjeu confirmé", "Perçu non objectivé", "Sous-estimé", "Non prioritaire"),
        "en": ("Confirmed issue", "Perceived, not measured", "Underrated", "Not a priority"),
    },
    "plot.regard_note": {
        "fr": "Écart à la référence : positif quand le territoire est en moins bonne situation",
        "en": "Gap to the reference: positive when the territory is worse off",
    },
    "plot.regard_axes": {
        "fr": ("Écart statistique à la référence", "Soutien des acteurs"),
        "en": ("Statistical gap to the reference", "Actors' support"),
    },
    # plots.py: the projects' map and the projects × resources matrix
    "plot.project_map": {"fr": "Carte des projets", "en": "Map of the projects"},
    "plot.project_map_note": {
        "fr": "Communes des membres de chaque projet (taille : nombre de membres)",
        "en": "Communes of each project's members (size: number of members)",
    },
    "plot.hover_project_map": {
        "fr": "<b>%{{customdata[0]}}</b><br>%{{customdata[1]}} : %{{customdata[2]}} "
        "membre(s)<extra></extra>",
        "en": "<b>%{{customdata[0]}}</b><br>%{{customdata[1]}}: %{{customdata[2]}} "
        "member(s)<extra></extra>",
    },
    "plot.project_matrix": {"fr": "Projets × ressources", "en": "Projects × resources"},
    "plot.project_matrix_note": {
        "fr": "Membres de chaque projet qui ont besoin de chaque ressource / qui l'offrent "
        "(en gras : la ressource du projet)",
        "en": "Members of each project who need each resource / who offer it "
        "(bold: the project's resource)",
    },
    "plot.hover_project_matrix": {
        "fr": "<b>%{{y}}</b><br>%{{x}} : %{{customdata[0]}} en ont besoin, "
        "%{{customdata[1]}} l'offrent<extra></extra>",
        "en": "<b>%{{y}}</b><br>%{{x}}: %{{customdata[0]}} need it, "
        "%{{customdata[1]}} offer it<extra></extra>",
    },
    "plot.members": {"fr": "Membres", "en": "Members"},
    # maps of the report, the app and the workbook
    "map.participation": {
        "fr": "Acteurs répondants par commune",
        "en": "Responding actors by commune",
    },
    "map.participation_note": {
        "fr": "Moins de {n} répondants : nombre non affiché. Hors de la carte : {out} acteurs "
        "sans commune ou d'une autre commune.",
        "en": "Fewer than {n} respondents: number not shown. Off the map: {out} actors "
        "without a commune or from another commune.",
    },
    "map.none": {"fr": "aucun répondant", "en": "no respondent"},
    "map.fewer": {"fr": "moins de {n}", "en": "fewer than {n}"},
    "map.range": {"fr": "{low} à {high}", "en": "{low} to {high}"},
    "map.more": {"fr": "{low} ou plus", "en": "{low} or more"},
    "map.indicator_note": {
        "fr": "Par commune ; source : {source}.",
        "en": "By commune; source: {source}.",
    },
    "map.no_value": {"fr": "non disponible", "en": "not available"},
    # cli.py: what `diagnostic run` says while it works
    "cli.reading": {"fr": "Lecture du projet {file} …", "en": "Reading the project {file} …"},
    "cli.account": {
        "fr": "  {file} : {read} lignes lues, {loaded} chargées, {rejected} rejetées",
        "en": "  {file}: {read} rows read, {loaded} loaded, {rejected} rejected",
    },
    "cli.summary": {
        "fr": "  {actors} acteurs, {issues} enjeux, {leads} pistes de coopération "
        "regroupées en {projects} projets, {anomalies} anomalies",
        "en": "  {actors} actors, {issues} issues, {leads} cooperation leads "
        "grouped into {projects} projects, {anomalies} anomalies",
    },
    "cli.decisions": {
        "fr": "  Décisions de l'atelier sur les projets relues dans {file}",
        "en": "  Workshop decisions on the projects read from {file}",
    },
    "category.other": {"fr": "Autre", "en": "Other"},
    "cli.written": {
        "fr": "Écrit : {workbook}, {html}, {tables}/",
        "en": "Written: {workbook}, {html}, {tables}/",
    },
}


def lookup(catalogue: dict, key: str, language: str = "fr", /, **values):
    """The `key` entry of `catalogue` in `language` (French when it has none), filled in.

    An entry is a text (filled with ``str.format(**values)``) or any other value (a tuple,
    a dict of headers) returned as it is.
    """
    entry = catalogue[key]
    template = entry.get(language, entry["fr"])
    return template.format(**values) if isinstance(template, str) else template


#: The columns of the result tables that hold codes (the French word is the code): they are
#: put in words only at the edge (exports, plots, apps), by `localize`.
CODED_COLUMNS = {
    "issue_ranking": ("tag",),
    "divergence": ("test",),
    "clusters": ("method",),
    "opportunities": ("flags",),
    "shared_priorities": ("trend",),
    "regard_croise": ("quadrant",),
    "afom": ("category", "source"),
}


def localize(frame, table: str, language: str = "fr"):
    """`frame` (a result table) with its coded columns in the words of `language`.

    >>> import pandas as pd
    >>> localize(pd.DataFrame({"tag": ["clivant"]}), "issue_ranking", "en")["tag"].tolist()
    ['divisive']
    """
    columns = [c for c in CODED_COLUMNS.get(table, ()) if c in frame.columns]
    if language == "fr" or not columns:
        return frame
    return frame.assign(
        **{c: frame[c].map(lambda v: label(v, language)).astype(frame[c].dtype) for c in columns}
    )


def text(key: str, language: str = "fr", /, **values):
    """A sentence of the analyses (see `TEXTS`) in `language`, filled with `values`."""
    return lookup(TEXTS, key, language, **values)


def label(value, language: str = "fr"):
    """The display of a coded value (French code) in `language`; unknown values unchanged."""
    return VALUES_EN.get(value, value) if language == "en" and isinstance(value, str) else value


def code(value):
    """The French code of a value displayed in either language (reading a file back)."""
    return _CODES.get(value, value) if isinstance(value, str) else value


def decimal(x: float, digits: int = 1, language: str = "fr") -> str:
    """A number with thousands separators: « 1 234,5 » in French, "1,234.5" in English."""
    text_ = f"{float(x):,.{digits}f}"
    return text_ if language == "en" else text_.replace(",", "\u202f").replace(".", ",")


def percent(x: float, digits: int = 1, language: str = "fr") -> str:
    """A share as a percentage: « 75,0 % » in French, "75.0%" in English."""
    value = f"{float(x) * 100:.{digits}f}"
    return f"{value}%" if language == "en" else f"{value} %".replace(".", ",")


def signed_percent(x: float, language: str = "fr") -> str:
    """A signed relative gap: « + 25 % » / « − 3 % » in French, "+25%" / "−3%" in English."""
    if language == "en":
        return f"{x * 100:+.0f}%".replace("-", "−")
    return f"{x * 100:+.0f} %".replace("+", "+ ").replace("-", "− ")


def day(when: date, language: str = "fr") -> str:
    """A date as a reader of `language` writes it: 03/05/2025 or 2025-05-03 (ISO)."""
    return when.isoformat() if language == "en" else when.strftime("%d/%m/%Y")
