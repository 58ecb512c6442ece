"""The project file (TOML): its questionnaires, geography, indicators, workshop files and
settings, read into a `Project`; paths relative to the file.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from diagnostic._io.text import read_toml
from diagnostic.analysis.links import REFERENCE_LEVELS, IndicatorLink
from diagnostic.errors import DiagnosticError
from diagnostic.settings import Settings
from diagnostic.territory.catalogue import indicator


@dataclass(frozen=True)
class SurveySpec:
    """One ``[[survey]]`` block: export, form, roles, actor type, name and ``same_as``."""

    responses: Path
    form: Path | None = None
    actor_type: str | None = None
    roles: Path | None = None
    #: the questionnaire's name in reports (default: its actor type, else its export's name)
    name: str | None = None
    #: this questionnaire's question id -> the id of the same question in an earlier one
    same_as: dict = field(default_factory=dict)

    @property
    def label(self) -> str:
        return self.name or self.actor_type or self.responses.stem


@dataclass(frozen=True)
class Project:
    """What a project file says: where the inputs are and which settings apply."""

    file: Path
    title: str
    language: str
    territory: tuple[str, ...]
    surveys: tuple[SurveySpec, ...]
    communes: Path | None  # None: no territory and no commune question (see read_project)
    epci: Path | None
    settings: Settings
    changes: Path | None = None
    boundaries: Path | None = None
    #: [geography] departements / regions: their names (Etalab JSON or INSEE COG), for the
    #: references' labels; without them a reference is called by its code
    departements: Path | None = None
    regions: Path | None = None
    indicators: tuple[Path, ...] = ()
    # analyse (issue 5): optional inputs
    votes: Path | None = None  # [workshop] votes
    statuses: Path | None = None  # [workshop] opportunities (statuses decided)
    decisions: Path | None = None  # [workshop] projects (decisions on cooperation projects)
    centroids: Path | None = None  # [geography] centroids: commune_code,lat,lon
    issue_indicators: tuple[IndicatorLink, ...] = ()  # [issue_indicators] issue = indicator
    #: [scales] list name (or question id) -> its levels, lowest first: the order of a scale
    #: whose levels say nothing of it (neither numbers nor known words)
    scales: dict = field(default_factory=dict)
    #: [paroles] codes: the coding of the free texts into themes (see `analysis.text`)
    text_codes: Path | None = None
    #: [paroles] quotes: the quotes the consultant chose, edited or not
    text_quotes: Path | None = None

    @property
    def text_codes_file(self) -> Path:
        """Where the coding app saves: the [paroles] codes file, else one in the project's
        folder (read back by the next run)."""
        return self.text_codes or self.file.parent / TEXT_CODES_FILE

    @property
    def decisions_file(self) -> Path:
        """Where the workshop's decisions on the cooperation projects are saved and read back
        by the next run: the [workshop] projects file, else `DECISIONS_FILE` in the project's
        folder."""
        return self.decisions or (self.file.parent / DECISIONS_FILE).resolve()

    @property
    def text_quotes_file(self) -> Path:
        """Where the chosen quotes are saved: [paroles] quotes, else in the project's folder."""
        return self.text_quotes or self.file.parent / TEXT_QUOTES_FILE


#: default names of the coding and quotes files, beside the project file
TEXT_CODES_FILE, TEXT_QUOTES_FILE = "paroles_codage.csv", "paroles_citations.csv"
#: default decisions file on the cooperation projects, in the project's folder
DECISIONS_FILE = "atelier/decisions_projets.csv"


def _path(base: Path, value, key: str, file: Path, must_exist: bool = True) -> Path:
    if not isinstance(value, str) or not value.strip():
        raise DiagnosticError(f"la clé « {key} » doit être un chemin de fichier.", file=file.name)
    path = (base / value).resolve()
    if must_exist and not path.exists():
        raise DiagnosticError(
            f"le fichier indiqué par « {key} » est introuvable : {value}", file=file.name
        )
    return path


def read_project(path=None) -> Project:
    """Read a project file (see DESIGN.md, "Project file"); paths are relative to it.

    Without `path`: the project named by the ``DIAGNOSTIC_PROJECT`` environment variable
    (set by ``make app`` and ``make lab``), else the embedded example.
    """
    if path is None:
        from diagnostic.datasets import example_project

        path = os.environ.get("DIAGNOSTIC_PROJECT") or example_project()
    path = Path(path)
    if not path.is_file():
        raise DiagnosticError("fichier de projet introuvable.", file=str(path))
    data = read_toml(path)
    base = path.parent
    surveys = data.get("survey") or []
    if not surveys:
        raise DiagnosticError(
            "le projet ne déclare aucune enquête ([[survey]] avec « responses »).", file=path.name
        )
    specs = tuple(
        SurveySpec(
            _path(base, s.get("responses"), "responses", path),
            _path(base, s["form"], "form", path) if s.get("form") else None,
            s.get("actor_type"),
            _path(base, s["roles"], "roles", path) if s.get("roles") else None,
            str(s["name"]) if s.get("name") else None,
            _same_as(s.get("same_as"), n, path),
        )
        for n, s in enumerate(surveys, start=1)
    )
    geo = data.get("geography") or {}
    territory = tuple(str(t) for t in data.get("territory", []))
    if "communes" not in geo and (territory or geo or data.get("indicators")):
        # a survey with no territory (and no commune question: see run_diagnostic) needs none
        raise DiagnosticError("la section [geography] doit indiquer « communes ».", file=path.name)
    settings = Settings.from_mapping(
        {**(data.get("settings") or {}), "language": data.get("language", "fr")}, file=path.name
    )
    blocks = data.get("indicators") or []
    if not isinstance(blocks, list) or not all(isinstance(b, dict) and "file" in b for b in blocks):
        raise DiagnosticError("chaque bloc [[indicators]] doit indiquer « file ».", file=path.name)
    if settings.regard_reference not in REFERENCE_LEVELS:
        raise DiagnosticError(
            f"le réglage « regard_reference » vaut « {settings.regard_reference} » ; valeurs "
            f"possibles : {', '.join(REFERENCE_LEVELS)}.",
            file=path.name,
        )
    optional = {
        key: _path(base, geo[key], key, path) if geo.get(key) else None
        for key in ("changes", "boundaries", "departements", "regions")
    }
    return Project(
        file=path,
        title=str(data.get("title", path.stem)),
        language=settings.language,
        territory=territory,
        surveys=specs,
        communes=_path(base, geo["communes"], "communes", path) if geo.get("communes") else None,
        epci=_path(base, geo["epci"], "epci", path) if geo.get("epci") else None,
        settings=settings,
        **optional,  # type: ignore[arg-type]
        **_analysis_inputs(data, base, path),
        scales=_scales(data.get("scales"), path),
        indicators=tuple(_path(base, b["file"], "indicators.file", path) for b in blocks),
    )


def _scales(table, file: Path) -> dict:
    """``[scales] list_name = ["bas", "moyen", "haut"]``: levels (codes or labels), lowest first."""
    if table is None:
        return {}
    if not isinstance(table, dict) or not all(
        isinstance(v, list) and len(v) >= 2 and all(isinstance(x, (str, int)) for x in v)
        for v in table.values()
    ):
        raise DiagnosticError(
            "la section [scales] donne, pour chaque liste de choix (ou question), ses niveaux "
            'du plus bas au plus haut, par exemple : niveau = ["bas", "moyen", "haut"].',
            file=file.name,
            column="scales",
        )
    return {str(k): tuple(str(x) for x in v) for k, v in table.items()}


def _same_as(table, number: int, file: Path) -> dict:
    """``same_as = { its_question = "canonical_question", … }`` of the n-th [[survey]]."""
    if table is None:
        return {}
    if not isinstance(table, dict) or not all(
        isinstance(v, str) and v.strip() for v in table.values()
    ):
        raise DiagnosticError(
            f"[[survey]] n°{number} : « same_as » associe chaque question de ce questionnaire "
            "à la question correspondante d'un questionnaire précédent, par exemple "
            'same_as = { enj_mob = "enjeu_mobilite" }.',
            file=file.name,
            column="same_as",
        )
    return {str(k): v.strip() for k, v in table.items()}


def _analysis_inputs(data: dict, base: Path, file: Path) -> dict:
    """Optional inputs of the analysis: workshop files, centroids, issue → indicator."""
    workshop, geo = data.get("workshop") or {}, data.get("geography") or {}

    def opt(table, key, name, must_exist=True):
        return _path(base, table[key], name, file, must_exist) if table.get(key) else None

    return {
        "votes": opt(workshop, "votes", "votes"),
        "statuses": opt(workshop, "opportunities", "opportunities"),
        # written by the apps at the workshop's first save: may not exist yet
        "decisions": opt(workshop, "projects", "projects", must_exist=False),
        "centroids": opt(geo, "centroids", "centroids"),
        "issue_indicators": _issue_indicators(data.get("issue_indicators") or {}, file),
        **_text_inputs(data.get("paroles") or {}, base, file),
    }


def _text_inputs(table: dict, base: Path, file: Path) -> dict:
    """[paroles] codes and quotes: given paths (which must exist), else the default files
    beside the project file when the coding app has written them."""
    out = {}
    for key, name, default in (
        ("text_codes", "codes", TEXT_CODES_FILE),
        ("text_quotes", "quotes", TEXT_QUOTES_FILE),
    ):
        if table.get(name):
            out[key] = _path(base, table[name], name, file)
        elif (base / default).is_file():
            out[key] = (base / default).resolve()
    return out


_DIRECTIONS = (
    '« worse_when = "higher" » (une valeur plus haute est défavorable) ou '
    '« worse_when = "lower" » (une valeur plus basse est défavorable)'
)


def _issue_indicators(table, file: Path) -> tuple[IndicatorLink, ...]:
    """[issue_indicators]: ``issue = "code"`` or ``issue = {indicator = "code",
    worse_when = "higher" | "lower"}``; the direction defaults to the catalogue's."""
    if not isinstance(table, dict):
        raise DiagnosticError(
            "la section [issue_indicators] doit associer chaque enjeu à un code d'indicateur.",
            file=file.name,
        )
    links = []
    for issue, spec in table.items():
        code, worse = (
            (spec, None)
            if isinstance(spec, str)
            else (
                (spec.get("indicator"), spec.get("worse_when"))
                if isinstance(spec, dict)
                else (None, None)
            )
        )
        if not isinstance(code, str) or not code.strip():
            raise DiagnosticError(
                f"[issue_indicators] {issue} : indiquez un code d'indicateur, par exemple "
                f'{issue} = "taux_chomage" ou {issue} = {{ indicator = "MED21", '
                f'worse_when = "lower" }}.',
                file=file.name,
                column=f"issue_indicators.{issue}",
            )
        if indicator(code).kind == "sum":
            raise DiagnosticError(
                f"[issue_indicators] {issue} : « {code} » ({indicator(code).label}) est un "
                "effectif, qui ne se compare pas d'un territoire à l'autre ; reliez l'enjeu à un "
                "taux ou à une part (par exemple taux_chomage).",
                file=file.name,
                column=f"issue_indicators.{issue}",
            )
        worse = worse or indicator(code).worse_when
        if worse not in ("higher", "lower"):
            raise DiagnosticError(
                f"[issue_indicators] {issue} : le sens de l'indicateur « {code} » n'est pas "
                f"connu ; précisez {_DIRECTIONS}.",
                file=file.name,
                column=f"issue_indicators.{issue}",
            )
        links.append(IndicatorLink(str(issue), code.strip(), worse))
    return tuple(links)


def output_folder() -> Path:
    """Folder for the files the notebooks and apps write: the ``DIAGNOSTIC_OUT`` environment
    variable (set by ``make app``), else a new temporary folder."""
    folder = os.environ.get("DIAGNOSTIC_OUT")
    path = Path(folder) if folder else Path(tempfile.mkdtemp(prefix="diagnostic-"))
    path.mkdir(parents=True, exist_ok=True)
    return path
