"""Read an XLSForm (.xlsx or legacy .xls) into the `questions` and `choices` tables."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from diagnostic.anomalies import KEPT, AnomalyLog
from diagnostic.errors import DiagnosticError
from diagnostic.forms.model import ROLES, Form, is_missing_code
from diagnostic.schemas import conform
from diagnostic.sheets import read_sheets

#: XLSForm types that carry no answer of the respondent.
_SKIPPED = {
    "start", "end", "today", "deviceid", "subscriberid", "simserial", "phonenumber",
    "username", "email", "audit", "calculate", "note", "hidden", "begin_group", "end_group",
    "begin_repeat", "end_repeat", "acknowledge", "start-geopoint", "background-audio",
}
_TYPES = {
    "integer": "numeric", "decimal": "numeric", "range": "numeric", "text": "text",
    "date": "date", "datetime": "date", "time": "date", "geopoint": "geo", "geotrace": "geo",
    "geoshape": "geo", "barcode": "text", "image": "text", "audio": "text", "video": "text",
    "file": "text",
}


def _pick_column(columns: list[str], base: str, language: str | None, default: str | None):
    """Choose the `label`-like column for a language ("fr", "Français", …)."""
    plain = [c for c in columns if c.lower() == base]
    localised = [c for c in columns if c.lower().startswith(base + "::")]
    for wanted in (language, default):
        if not wanted:
            continue
        w = wanted.lower()
        for c in localised:
            lang = c.split("::", 1)[1].lower()
            if w == lang or w in re.findall(r"[\w]+", lang) or lang.startswith(w):
                return c
    if plain:
        return plain[0]
    return localised[0] if localised else None


def _parse_type(raw: str) -> tuple[str, str | None, bool]:
    """Split an XLSForm type into (base, list_name, or_other)."""
    parts = raw.replace("_from_file", "").split()
    base = parts[0].lower() if parts else ""
    if base in ("begin", "end") and len(parts) > 1:  # "begin group" spelled with a space
        base = f"{base}_{parts[1].lower()}"
    list_name = parts[1] if len(parts) > 1 and base.startswith(("select", "rank")) else None
    return base, list_name, "or_other" in parts


def read_xlsform(path, language: str | None = None) -> Form:
    """Read an XLSForm.

    Parameters
    ----------
    path : str or Path
        The form (.xlsx or .xls) with sheets ``survey`` and ``choices``.
    language : str, optional
        Label language to use ("fr", "Français (fr)", "en"…); default: the form's
        ``default_language``, then the plain ``label`` column.

    Returns
    -------
    Form
        With the `questions` and `choices` tables and the anomalies found.
    """
    path = Path(path)
    sheets = read_sheets(path)
    lower = {name.lower(): name for name in sheets}
    if "survey" not in lower:
        raise DiagnosticError(
            "ce fichier n'est pas un formulaire XLSForm : il n'a pas de feuille « survey ».",
            file=path.name,
        )
    log = AnomalyLog(path.name)
    survey = sheets[lower["survey"]]
    choices_raw = sheets.get(lower.get("choices", ""), pd.DataFrame())
    settings = sheets.get(lower.get("settings", ""), pd.DataFrame())
    default_lang = None
    title = path.stem
    if len(settings):
        first = settings.iloc[0]
        default_lang = first.get("default_language") or None
        title = first.get("form_title") or title
    label_col = _pick_column(list(survey.columns), "label", language, default_lang)
    role_col = next((c for c in survey.columns if c.lower() in ("diagnostic", "role")), None)
    theme_col = next((c for c in survey.columns if c.lower() == "theme"), None)
    if label_col is None:
        log.add("le formulaire n'a pas de colonne « label » : les noms servent de libellés",
                KEPT, column="label")

    rows, groups, seen = [], [], {}
    for i, rec in enumerate(survey.to_dict("records")):
        excel_row = i + 2
        base, list_name, _or_other = _parse_type(rec.get("type") or "")
        name = (rec.get("name") or "").strip()
        if base in ("begin_group", "begin_repeat"):
            groups.append(name or f"groupe_{excel_row}")
            continue
        if base in ("end_group", "end_repeat"):
            if groups:
                groups.pop()
            continue
        if not base or base in _SKIPPED:
            continue
        if not name:
            log.add("question sans nom (colonne « name » vide) : ignorée", "rejeté",
                    row=excel_row, column="name")
            continue
        if name in seen:
            log.add(f"nom de question en double (déjà ligne {seen[name]}) : seule la première "
                    "est utilisée", KEPT, row=excel_row, column="name", value=name)
            continue
        seen[name] = excel_row
        if base.startswith("select_one"):
            qtype = "single"
        elif base.startswith("select_multiple"):
            qtype = "multiple"
        elif base == "rank":
            qtype = "rank"
        else:
            qtype = _TYPES.get(base)
            if qtype is None:
                log.add(f"type de question inconnu « {base} » : traité comme du texte", KEPT,
                        row=excel_row, column="type", value=base)
                qtype = "text"
        role = (rec.get(role_col) or "").strip().lower() if role_col else ""
        if role and role not in ROLES:
            log.add(f"rôle inconnu « {role} » (rôles possibles : {', '.join(ROLES)})", KEPT,
                    row=excel_row, column=role_col, value=role)
            role = "other"
        label = (rec.get(label_col) or "").strip() if label_col else ""
        rows.append({
            "question_id": name, "label": label or name, "type": qtype, "list_name": list_name,
            "group": "/".join(groups), "role": role or "other",
            "theme": (rec.get(theme_col) or "") if theme_col else "",
            "required": str(rec.get("required") or "").strip().lower() in ("yes", "true", "1"),
        })
    questions = conform(pd.DataFrame(rows), "questions")
    choices = _read_choices(choices_raw, language, default_lang)
    likert_lists = set(choices.loc[choices["order"].notna(), "list_name"])
    is_likert = (questions["type"] == "single") & (
        (questions["role"] == "issue_importance") | questions["list_name"].isin(_ordinal(choices))
    )
    questions.loc[is_likert & questions["list_name"].isin(likert_lists), "type"] = "likert"
    return Form(path.name, str(title), label_col, questions, choices, log.frame())


def _read_choices(raw: pd.DataFrame, language, default_lang) -> pd.DataFrame:
    if raw.empty:
        return conform(pd.DataFrame(), "choices")
    value_col = "name" if "name" in raw.columns else "value"
    label_col = _pick_column(list(raw.columns), "label", language, default_lang)
    out = pd.DataFrame({
        "list_name": raw["list_name"].str.strip(),
        "value": raw[value_col].astype("string").str.strip(),
        "label": raw[label_col] if label_col else raw[value_col],
    })
    out = out[out["list_name"].notna() & (out["list_name"] != "") & out["value"].notna()]
    out["order"] = out.groupby("list_name").cumcount() + 1
    out["is_missing_code"] = [is_missing_code(v, lab) for v, lab in zip(out["value"], out["label"])]
    return conform(out, "choices")


def _ordinal(choices: pd.DataFrame) -> set[str]:
    """Lists whose non-missing values are all integers: rating scales."""
    real = choices[~choices["is_missing_code"].astype(bool)]
    numeric = real["value"].str.fullmatch(r"-?\d+").fillna(False)
    per_list = numeric.groupby(real["list_name"]).agg(["all", "size"])
    return set(per_list[(per_list["all"]) & (per_list["size"] >= 3)].index)
