"""The consultant's decisions, kept as small CSV files beside the project.

Two kinds: the role (and theme) of each question (``roles.csv``: question_id, role, theme)
and the workshop's status of each cooperation opportunity (``statuts.csv``: actors,
category, kind, status). Both are read back and applied on top of the library's tables.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from diagnostic._io.atomic import atomic_path
from diagnostic.analysis.cooperation import STATUSES
from diagnostic.analysis.statuses import apply_statuses, read_statuses  # noqa: F401  (one implementation)
from diagnostic.errors import DiagnosticError
from diagnostic.forms.model import ROLES

ROLE_COLUMNS = ["question_id", "role", "theme"]
STATUS_COLUMNS = ["actors", "category", "kind", "status"]
#: French label of each question role, for the role editor.
ROLE_LABELS = {
    "actor_name": "nom de la structure",
    "actor_type": "type d'acteur",
    "sector": "secteur",
    "commune": "commune",
    "contact": "contact (donnée personnelle)",
    "issue": "enjeux (choix multiple)",
    "issue_importance": "importance d'un enjeu (échelle)",
    "need": "besoin",
    "offer": "offre",
    "cooperation": "volonté de coopérer",
    "free_text": "texte libre",
    "other": "autre",
}


def questions_without_role(questions: pd.DataFrame) -> pd.DataFrame:
    """Questions whose role is empty: the ones the consultant must still qualify."""
    role = questions["role"].astype("string").str.strip()
    return questions[role.isna() | (role == "")].reset_index(drop=True)


def role_table(questions: pd.DataFrame) -> pd.DataFrame:
    """question_id, role, theme for every question, ready to edit and save."""
    out = questions.reindex(columns=ROLE_COLUMNS).astype("string")
    return out.reset_index(drop=True)


def write_roles(roles: pd.DataFrame, path) -> Path:
    """Write a roles CSV (question_id,role,theme), checking every role.

    Raises
    ------
    DiagnosticError
        When a role is not one of `diagnostic.forms.model.ROLES`.
    """
    roles = roles.reindex(columns=ROLE_COLUMNS)
    given = roles["role"].dropna()
    bad = given[~given.isin(ROLES)]
    if len(bad):
        row = int(bad.index[0])
        raise DiagnosticError(
            f"rôle inconnu « {bad.iloc[0]} » pour la question "
            f"{roles.at[row, 'question_id']}. Rôles possibles : {', '.join(ROLES)}.",
            file=Path(path).name,
            column="role",
        )
    path = Path(path)
    with atomic_path(path) as tmp:
        roles.to_csv(tmp, index=False, encoding="utf-8")
    return path


def read_roles(path) -> pd.DataFrame:
    """Read a roles CSV written by `write_roles` (or by hand)."""
    path = Path(path)
    try:
        roles = pd.read_csv(path, dtype="string", keep_default_na=False, na_values=[""])
    except FileNotFoundError:
        raise DiagnosticError("fichier des rôles introuvable.", file=str(path)) from None
    missing = [c for c in ("question_id", "role") if c not in roles.columns]
    if missing:
        raise DiagnosticError(f"colonnes manquantes : {', '.join(missing)}.", file=path.name)
    return roles.reindex(columns=ROLE_COLUMNS)


def with_roles(questions: pd.DataFrame, roles: pd.DataFrame) -> pd.DataFrame:
    """Return `questions` with the roles (and non-empty themes) of `roles` applied."""
    chosen = roles.dropna(subset=["role"]).set_index("question_id")
    out = questions.copy()
    role = out["question_id"].map(chosen["role"])
    out["role"] = role.fillna(out["role"]).astype("string")
    theme = out["question_id"].map(chosen["theme"].dropna())
    out["theme"] = theme.fillna(out["theme"]).astype("string")
    return out


def status_table(opportunities: pd.DataFrame) -> pd.DataFrame:
    """actors, category, kind, status of every opportunity: what the workshop decides."""
    return opportunities.reindex(columns=STATUS_COLUMNS).reset_index(drop=True)


def write_statuses(opportunities: pd.DataFrame, path) -> Path:
    """Save the status of every opportunity (« à valider », « validé », « écarté »)."""
    table = status_table(opportunities)
    bad = table.loc[~table["status"].isin(STATUSES), "status"]
    if len(bad):
        raise DiagnosticError(
            f"statut inconnu « {bad.iloc[0]} ». Statuts possibles : {', '.join(STATUSES)}.",
            file=Path(path).name,
            column="status",
        )
    path = Path(path)
    with atomic_path(path) as tmp:
        table.to_csv(tmp, index=False, encoding="utf-8")
    return path
