"""The diagnostic project file (TOML) and the Diagnostic object holding every result."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from diagnostic.anomalies import RowAccount, concat_anomalies
from diagnostic.clusters import find_issue_groups
from diagnostic.cooperation import match_needs_offers
from diagnostic.errors import DiagnosticError
from diagnostic.forms import read_xlsform
from diagnostic.issues import group_matrix, issue_responses, rank_issues
from diagnostic.readers import read_responses
from diagnostic.settings import Settings
from diagnostic.territory import place_actors, read_communes, read_epci
from diagnostic.territory.communes import attach_epci
from diagnostic.territory.context import context, participation


@dataclass(frozen=True)
class SurveySpec:
    responses: Path
    form: Path | None = None
    actor_type: str | None = None


@dataclass(frozen=True)
class Project:
    """What a project file says: where the inputs are and which settings apply."""

    file: Path
    title: str
    language: str
    territory: tuple[str, ...]
    surveys: tuple[SurveySpec, ...]
    communes: Path
    epci: Path | None
    settings: Settings


def _path(base: Path, value, key: str, file: Path) -> Path:
    if not isinstance(value, str) or not value.strip():
        raise DiagnosticError(f"la clé « {key} » doit être un chemin de fichier.", file=file.name)
    path = (base / value).resolve()
    if not path.exists():
        raise DiagnosticError(f"le fichier indiqué par « {key} » est introuvable : {value}",
                              file=file.name)
    return path


def read_project(path) -> Project:
    """Read a project file (see DESIGN.md, "Project file"); paths are relative to it."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DiagnosticError("fichier de projet introuvable.", file=str(path)) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise DiagnosticError(f"fichier de projet TOML illisible : {exc}", file=path.name) from None
    base = path.parent
    surveys = data.get("survey") or []
    if not surveys:
        raise DiagnosticError("le projet ne déclare aucune enquête ([[survey]] avec « responses »).",
                              file=path.name)
    specs = tuple(
        SurveySpec(
            _path(base, s.get("responses"), "responses", path),
            _path(base, s["form"], "form", path) if s.get("form") else None,
            s.get("actor_type"),
        )
        for s in surveys
    )
    geo = data.get("geography") or {}
    if "communes" not in geo:
        raise DiagnosticError("la section [geography] doit indiquer « communes ».", file=path.name)
    settings = Settings.from_mapping(
        {**(data.get("settings") or {}), "language": data.get("language", "fr")}, file=path.name)
    return Project(
        file=path, title=str(data.get("title", path.stem)), language=settings.language,
        territory=tuple(str(t) for t in data.get("territory", [])), surveys=specs,
        communes=_path(base, geo["communes"], "communes", path),
        epci=_path(base, geo["epci"], "epci", path) if geo.get("epci") else None,
        settings=settings,
    )


@dataclass(frozen=True)
class Diagnostic:
    """Every table of a diagnostic, read and computed from one project."""

    project: Project
    questions: pd.DataFrame
    choices: pd.DataFrame
    actors: pd.DataFrame
    personal: pd.DataFrame
    answers: pd.DataFrame
    responses: pd.DataFrame
    needs: pd.DataFrame
    offers: pd.DataFrame
    communes: pd.DataFrame
    epci: pd.DataFrame
    issue_ranking: pd.DataFrame
    group_matrix: pd.DataFrame
    opportunities: pd.DataFrame
    clusters: pd.DataFrame
    participation: pd.DataFrame
    context: pd.DataFrame
    anomalies: pd.DataFrame
    accounts: tuple[RowAccount, ...] = field(default=())

    @property
    def settings(self) -> Settings:
        return self.project.settings

    def rank_issues(self, actor_types=None) -> pd.DataFrame:
        """Issue ranking restricted to some actor types (all when None)."""
        responses = self.responses
        if actor_types:
            responses = responses[responses["actor_type"].isin(list(actor_types))]
        return rank_issues(responses, self.settings)


def area_codes(territory, communes: pd.DataFrame) -> set[str]:
    """Commune codes of the study area from EPCI SIREN codes and/or commune codes."""
    wanted = set(territory)
    codes = set(communes.loc[communes["epci_code"].isin(wanted) | communes["commune_code"].isin(wanted),
                             "commune_code"])
    if wanted and not codes:
        raise DiagnosticError(
            f"aucune commune ne correspond au territoire {', '.join(sorted(wanted))} dans le "
            "fichier des communes.", column="territory")
    return codes or set(communes["commune_code"])


def run_diagnostic(project: Project) -> Diagnostic:
    """Read every input of `project` and compute every result table."""
    settings = project.settings
    communes = read_communes(project.communes)
    epci = pd.DataFrame(columns=["epci_code", "name", "kind", "population"])
    if project.epci:
        epci, members = read_epci(project.epci)
        communes = attach_epci(communes, members)
    area = area_codes(project.territory, communes)
    surveys = []
    for spec in project.surveys:
        form = read_xlsform(spec.form, language=project.language) if spec.form else None
        surveys.append(read_responses(spec.responses, form, actor_type=spec.actor_type))
    cat = lambda name: pd.concat([getattr(s, name) for s in surveys], ignore_index=True)  # noqa: E731
    actors, placing = place_actors(cat("actors"), communes, settings)
    questions = cat("questions").drop_duplicates("question_id")
    choices = cat("choices").drop_duplicates(["list_name", "value"])
    responses = issue_responses(cat("answers"), cat("asked"), questions, choices, actors, settings)
    resource_lists = questions.loc[questions["role"].isin(["need", "offer"]), "list_name"].dropna()
    labels = dict(choices.loc[choices["list_name"].isin(set(resource_lists)), ["value", "label"]].values)
    return Diagnostic(
        project=project, questions=questions, choices=choices, actors=actors,
        personal=cat("personal"), answers=cat("answers"), responses=responses,
        needs=cat("needs"), offers=cat("offers"), communes=communes, epci=epci,
        issue_ranking=rank_issues(responses, settings),
        group_matrix=group_matrix(responses, settings),
        opportunities=match_needs_offers(cat("needs"), cat("offers"), actors, labels, settings),
        clusters=find_issue_groups(responses, settings),
        participation=participation(actors, communes, area),
        context=context(communes, epci, area, actors),
        anomalies=concat_anomalies([s.anomalies for s in surveys] + [placing]),
        accounts=tuple(s.account for s in surveys),
    )
