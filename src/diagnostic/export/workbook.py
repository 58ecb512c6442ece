"""The funder workbook: self-documented, pseudonymised, safe to open."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd

from diagnostic.cooperation import KIND_LABELS, STATUSES
from diagnostic.export.book import open_book
from diagnostic.export.cells import (
    BOLD, DARK, DECIMAL, GREY, HEADER, INTEGER, NOTE, PERCENT, print_setup, put, write_title,
)
from diagnostic.export.data_sheet import write_data
from diagnostic.export.frames import beside_table, write_frame
from diagnostic.export.privacy import mask_text
from diagnostic.export.synthesis_sheets import (
    write_afom, write_portrait, write_priorities, write_regard,
)
from diagnostic.labels import relabel, role_labels
from diagnostic.progress import bar

#: Every sheet, in order; « Priorités partagées » only when a workshop was held (votes).
SHEETS = ["Sommaire", "Méthode", "Participation", "Portrait du territoire", "Enjeux communs",
          "Convergences", "AFOM", "Regard croisé", "Pistes de coopération", "Groupes d'acteurs",
          "Priorités partagées", "Données", "Dictionnaire", "Anomalies"]
WORKSHOP_SHEET = "Priorités partagées"
REGARD_SHEET = "Regard croisé"  # only when the project links issues to indicators
SHEET_PURPOSE = {
    "Méthode": "Sources, réglages et limites de l'analyse",
    "Participation": "Qui a répondu, où, rapporté à la population",
    "Portrait du territoire": "La zone d'étude comparée à son EPCI, son département, sa région, la France",
    "Enjeux communs": "Classement des enjeux partagés entre types d'acteurs",
    "Convergences": "Soutien de chaque enjeu par type d'acteurs",
    "AFOM": "Atouts, faiblesses, opportunités, menaces, avec leur source",
    "Regard croisé": "Perception des enjeux par les acteurs face aux écarts statistiques",
    "Pistes de coopération": "Besoins et offres qui se rencontrent, à valider en atelier",
    "Groupes d'acteurs": "Acteurs réunis autour d'enjeux communs",
    "Priorités partagées": "Classement de l'enquête comparé aux votes de l'atelier",
    "Données": "Réponses pseudonymisées (une ligne par acteur, une colonne par question)",
    "Dictionnaire": "Chaque question, son type, ses choix et son rôle",
    "Anomalies": "Problèmes rencontrés à la lecture et suite donnée",
}


def to_workbook(diag, path, *, include_personal: bool = False) -> Path:
    """Write the funder workbook to `path` (atomically) and return the path.

    Parameters
    ----------
    diag : Diagnostic
    include_personal : bool
        Add respondents' names and contacts (a warning sheet says so). Off by default.
    """
    path = Path(path)
    base = f"Base : {len(diag.actors)} acteurs répondants"
    today = date.today().strftime("%d/%m/%Y")
    source = f"Source : enquête « {diag.project.title} », traitement diagnostic du {today}"
    with open_book(path) as book:
        summary = book.sheet(SHEETS[0])  # filled last, when every sheet is known
        if include_personal:
            _personal(book, book.sheet("Données personnelles"), diag)
        sheet = book.sheet
        writers = [
            ("Méthode", lambda: _method(book, sheet("Méthode"), diag)),
            ("Participation", lambda: _participation(book, sheet("Participation"), diag, base,
                                                     source)),
            ("Portrait", lambda: write_portrait(book, sheet("Portrait du territoire"), diag,
                                                source)),
            ("Enjeux", lambda: _ranking(book, sheet("Enjeux communs"), diag, base, source)),
            ("Convergences", lambda: _matrix(book, sheet("Convergences"), diag, source)),
            ("AFOM", lambda: write_afom(book, sheet("AFOM"), diag, source)),
            (REGARD_SHEET, lambda: write_regard(book, sheet(REGARD_SHEET), diag, source)),
            ("Pistes", lambda: _opportunities(book, sheet("Pistes de coopération"), diag, source)),
            ("Groupes", lambda: _clusters(book, sheet("Groupes d'acteurs"), diag, source)),
            (WORKSHOP_SHEET, lambda: write_priorities(book, sheet(WORKSHOP_SHEET), diag, source)),
            ("Données", lambda: write_data(book, diag, source)),  # and its continuation sheets
            ("Dictionnaire", lambda: _dictionary(book, sheet("Dictionnaire"), diag)),
            ("Anomalies", lambda: _anomalies(book, sheet("Anomalies"), diag)),
        ]
        skip = {REGARD_SHEET: not len(diag.regard_croise), WORKSHOP_SHEET: not len(diag.votes)}
        writers = [(name, write) for name, write in writers if not skip.get(name)]
        with bar(total=len(writers), description="Classeur", unit="feuille") as done:
            for name, write in writers:
                done.set_postfix_str(name, refresh=False)
                write()
                done.update()
        sheets = book.workbook.worksheets()
        _summary(book, summary, diag, source, [ws.name for ws in sheets[1:]])
        for ws in sheets:
            data = ws.name.startswith("Données") and ws.name != "Données personnelles"
            print_setup(ws, scale=70 if data else None)  # data: too wide for one page
    return path


def _summary(book, ws, diag, source, names):
    put(ws, 0, 0, diag.project.title, book.format({"font_size": 16, "bold": True,
                                                   "font_color": DARK}))
    put(ws, 1, 0, source, book.format(NOTE))
    put(ws, 2, 0, "Les acteurs sont désignés par un identifiant pseudonyme (A-xxxxxxxx) ; "
                  "aucun nom, courriel ni téléphone ne figure dans ce classeur.",
        book.format(NOTE))
    put(ws, 4, 0, "Feuille", book.format(BOLD))
    put(ws, 4, 1, "Contenu", book.format(BOLD))
    for i, name in enumerate(names, start=5):
        ws.write_url(i, 0, f"internal:'{name}'!A1", string=name)
        put(ws, i, 1, SHEET_PURPOSE.get(name.split(" (")[0], ""))
    ws.set_column(0, 0, 28)
    ws.set_column(1, 1, 70)


def _method(book, ws, diag):
    start = write_title(book, ws, "Méthode", [
        "Enjeux : part des répondants qui jugent l'enjeu important (niveaux du haut de l'échelle), "
        "« ne sait pas » exclu ; intervalle de confiance de Wilson à 95 %.",
        "Chaque type d'acteurs pèse autant dans la moyenne par type, quel que soit son effectif ; "
        "classement : nombre de types qui partagent l'enjeu, puis soutien moyen par type, puis "
        "importance médiane.",
        "Consensus : indice de Tastle et Wierman (1 = unanimité, 0 = opposition complète).",
        f"Les groupes de moins de {diag.settings.min_group_size} répondants ne sont jamais "
        "affichés en pourcentage (« n<…»).",
        "Territoire : communes et populations légales d'après le découpage administratif "
        "d'Etalab (Licence Ouverte, source : Insee).",
        "Données : une ligne par acteur ; au-delà de la limite d'Excel (1 048 576 lignes par "
        "feuille), les lignes continuent sur « Données (2) », « Données (3) »…",
    ])
    rows = pd.DataFrame(diag.settings.describe(), columns=["name", "value", "description"])
    rows["value"] = rows["value"].astype(str)
    write_frame(book, ws, rows, start,
                {"description": "Réglage", "value": "Valeur", "name": "Nom"},
                widths={"description": 70}, filters=False)


def _participation(book, ws, diag, base, source):
    start = write_title(book, ws, "Participation à l'enquête", [base, source])
    types = role_labels(diag.questions, diag.choices, "actor_type")
    table = diag.participation.assign(actor_type=relabel(diag.participation["actor_type"], types))
    by_type = relabel(diag.actors["actor_type"], types).fillna("non précisé").value_counts()
    counts = pd.DataFrame({"Type d'acteurs": by_type.index, "Répondants": by_type.to_numpy()})
    col = 8  # the counts by type, beside the table, feed the chart
    write_frame(book, ws, table, start, {
        "commune": "Commune", "commune_code": "Code commune", "population": "Population",
        "actor_type": "Type d'acteurs", "respondents": "Répondants",
        "per_1000_inhabitants": "Répondants pour 1 000 hab."},
        {"population": INTEGER, "respondents": INTEGER, "per_1000_inhabitants": DECIMAL},
        beside=beside_table(counts, start, col, {"Répondants": INTEGER}))
    if len(counts):
        rows = (start + 1, start + len(counts))
        book.bar_chart(ws, "Répondants par type d'acteurs", name=(start, col + 1),
                       values=(*rows, col + 1), categories=(*rows, col), size_cm=(14, 7),
                       anchor=(start, 11))


def _ranking(book, ws, diag, base, source):
    q = diag.questions[diag.questions["role"] == "issue_importance"]["label"]
    question = q.iloc[0] if len(q) else "enjeux cités"
    start = write_title(book, ws, "Enjeux communs, du plus partagé au moins partagé", [
        f"Question : « {question.split(' : ')[0]} » ; {base}", source])
    table = diag.issue_ranking
    headers = {
        "rank": "Rang", "label": "Enjeu", "theme": "Thème", "respondents": "Répondants",
        "support": "Soutien", "support_ci_low": "IC 95 % bas", "support_ci_high": "IC 95 % haut",
        "support_by_type_mean": "Soutien moyen par type", "breadth": "Types qui le partagent",
        "min_support": "Soutien minimal", "intensity": "Importance médiane",
        "consensus": "Consensus", "tag": "Profil", "reason": "Explication"}
    first, last = write_frame(
        book, ws, table, start, headers,
        {"support": PERCENT, "support_ci_low": PERCENT, "support_ci_high": PERCENT,
         "support_by_type_mean": PERCENT, "min_support": PERCENT, "consensus": "0.00",
         "respondents": INTEGER},
        widths={"reason": 55, "label": 32, "rank": 6, "theme": 14, "tag": 20,
                "support_ci_low": 11, "support_ci_high": 11, "respondents": 11, "support": 10})
    if len(table):
        cols = [c for c in headers if c in table.columns]
        mean, label = cols.index("support_by_type_mean"), cols.index("label")
        book.bar_chart(ws, "Soutien moyen par type d'acteurs", name=(start, mean),
                       values=(first, last, mean), categories=(first, last, label),
                       size_cm=(24, 2 + 0.8 * len(table)), anchor=(last + 3, 1),
                       percent=True, full_scale=True, top_down=True, gap=40)


def _matrix(book, ws, diag, source):
    m = diag.group_matrix
    n_min = diag.settings.min_group_size
    start = write_title(book, ws, "Convergences : soutien de chaque enjeu par type d'acteurs", [
        f"Part des répondants de chaque type qui jugent l'enjeu important. « n<{n_min} » : "
        "groupe trop petit pour un pourcentage.", source])
    types = sorted(m["actor_type"].unique())
    order = diag.issue_ranking[["issue_id", "label"]]
    names = role_labels(diag.questions, diag.choices, "actor_type")
    sizes = diag.actors["actor_type"].value_counts()
    ws.set_row(start, 32)
    header = book.format(HEADER)
    for j, text in enumerate(["Enjeu"] + [
            f"{names.get(t, t)} (n={int(sizes.get(t, 0))})" for t in types]):
        put(ws, start, j, text, header)
    cells = {(i, t): (s, v) for i, t, s, v in
             m[["issue_id", "actor_type", "suppressed", "support"]].itertuples(index=False)}
    percent, grey = book.format({"num_format": PERCENT}), book.format(GREY)
    for i, issue in enumerate(order.itertuples(), start=start + 1):
        put(ws, i, 0, issue.label)
        for j, t in enumerate(types, start=1):
            if (issue.issue_id, t) not in cells:
                continue
            suppressed, support = cells[issue.issue_id, t]
            if bool(suppressed):
                put(ws, i, j, f"n<{n_min}", grey)
            else:
                put(ws, i, j, support, percent)
    last = start + len(order)
    if len(order) and types:
        ws.conditional_format(start + 1, 1, last, len(types), {
            "type": "2_color_scale", "min_type": "num", "min_value": 0, "min_color": "#F7FBFF",
            "max_type": "num", "max_value": 1, "max_color": "#08519C"})
    ws.set_column(0, 0, 40)
    if types:
        ws.set_column(1, len(types), 22)
    ws.freeze_panes(start + 1, 1)


def _opportunities(book, ws, diag, source):
    start = write_title(book, ws, "Pistes de coopération", [
        "Besoins et offres de ressources qui se rencontrent. Les acteurs qui ont refusé de "
        "coopérer n'apparaissent jamais. Colonne « Statut » : à valider, validé ou écarté.",
        source])
    resources = role_labels(diag.questions, diag.choices, "need")
    table = diag.opportunities.assign(kind=diag.opportunities["kind"].map(KIND_LABELS),
                                      category_code=diag.opportunities["category"],
                                      category=relabel(diag.opportunities["category"], resources))
    headers = {
        "kind": "Type de piste", "category": "Ressource", "explanation": "Explication",
        "actors": "Acteurs", "score": "Score", "score_geo": "Proximité",
        "score_willingness": "Volonté", "score_text": "Précisions", "status": "Statut",
        "category_code": "Code ressource"}
    first, last = write_frame(
        book, ws, table, start, headers,
        {"score": "0.00", "score_geo": "0.00", "score_willingness": "0.00", "score_text": "0.00"},
        widths={"explanation": 80, "actors": 26})
    if len(table):
        status = [c for c in headers if c in table.columns].index("status")
        ws.data_validation(first, status, last, status, {
            "validate": "list", "source": list(STATUSES), "ignore_blank": False,
            "error_title": "Statut", "error_message": "Choisissez : " + ", ".join(STATUSES)})


def _clusters(book, ws, diag, source):
    start = write_title(book, ws, "Groupes d'acteurs autour d'enjeux communs", [
        f"Groupes de moins de {diag.settings.min_group_size} acteurs non affichés.", source])
    write_frame(book, ws, diag.clusters.drop(columns=["actors"]), start, {
        "cluster_id": "Groupe", "label": "Intitulé", "issues": "Enjeux", "size": "Acteurs",
        "actor_types": "Types d'acteurs", "method": "Méthode"}, {"size": INTEGER})


def _dictionary(book, ws, diag):
    start = write_title(book, ws, "Dictionnaire des questions", [
        "Chaque question du questionnaire, son type, sa liste de choix et son rôle dans le "
        "diagnostic."])
    ch = diag.choices.groupby("list_name")["label"].agg(lambda s: " | ".join(map(str, s)))
    table = diag.questions.assign(choices=diag.questions["list_name"].map(ch))
    write_frame(book, ws, table, start, {
        "question_id": "Code", "label": "Libellé", "type": "Type", "role": "Rôle",
        "group": "Groupe", "theme": "Thème", "list_name": "Liste", "choices": "Choix"},
        widths={"label": 60, "choices": 60})


def _anomalies(book, ws, diag):
    start = write_title(book, ws, "Anomalies relevées à la lecture des fichiers", [
        "Chaque problème rencontré, où il se trouve et ce qui a été fait.",
        *[f"{a.file} : {a.rows_read} lignes lues = {a.rows_loaded} chargées + "
          f"{a.rows_rejected} rejetées" for a in diag.accounts]])
    write_frame(book, ws, diag.anomalies.assign(value=diag.anomalies["value"].map(mask_text)),
                start, {"file": "Fichier", "row": "Ligne", "column": "Colonne", "value": "Valeur",
                        "problem": "Problème", "action": "Suite donnée"}, widths={"problem": 70})


def _personal(book, ws, diag):
    ws.set_tab_color("#C00000")
    start = write_title(book, ws, "ATTENTION : données personnelles", [
        "Cette feuille a été ajoutée à la demande expresse de l'utilisateur. Elle contient des "
        "noms et coordonnées : ne pas diffuser."])
    write_frame(book, ws, diag.personal, start,
                {"actor_id": "Acteur", "field": "Champ", "value": "Valeur"})
