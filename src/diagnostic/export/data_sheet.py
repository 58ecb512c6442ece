"""The Données sheet: one row per actor, one column per question, answers as labels."""

from __future__ import annotations

import numpy as np
import pandas as pd
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter

from diagnostic.export.cells import HEADER_FILL, HEADER_FONT, NOTE_FONT, put, write_title
from diagnostic.export.privacy import public_answers
from diagnostic.labels import relabel, role_labels

#: Rows of an Excel sheet; beyond, the data continue on « Données (2) », « Données (3) »…
ROW_LIMIT = 1_048_576
#: Roles that never reach the workbook as columns (personal, or shown apart).
_HIDDEN_ROLES = ("actor_name", "contact", "commune", "actor_type")
_ID_HEADERS = {"actor_id": "Acteur", "actor_type": "Type d'acteurs", "commune_code": "Code commune"}
_NOTES_ROWS = 4  # title, two notes, blank line


def data_table(diag) -> pd.DataFrame:
    """Answers wide and readable: one row per actor, choice labels instead of codes.

    Multiple choices are joined with « ; » in the form's order, the options of a ranking
    with « > » in rank order (first ranked first); free text is masked
    (emails, phones); personal questions are left out.

    Returns
    -------
    DataFrame
        actor_id, actor_type (label), commune_code, then one column per public question
        (named by its question_id, in the form's order); numeric answers as numbers.
    """
    questions = diag.questions[~diag.questions["role"].isin(_HIDDEN_ROLES)]
    answers = public_answers(diag.answers, diag.questions)
    answers = answers[answers["question_id"].isin(set(questions["question_id"]))]
    lists = answers["question_id"].map(dict(zip(questions["question_id"], questions["list_name"])))
    choices = diag.choices.assign(order=diag.choices.groupby("list_name").cumcount())
    keyed = answers.assign(list_name=lists).merge(
        choices[["list_name", "value", "label", "order"]], on=["list_name", "value"], how="left")
    keyed["text"] = keyed["label"].fillna(keyed["value"]).astype("string")
    # the answers of a repeat group in the order of its rows (member 1 ; member 2 …), a
    # ranking's options in rank order (« a > b > c »)
    by = ["actor_id", "question_id"] + (["instance"] if "instance" in keyed.columns else [])
    ranked = (keyed["rank"].notna().to_numpy(dtype=bool) if "rank" in keyed.columns
              else np.zeros(len(keyed), dtype=bool))
    keyed = keyed.assign(order=np.where(ranked, keyed.get("rank", 0), keyed["order"]),
                         ranked=ranked).sort_values(by + ["order"], kind="stable")
    keys = ["actor_id", "question_id"]
    several = keyed.duplicated(keys, keep=False)  # join only where there is something to join
    joined = pd.concat([keyed.loc[~several].set_index(keys)["text"]] + [
        keyed.loc[several & (keyed["ranked"] == r)].groupby(keys, sort=False)["text"]
        .agg(sep.join) for r, sep in ((False, " ; "), (True, " > "))])
    wide = joined.unstack("question_id")
    columns = [q for q in questions["question_id"] if q in wide.columns]
    types = role_labels(diag.questions, diag.choices, "actor_type")
    base = diag.actors[["actor_id", "actor_type", "commune_code"]].assign(
        actor_type=lambda f: relabel(f["actor_type"], types))
    out = base.merge(wide[columns], left_on="actor_id", right_index=True, how="left")
    once = questions["repeat"].isna() if "repeat" in questions.columns else True
    # a repeat group's numbers stay text: « 34 ; 51 » is one cell for two employees
    for q in questions.loc[(questions["type"] == "numeric") & once, "question_id"]:
        if q in out.columns:
            out[q] = pd.to_numeric(out[q].str.replace(",", ".", regex=False), errors="coerce")
    return out.reset_index(drop=True)


def sheet_rows(frame: pd.DataFrame) -> tuple[list[list], list[tuple[int, int]]]:
    """Rows ready for a sheet, text cleaned of control characters and cut at Excel's limit,
    and the (row, column) positions, from 0, of text beginning with "=" (to store as text)."""
    out, live = {}, []
    for j, col in enumerate(frame.columns):
        s = frame[col]
        if not pd.api.types.is_numeric_dtype(s):
            s = (s.astype("string").str.replace(ILLEGAL_CHARACTERS_RE, "", regex=True)
                 .str.slice(0, 32000))
            live += [(int(i), j) for i in s.index[s.str.startswith("=").fillna(False).to_numpy()]]
        out[col] = s.astype(object).where(s.notna(), None)
    return pd.DataFrame(out).to_numpy(dtype=object).tolist(), live


def write_data(wb, diag, source: str, index: int) -> list[str]:
    """Write « Données » at position `index` (continuation sheets after it if needed).

    Returns the names of the sheets written.
    """
    table = data_table(diag)
    labels = dict(zip(diag.questions["question_id"], diag.questions["label"]))
    headers = [_ID_HEADERS.get(c, c) for c in table.columns]
    rows, live = sheet_rows(table.reset_index(drop=True))
    per_sheet = ROW_LIMIT - (_NOTES_ROWS + 2)
    chunks = [rows[i:i + per_sheet] for i in range(0, len(rows), per_sheet)] or [[]]
    names = []
    for k, chunk in enumerate(chunks, start=1):
        offset = (k - 1) * per_sheet
        chunk_live = [(i - offset, j) for i, j in live if offset <= i < offset + len(chunk)]
        name = "Données" if k == 1 else f"Données ({k})"
        ws = wb.create_sheet(name, index + k - 1)
        names.append(name)
        more = f" Suite sur « Données ({k + 1}) »." if k < len(chunks) else ""
        start = write_title(ws, "Réponses pseudonymisées" + (f" (suite {k})" if k > 1 else ""), [
            "Une ligne par acteur, une colonne par question (code de la question ; intitulé "
            "au-dessus et dans le Dictionnaire). Réponses en clair ; choix multiples séparés "
            "par « ; », options classées dans l'ordre du classement, séparées par « > ». "
            "Noms, courriels et téléphones exclus ; adresses et numéros cités dans "
            f"les textes libres masqués.{more}", source], span=min(8, len(headers)))
        _write_block(ws, start, table.columns, headers, labels, chunk, chunk_live)
    return names


def _write_block(ws, start: int, columns, headers, labels, rows, live) -> None:
    """Question labels, then codes as the header row, then the rows, appended fast."""
    for j, (col, head) in enumerate(zip(columns, headers), start=1):
        if col in labels:
            cell = put(ws, start - 1, j, labels[col])
            cell.font, cell.alignment = NOTE_FONT, Alignment(wrap_text=True, vertical="bottom")
        cell = put(ws, start, j, head)
        cell.fill, cell.font = HEADER_FILL, HEADER_FONT
        ws.column_dimensions[get_column_letter(j)].width = {1: 13, 2: 30, 3: 15}.get(j, 22)
    ws.row_dimensions[start - 1].height = 45
    first = start + 1
    for row in rows:
        ws.append(row)
    for i, j in live:  # openpyxl takes text beginning with "=" for a formula: keep it text
        ws.cell(row=first + i, column=j + 1).data_type = "s"
    last = start + len(rows)
    ws.freeze_panes = ws.cell(row=first, column=2)
    # too wide to fit one page: printed at a readable scale, header row and actor repeated
    ws.print_title_rows, ws.print_title_cols = f"{start}:{start}", "A:A"
    if rows:
        ws.auto_filter.ref = f"A{start}:{get_column_letter(len(headers))}{last}"
