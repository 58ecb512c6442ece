"""The funder workbook: self-documented, pseudonymised, safe to open."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.formatting.rule import ColorScaleRule
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.hyperlink import Hyperlink

from diagnostic.cooperation import KIND_LABELS, STATUSES
from diagnostic.export.atomic import save_workbook
from diagnostic.export.cells import (
    DECIMAL, HEADER_FILL, HEADER_FONT, INTEGER, NOTE_FONT, PERCENT, print_setup, put,
    write_frame, write_title,
)
from diagnostic.export.data_sheet import write_data
from diagnostic.export.privacy import mask_text
from diagnostic.export.synthesis_sheets import write_afom, write_portrait, write_priorities
from diagnostic.labels import relabel, role_labels

GREY = PatternFill("solid", fgColor="E6E6E6")

#: Every sheet, in order; « Priorités partagées » only when a workshop was held (votes).
SHEETS = ["Sommaire", "Méthode", "Participation", "Portrait du territoire", "Enjeux communs",
          "Convergences", "AFOM", "Pistes de coopération", "Groupes d'acteurs",
          "Priorités partagées", "Données", "Dictionnaire", "Anomalies"]
WORKSHOP_SHEET = "Priorités partagées"
SHEET_PURPOSE = {
    "Méthode": "Sources, réglages et limites de l'analyse",
    "Participation": "Qui a répondu, où, rapporté à la population",
    "Portrait du territoire": "La zone d'étude comparée à son EPCI, son département, sa région, la France",
    "Enjeux communs": "Classement des enjeux partagés entre types d'acteurs",
    "Convergences": "Soutien de chaque enjeu par type d'acteurs",
    "AFOM": "Atouts, faiblesses, opportunités, menaces, avec leur source",
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
    wb = Workbook()
    wb.active.title = SHEETS[0]
    workshop = len(diag.votes) > 0
    for name in SHEETS[1:]:
        if name != "Données" and (name != WORKSHOP_SHEET or workshop):
            wb.create_sheet(name)
    base = f"Base : {len(diag.actors)} acteurs répondants"
    today = date.today().strftime("%d/%m/%Y")
    source = f"Source : enquête « {diag.project.title} », traitement diagnostic du {today}"
    _method(wb["Méthode"], diag)
    _participation(wb["Participation"], diag, base, source)
    write_portrait(wb["Portrait du territoire"], diag, source)
    _ranking(wb["Enjeux communs"], diag, base, source)
    _matrix(wb["Convergences"], diag, source)
    write_afom(wb["AFOM"], diag, source)
    if workshop:
        write_priorities(wb[WORKSHOP_SHEET], diag, source)
    _opportunities(wb["Pistes de coopération"], diag, source)
    ws = wb["Groupes d'acteurs"]
    start = write_title(ws, "Groupes d'acteurs autour d'enjeux communs", [
        f"Groupes de moins de {diag.settings.min_group_size} acteurs non affichés.", source])
    write_frame(ws, diag.clusters.drop(columns=["actors"]), start, {
        "cluster_id": "Groupe", "label": "Intitulé", "issues": "Enjeux", "size": "Acteurs",
        "actor_types": "Types d'acteurs", "method": "Méthode"}, {"size": INTEGER})
    write_data(wb, diag, source, wb.sheetnames.index("Dictionnaire"))
    _dictionary(wb["Dictionnaire"], diag)
    ws = wb["Anomalies"]
    start = write_title(ws, "Anomalies relevées à la lecture des fichiers", [
        "Chaque problème rencontré, où il se trouve et ce qui a été fait.",
        *[f"{a.file} : {a.rows_read} lignes lues = {a.rows_loaded} chargées + "
          f"{a.rows_rejected} rejetées" for a in diag.accounts]])
    write_frame(ws, diag.anomalies.assign(value=diag.anomalies["value"].map(mask_text)), start, {
        "file": "Fichier", "row": "Ligne", "column": "Colonne", "value": "Valeur",
        "problem": "Problème", "action": "Suite donnée"}, widths={"problem": 70})
    if include_personal:
        _personal(wb, diag)
    _summary(wb, diag, source)
    for ws in wb.worksheets:
        print_setup(ws)
        if ws.title.startswith("Données") and ws.title != "Données personnelles":
            ws.sheet_properties.pageSetUpPr.fitToPage = False
            ws.page_setup.scale = 70
    save_workbook(wb, path)
    return path


def _summary(wb, diag, source):
    ws = wb["Sommaire"]
    put(ws, 1, 1, diag.project.title).font = Font(size=16, bold=True, color="1F4E5F")
    put(ws, 2, 1, source).font = NOTE_FONT
    put(ws, 3, 1, "Les acteurs sont désignés par un identifiant pseudonyme (A-xxxxxxxx) ; "
                  "aucun nom, courriel ni téléphone ne figure dans ce classeur.").font = NOTE_FONT
    put(ws, 5, 1, "Feuille").font = Font(bold=True)
    put(ws, 5, 2, "Contenu").font = Font(bold=True)
    for i, name in enumerate(wb.sheetnames[1:], start=6):
        cell = put(ws, i, 1, name)
        cell.hyperlink = Hyperlink(ref=cell.coordinate, location=f"'{name}'!A1")
        cell.style = "Hyperlink"
        put(ws, i, 2, SHEET_PURPOSE.get(name.split(" (")[0], ""))
    ws.column_dimensions["A"].width = 28
    ws.column_dimensions["B"].width = 70


def _method(ws, diag):
    start = write_title(ws, "Méthode", [
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
    write_frame(ws, rows, start, {"description": "Réglage", "value": "Valeur", "name": "Nom"},
                widths={"description": 70}, filters=False)


def _participation(ws, diag, base, source):
    start = write_title(ws, "Participation à l'enquête", [base, source])
    types = role_labels(diag.questions, diag.choices, "actor_type")
    table = diag.participation.assign(actor_type=relabel(diag.participation["actor_type"], types))
    first, last = write_frame(ws, table, start, {
        "commune": "Commune", "commune_code": "Code commune", "population": "Population",
        "actor_type": "Type d'acteurs", "respondents": "Répondants",
        "per_1000_inhabitants": "Répondants pour 1 000 hab."},
        {"population": INTEGER, "respondents": INTEGER, "per_1000_inhabitants": DECIMAL})
    by_type = relabel(diag.actors["actor_type"], types).fillna("non précisé").value_counts()
    col = 9
    put(ws, start, col, "Type d'acteurs")
    put(ws, start, col + 1, "Répondants")
    for i, (t, n) in enumerate(by_type.items(), start=start + 1):
        put(ws, i, col, t)
        put(ws, i, col + 1, int(n), INTEGER)
    chart = BarChart()
    chart.type, chart.title, chart.legend = "bar", "Répondants par type d'acteurs", None
    chart.add_data(Reference(ws, min_col=col + 1, min_row=start, max_row=start + len(by_type)),
                   titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=col, min_row=start + 1, max_row=start + len(by_type)))
    chart.height, chart.width = 7, 14
    ws.add_chart(chart, f"L{start}")


def _ranking(ws, diag, base, source):
    q = diag.questions[diag.questions["role"] == "issue_importance"]["label"]
    question = q.iloc[0] if len(q) else "enjeux cités"
    start = write_title(ws, "Enjeux communs, du plus partagé au moins partagé", [
        f"Question : « {question.split(' : ')[0]} » ; {base}", source])
    table = diag.issue_ranking
    first, last = write_frame(ws, table, start, {
        "rank": "Rang", "label": "Enjeu", "theme": "Thème", "respondents": "Répondants",
        "support": "Soutien", "support_ci_low": "IC 95 % bas", "support_ci_high": "IC 95 % haut",
        "support_by_type_mean": "Soutien moyen par type", "breadth": "Types qui le partagent",
        "min_support": "Soutien minimal", "intensity": "Importance médiane",
        "consensus": "Consensus", "tag": "Profil", "reason": "Explication"},
        {"support": PERCENT, "support_ci_low": PERCENT, "support_ci_high": PERCENT,
         "support_by_type_mean": PERCENT, "min_support": PERCENT, "consensus": "0.00",
         "respondents": INTEGER},
        widths={"reason": 55, "label": 32, "rank": 6, "theme": 14, "tag": 20,
                "support_ci_low": 11, "support_ci_high": 11, "respondents": 11, "support": 10})
    if len(table):
        chart = BarChart()
        chart.type, chart.title, chart.legend = "bar", "Soutien moyen par type d'acteurs", None
        chart.add_data(Reference(ws, min_col=8, min_row=first - 1, max_row=last), titles_from_data=True)
        chart.set_categories(Reference(ws, min_col=2, min_row=first, max_row=last))
        chart.y_axis.number_format = "0 %"
        chart.y_axis.scaling.min, chart.y_axis.scaling.max = 0, 1
        chart.x_axis.scaling.orientation = "maxMin"
        chart.y_axis.delete = chart.x_axis.delete = False
        chart.gapWidth = 40
        chart.height, chart.width = 2 + 0.8 * len(table), 24
        ws.add_chart(chart, f"B{last + 3}")


def _matrix(ws, diag, source):
    m = diag.group_matrix
    n_min = diag.settings.min_group_size
    start = write_title(ws, "Convergences : soutien de chaque enjeu par type d'acteurs", [
        f"Part des répondants de chaque type qui jugent l'enjeu important. « n<{n_min} » : "
        "groupe trop petit pour un pourcentage.", source])
    types = sorted(m["actor_type"].unique())
    order = diag.issue_ranking[["issue_id", "label"]]
    names = role_labels(diag.questions, diag.choices, "actor_type")
    for j, text in enumerate(["Enjeu"] + [
            f"{names.get(t, t)} (n={int(diag.actors['actor_type'].eq(t).sum())})" for t in types],
            start=1):
        cell = put(ws, start, j, text)
        cell.fill, cell.font = HEADER_FILL, HEADER_FONT
    for i, issue in enumerate(order.itertuples(), start=start + 1):
        put(ws, i, 1, issue.label)
        for j, t in enumerate(types, start=2):
            cell = m[(m["issue_id"] == issue.issue_id) & (m["actor_type"] == t)]
            if cell.empty:
                continue
            if bool(cell["suppressed"].iloc[0]):
                put(ws, i, j, f"n<{n_min}").fill = GREY
            else:
                put(ws, i, j, float(cell["support"].iloc[0]), PERCENT)
    last = start + len(order)
    if len(order) and types:
        ref = f"B{start + 1}:{get_column_letter(len(types) + 1)}{last}"
        ws.conditional_formatting.add(ref, ColorScaleRule(
            start_type="num", start_value=0, start_color="F7FBFF",
            end_type="num", end_value=1, end_color="08519C"))
    ws.column_dimensions["A"].width = 40
    for j in range(2, len(types) + 2):
        ws.column_dimensions[get_column_letter(j)].width = 22
    ws.row_dimensions[start].height = 32
    for cell in ws[start]:
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    ws.freeze_panes = ws.cell(row=start + 1, column=2)


def _opportunities(ws, diag, source):
    start = write_title(ws, "Pistes de coopération", [
        "Besoins et offres de ressources qui se rencontrent. Les acteurs qui ont refusé de "
        "coopérer n'apparaissent jamais. Colonne « Statut » : à valider, validé ou écarté.",
        source])
    resources = role_labels(diag.questions, diag.choices, "need")
    table = diag.opportunities.assign(kind=diag.opportunities["kind"].map(KIND_LABELS),
                                      category_code=diag.opportunities["category"],
                                      category=relabel(diag.opportunities["category"], resources))
    first, last = write_frame(ws, table, start, {
        "kind": "Type de piste", "category": "Ressource", "explanation": "Explication",
        "actors": "Acteurs", "score": "Score", "score_geo": "Proximité",
        "score_willingness": "Volonté", "score_text": "Précisions", "status": "Statut",
        "category_code": "Code ressource"},
        {"score": "0.00", "score_geo": "0.00", "score_willingness": "0.00", "score_text": "0.00"},
        widths={"explanation": 80, "actors": 26})
    if len(table):
        dv = DataValidation(type="list", formula1='"' + ",".join(STATUSES) + '"', allow_blank=False)
        dv.error, dv.errorTitle = "Choisissez : " + ", ".join(STATUSES), "Statut"
        ws.add_data_validation(dv)
        dv.add(f"I{first}:I{last}")


def _dictionary(ws, diag):
    start = write_title(ws, "Dictionnaire des questions", [
        "Chaque question du questionnaire, son type, sa liste de choix et son rôle dans le diagnostic."])
    ch = diag.choices.groupby("list_name")["label"].agg(lambda s: " | ".join(map(str, s)))
    table = diag.questions.assign(choices=diag.questions["list_name"].map(ch))
    write_frame(ws, table, start, {
        "question_id": "Code", "label": "Libellé", "type": "Type", "role": "Rôle",
        "group": "Groupe", "theme": "Thème", "list_name": "Liste", "choices": "Choix"},
        widths={"label": 60, "choices": 60})


def _personal(wb, diag):
    ws = wb.create_sheet("Données personnelles", 1)
    ws.sheet_properties.tabColor = "C00000"
    start = write_title(ws, "ATTENTION : données personnelles", [
        "Cette feuille a été ajoutée à la demande expresse de l'utilisateur. Elle contient des "
        "noms et coordonnées : ne pas diffuser."])
    write_frame(ws, diag.personal, start, {"actor_id": "Acteur", "field": "Champ", "value": "Valeur"})
