"""Read an XLSForm (.xlsx or legacy .xls) into the `questions` and `choices` tables."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from diagnostic._io.sheets import read_sheets
from diagnostic.anomalies import KEPT, REJECTED, AnomalyLog
from diagnostic.errors import DiagnosticError
from diagnostic.forms.model import ROLES, Form, is_missing_code
from diagnostic.forms.scales import fixed_lists, order_scales, worded_scales
from diagnostic.schemas import conform

#: XLSForm types that carry no answer of the respondent.
_SKIPPED = {
    "start",
    "end",
    "today",
    "deviceid",
    "subscriberid",
    "simserial",
    "phonenumber",
    "username",
    "email",
    "audit",
    "calculate",
    "note",
    "hidden",
    "begin_group",
    "end_group",
    "begin_repeat",
    "end_repeat",
    "acknowledge",
    "start-geopoint",
    "background-audio",
}
_TYPES = {
    "integer": "numeric",
    "decimal": "numeric",
    "range": "numeric",
    "text": "text",
    "date": "date",
    "datetime": "date",
    "time": "date",
    "geopoint": "geo",
    "geotrace": "geo",
    "geoshape": "geo",
    "barcode": "text",
    "image": "text",
    "audio": "text",
    "video": "text",
    "file": "text",
    "gps": "geo",
    "xml-external": "text",
}
#: Columns XLSForm tools read; anything else unnamed or `$`-prefixed is an editor artefact.
_ARTEFACT = re.compile(r"^(\$.*|colonne_\d+)$")


_LANGUAGE_NAMES = {
    "french": "fr",
    "français": "fr",
    "francais": "fr",
    "english": "en",
    "anglais": "en",
    "spanish": "es",
    "español": "es",
    "espagnol": "es",
    "portuguese": "pt",
    "arabic": "ar",
}


def _language_keys(text: str) -> set[str]:
    """ "Français (fr)" -> {"français (fr)", "français", "fr"}: every way to name it."""
    text = text.strip().lower()
    words = set(re.findall(r"\w+", text))
    return {text} | words | {_LANGUAGE_NAMES[w] for w in words if w in _LANGUAGE_NAMES}


def _pick_column(columns: list[str], base: str, language: str | None, default: str | None):
    """Choose the `label`-like column for a language ("fr", "Français (fr)", "english"…)."""
    plain = [c for c in columns if c.lower() == base]
    localised = [c for c in columns if c.lower().startswith(base + "::")]
    for wanted in (language, default):
        if not wanted:
            continue
        w = wanted.strip().lower()
        exact = [c for c in localised if c.split("::", 1)[1].strip().lower() == w]
        if exact:
            return exact[0]
        wanted_keys = _language_keys(w)
        for c in localised:
            if _language_keys(c.split("::", 1)[1]) & wanted_keys - {"label"}:
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
    strays: list = []
    sheets = read_sheets(path, strays)
    lower = {name.lower(): name for name in sheets}
    if "survey" not in lower:
        raise DiagnosticError(
            "ce fichier n'est pas un formulaire XLSForm : il n'a pas de feuille « survey ».",
            file=path.name,
        )
    log = AnomalyLog(path.name)
    for sheet, ref, row in strays:
        log.add(
            f"cellule {ref} de la feuille « {sheet} » isolée loin des données : ignorée",
            REJECTED,
            row=row,
        )
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
        log.add(
            "le formulaire n'a pas de colonne « label » : les noms servent de libellés",
            KEPT,
            column="label",
        )

    for col in survey.columns:
        if _ARTEFACT.match(col):
            log.add(
                "colonne ajoutée par l'éditeur de formulaire (sans nom ou commençant par "
                "« $ ») : ignorée",
                KEPT,
                row=1,
                column=col,
            )
    rows, repeats, or_other, ranks, relevance = _walk(survey, log, label_col, role_col, theme_col)
    given = frozenset(r["question_id"] for r in rows if r.pop("role_given", False))
    questions = conform(pd.DataFrame(rows), "questions")
    choices = _with_other(_read_choices(choices_raw, language, default_lang), or_other)
    likert_lists = set(choices.loc[choices["order"].notna(), "list_name"])
    # a list of codes for places or categories (INSEE commune codes…) is never a scale
    places = questions["role"].isin(["commune", "actor_type", "sector", "consent"])
    is_likert = (
        (questions["type"] == "single")
        & ~places
        & (
            (questions["role"] == "issue_importance")
            | questions["list_name"].isin(_ordinal(choices) | worded_scales(choices))
        )
    )
    questions.loc[is_likert & questions["list_name"].isin(likert_lists), "type"] = "likert"
    choices = order_scales(choices, _scale_lists(questions), fixed=fixed_lists(questions))
    return Form(
        path.name,
        str(title),
        label_col,
        questions,
        choices,
        log.frame(),
        repeats,
        ranks=ranks,
        roles_given=given,
        relevance=relevance,
    )


def _question_type(base: str, log: AnomalyLog, excel_row: int) -> str:
    if base.startswith("select_one"):
        return "single"
    if base.startswith("select_multiple"):
        return "multiple"
    if base == "rank":
        return "rank"
    qtype = _TYPES.get(base)
    if qtype is None:
        log.add(
            f"type de question inconnu « {base} » : traité comme du texte",
            KEPT,
            row=excel_row,
            column="type",
            value=base,
        )
        qtype = "text"
    return qtype


def _walk(survey: pd.DataFrame, log: AnomalyLog, label_col, role_col, theme_col):
    """Walk the survey sheet: questions with their group path, repeats, `or_other` lists,
    and the levels of Kobo form-builder rankings (``begin_rank`` … ``rank__level`` rows …
    ``end_rank``, the options' list in ``kobo--rank-items``), which Kobo deploys as a group
    of one select_one per level (kobotoolbox/kpi, xlsform_preprocessors/koborank_handler.py)."""
    rows, groups, repeat_stack, seen = [], [], [], {}  # type: ignore[var-annotated]
    repeats, or_other, ranks, ranking = {}, set(), {}, None  # type: ignore[var-annotated]
    conditions: list[str] = []  # the `relevant` of each open group ("" without one)
    relevance: dict[str, tuple[str, ...]] = {}

    def open_group(name: str, rec: dict) -> None:
        groups.append(name)
        conditions.append(str(rec.get("relevant") or "").strip())

    for i, rec in enumerate(survey.to_dict("records")):
        excel_row = i + 2
        base, list_name, has_other = _parse_type(rec.get("type") or "")
        name = (rec.get("name") or "").strip()
        if base == "rank__level" and ranking and name:
            ranks[ranking] = (*ranks.get(ranking, ()), name)
            continue
        if base == "end_rank":
            base, ranking = "end_group", None
        if base == "begin_rank" and name and name not in seen:
            ranking, base = name, "rank"
            list_name = (rec.get("kobo--rank-items") or "").strip() or None
            open_group(name, rec)  # its levels' columns are grp/<name>/<level>
        if base in ("end_group", "end_repeat"):
            if groups:
                groups.pop()
                conditions.pop()
            if base == "end_repeat" and repeat_stack:
                repeat_stack.pop()
            continue
        if not base or (base in _SKIPPED and not base.startswith("begin")):
            continue
        if not name:
            log.add(
                "question sans nom (colonne « name » vide) : ignorée",
                "rejeté",
                row=excel_row,
                column="name",
            )
            continue
        if name in seen:
            log.add(
                f"nom en double (déjà ligne {seen[name]}) : seule la première question "
                "de ce nom est utilisée",
                KEPT,
                row=excel_row,
                column="name",
                value=name,
            )
            if base.startswith("begin"):
                open_group(name, rec)
                if base == "begin_repeat":
                    repeat_stack.append(name)
            continue
        seen[name] = excel_row
        if base.startswith("begin"):
            open_group(name, rec)
            if base == "begin_repeat":
                repeat_stack.append(name)
            continue
        role = (rec.get(role_col) or "").strip().lower() if role_col else ""
        if role and role not in ROLES:
            log.add(
                f"rôle inconnu « {role} » (rôles possibles : {', '.join(ROLES)})",
                KEPT,
                row=excel_row,
                column=role_col,
                value=role,
            )
            role = "other"
        label = (rec.get(label_col) or "").strip() if label_col else ""
        common = {
            "group": "/".join(groups[:-1] if base == "rank" and ranking else groups),
            "role": role or "other",
            "role_given": bool(role),
            "theme": (rec.get(theme_col) or "") if theme_col else "",
            "required": str(rec.get("required") or "").strip().lower() in ("yes", "true", "1"),
            "repeat": repeat_stack[-1] if repeat_stack else None,
        }
        rows.append(
            {
                "question_id": name,
                "label": label or name,
                "list_name": list_name,
                "type": _question_type(base, log, excel_row),
                **common,
            }
        )
        names = [name]
        outer = conditions[:-1] if base == "rank" and ranking else conditions
        own = str(rec.get("relevant") or "").strip()
        relevance[name] = tuple(c for c in (*outer, own) if c)
        if has_other and list_name:
            # XLSForm's `or_other` adds the choice "other" and a text question `<name>_other`
            or_other.add(list_name)
            rows.append(
                {
                    "question_id": f"{name}_other",
                    "label": f"{label or name} (autre)",
                    "list_name": None,
                    "type": "text",
                    **common,
                }
            )
            names.append(f"{name}_other")
            # pyxform shows `<name>_other` only when "other" is ticked
            relevance[f"{name}_other"] = (*relevance[name], f"selected(${{{name}}}, 'other')")
        if repeat_stack:
            repeats.update(dict.fromkeys(names, repeat_stack[-1]))
    return rows, repeats, or_other, ranks, {q: c for q, c in relevance.items() if c}


def _with_other(choices: pd.DataFrame, lists: set[str]) -> pd.DataFrame:
    """Add the choice "other" to the lists used with `or_other`, where it is missing."""
    extra = []
    for list_name in sorted(lists):
        sub = choices[choices["list_name"] == list_name]
        if "other" not in set(sub["value"]):
            extra.append(
                {
                    "list_name": list_name,
                    "value": "other",
                    "label": "Autre",
                    "order": len(sub) + 1,
                    "is_missing_code": False,
                }
            )
    if not extra:
        return choices
    return conform(pd.concat([choices, pd.DataFrame(extra)], ignore_index=True), "choices")


def _read_choices(raw: pd.DataFrame, language, default_lang) -> pd.DataFrame:
    if raw.empty:
        return conform(pd.DataFrame(), "choices")
    value_col = "name" if "name" in raw.columns else "value"
    label_col = _pick_column(list(raw.columns), "label", language, default_lang)
    out = pd.DataFrame(
        {
            "list_name": raw["list_name"].str.strip(),
            "value": raw[value_col].astype("string").str.strip(),
            "label": raw[label_col] if label_col else raw[value_col],
        }
    )
    out = out[out["list_name"].notna() & (out["list_name"] != "") & out["value"].notna()]
    out["order"] = out.groupby("list_name").cumcount() + 1
    out["is_missing_code"] = [is_missing_code(v, lab) for v, lab in zip(out["value"], out["label"])]
    return conform(out, "choices")


def _scale_lists(questions: pd.DataFrame) -> set[str]:
    """Lists of Likert and issue-importance questions: ordered by meaning, codes included."""
    scale = (questions["type"] == "likert") | (questions["role"] == "issue_importance")
    return set(questions.loc[scale.fillna(False).to_numpy(dtype=bool), "list_name"].dropna())


def _ordinal(choices: pd.DataFrame) -> set[str]:
    """Lists whose non-missing values are all integers: rating scales."""
    real = choices[~choices["is_missing_code"].astype(bool)]
    numeric = real["value"].str.fullmatch(r"-?\d+").fillna(False)
    per_list = numeric.groupby(real["list_name"]).agg(["all", "size"])
    return set(per_list[(per_list["all"]) & (per_list["size"] >= 3)].index)
