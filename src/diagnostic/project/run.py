"""The diagnostic project file (TOML) and the Diagnostic object holding every result."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd

from diagnostic._io.progress import bar
from diagnostic._io.text import read_toml
from diagnostic.analysis.clusters import find_groups
from diagnostic.analysis.cooperation import match_needs_offers, unrecognised_willingness
from diagnostic.analysis.decisions import apply_decisions
from diagnostic.analysis.divergence import find_divergences, type_similarity
from diagnostic.analysis.issues import (
    group_matrix,
    issue_responses,
    rank_issues,
    untyped_anomalies,
)
from diagnostic.analysis.labels import actor_type_labels, relabel_mix, resource_labels, role_labels
from diagnostic.analysis.network import cooperation_graph
from diagnostic.analysis.projects import commune_layout, find_projects
from diagnostic.analysis.statuses import apply_statuses
from diagnostic.analysis.synthesis import (
    REFERENCE_LEVELS,
    IndicatorLink,
    afom,
    indicator_gaps,
    regard_croise,
)
from diagnostic.analysis.workshop import (
    RankComparison,
    compare_rankings,
    read_votes,
    shared_priorities,
)
from diagnostic.anomalies import KEPT, AnomalyLog, RowAccount, concat_anomalies
from diagnostic.errors import DiagnosticError
from diagnostic.forms import Form, apply_roles, read_form
from diagnostic.forms.lists import with_other_choice
from diagnostic.forms.scales import fixed_lists, order_scales
from diagnostic.i18n import text
from diagnostic.privacy.pseudonyms import keyed, project_secret
from diagnostic.project.stacking import stack_surveys, survey_names
from diagnostic.readers import read_responses
from diagnostic.schemas import conform
from diagnostic.settings import Settings
from diagnostic.territory import (
    attach_epci,
    boundary_differences,
    context,
    match_report,
    participation,
    place_actors,
    read_changes,
    read_communes,
    read_epci,
    read_indicators,
)
from diagnostic.territory.catalogue import indicator
from diagnostic.territory.maps import read_boundaries


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


def _path(base: Path, value, key: str, file: Path) -> Path:
    if not isinstance(value, str) or not value.strip():
        raise DiagnosticError(f"la clé « {key} » doit être un chemin de fichier.", file=file.name)
    path = (base / value).resolve()
    if not path.exists():
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
        for key in ("changes", "boundaries")
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
        **optional,
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

    def opt(table, key, name):
        return _path(base, table[key], name, file) if table.get(key) else None

    return {
        "votes": opt(workshop, "votes", "votes"),
        "statuses": opt(workshop, "opportunities", "opportunities"),
        "decisions": opt(workshop, "projects", "projects"),
        "centroids": opt(geo, "centroids", "centroids"),
        "issue_indicators": _issue_indicators(data.get("issue_indicators") or {}, file),
    }


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
    indicators: pd.DataFrame | None = None
    # analyse (issue 5)
    divergence: pd.DataFrame = field(default_factory=lambda: conform(pd.DataFrame(), "divergence"))
    type_similarity: pd.DataFrame = field(
        default_factory=lambda: conform(pd.DataFrame(), "type_similarity")
    )
    votes: pd.DataFrame = field(default_factory=lambda: conform(pd.DataFrame(), "votes"))
    shared_priorities: pd.DataFrame = field(
        default_factory=lambda: conform(pd.DataFrame(), "shared_priorities")
    )
    rank_comparison: RankComparison | None = None
    regard_croise: pd.DataFrame = field(
        default_factory=lambda: conform(pd.DataFrame(), "regard_croise")
    )
    afom: pd.DataFrame = field(default_factory=lambda: conform(pd.DataFrame(), "afom"))
    # several questionnaires (issue 3): where each questionnaire's question went
    question_map: pd.DataFrame = field(
        default_factory=lambda: conform(pd.DataFrame(), "question_map")
    )
    # cooperation projects (issue 15): the short list a workshop acts on
    cooperation_projects: pd.DataFrame = field(
        default_factory=lambda: conform(pd.DataFrame(), "cooperation_projects")
    )

    @property
    def settings(self) -> Settings:
        return self.project.settings

    def rank_issues(self, actor_types=None) -> pd.DataFrame:
        """Issue ranking restricted to some actor types (all when None)."""
        responses = self.responses
        if actor_types:
            responses = responses[responses["actor_type"].isin(list(actor_types))]
        return rank_issues(
            responses, self.settings, actor_type_labels(self.questions, self.choices)
        )

    def cooperation_graph(self):
        """Actors, issues and resources as a networkx graph (see `cooperation_graph`)."""
        return cooperation_graph(
            self.actors, self.responses, self.needs, self.offers, self.opportunities
        )

    def with_indicator_gaps(self, gaps: pd.DataFrame) -> Diagnostic:
        """A copy with the regard croisé and AFOM computed from indicator gaps (issue_id, gap)."""
        cross = regard_croise(self.issue_ranking, gaps, self.settings)
        return replace(
            self,
            regard_croise=cross,
            afom=afom(
                self.issue_ranking,
                self.opportunities,
                cross,
                self.shared_priorities if len(self.votes) else None,
                language=self.settings.language,
            ),
        )


def area_codes(territory, communes: pd.DataFrame) -> set[str]:
    """Commune codes of the study area from EPCI SIREN codes and/or commune codes."""
    wanted = set(territory)
    codes = set(
        communes.loc[
            communes["epci_code"].isin(wanted) | communes["commune_code"].isin(wanted),
            "commune_code",
        ]
    )
    if wanted and not codes:
        raise DiagnosticError(
            f"aucune commune ne correspond au territoire {', '.join(sorted(wanted))} dans le "
            "fichier des communes.",
            column="territory",
        )
    return codes or set(communes["commune_code"])


def _inferred(survey) -> Form:
    """The form a reader inferred from the data, so that a roles sheet can complete it."""
    return Form(
        survey.file, survey.file, None, survey.questions, survey.choices, survey.anomalies.iloc[0:0]
    )


def read_surveys(project: Project) -> list:
    """Read every questionnaire of `project` (forms, roles, exports) into `Survey` tables.

    Actor ids are keyed by the project's secret (created on first run, see
    `project_secret`) and each questionnaire's distinct name: two questionnaires never
    share an id.
    """
    secret = project_secret(project.file.parent)
    names = survey_names(project.surveys, [spec.label for spec in project.surveys])
    surveys = []
    for spec, name in zip(project.surveys, names):
        form = (
            read_form(spec.form, language=project.language, roles=spec.roles) if spec.form else None
        )
        incomplete = project.settings.include_incomplete
        with keyed(secret, name):
            survey = read_responses(
                spec.responses, form, actor_type=spec.actor_type, include_incomplete=incomplete
            )
            if form is None and spec.roles:  # roles for questions inferred from the data
                survey = read_responses(
                    spec.responses,
                    apply_roles(_inferred(survey), spec.roles),
                    actor_type=spec.actor_type,
                    include_incomplete=incomplete,
                )
        surveys.append(survey)
    return surveys


def run_diagnostic(project: Project, surveys: list | None = None) -> Diagnostic:
    """Read every input of `project` and compute every result table.

    `surveys`, when given (from `read_surveys`), are used instead of reading the exports again.
    """
    settings = project.settings
    with bar(total=6, description="Diagnostic") as stages:  # drawn only if it takes a while
        stages.set_postfix_str("géographie et indicateurs", refresh=False)
        communes, epci, indicators, changes, geo_anomalies = _read_geography(project)
        area = area_codes(project.territory, communes)
        stages.update()
        stages.set_postfix_str("questionnaires", refresh=False)
        if surveys is None:
            surveys = read_surveys(project)
        stacked = stack_surveys(
            surveys,
            [spec.label for spec in project.surveys],
            [spec.same_as for spec in project.surveys],
            file=project.file.name,
        )
        surveys, questions, choices = stacked.surveys, stacked.questions, stacked.choices
        choices = _ordered_choices(project, questions, choices)
        cat = lambda name: pd.concat([getattr(s, name) for s in surveys], ignore_index=True)  # noqa: E731
        if project.communes is None:
            _need_communes(surveys, project.file)
        stages.update()
        stages.set_postfix_str("acteurs et communes", refresh=False)
        actors, placing = place_actors(cat("actors"), communes, settings, area=area)
        placing = _once_without_commune_question(placing, surveys)
        stages.update()
        stages.set_postfix_str("enjeux", refresh=False)
        answers, needs, offers = cat("answers"), cat("needs"), cat("offers")  # joined once
        choices = with_other_choice(
            questions, choices, answers, text("category.other", settings.language)
        )
        try:
            responses = issue_responses(
                answers, cat("asked"), questions, choices, actors, settings, scales=project.scales
            )
        except DiagnosticError as exc:
            raise DiagnosticError(str(exc), file=project.file.name) from None
        labels = resource_labels(questions, choices)
        stages.update()
        stages.set_postfix_str("contexte territorial", refresh=False)
        ctx, moved = context(
            communes,
            epci,
            area,
            actors,
            indicators,
            settings,
            changes,
            extra=tuple(link.indicator for link in project.issue_indicators),
            with_anomalies=True,
        )
        stages.update()
        stages.set_postfix_str("convergences, coopération, groupes", refresh=False)
        analysis = _analysis(
            project,
            responses,
            needs,
            offers,
            actors,
            actor_type_labels(questions, choices),
            labels,
            ctx,
            indicators,
            communes,
            questions,
            choices,
        )
        stages.update()
    return Diagnostic(
        project=project,
        questions=questions,
        choices=choices,
        actors=actors,
        personal=cat("personal"),
        answers=answers,
        responses=responses,
        needs=needs,
        offers=offers,
        communes=communes,
        epci=epci,
        participation=participation(actors, communes, area, indicators),
        context=ctx,
        anomalies=concat_anomalies(
            [s.anomalies for s in surveys]
            + [stacked.anomalies]
            + [placing, untyped_anomalies(actors)]
            + geo_anomalies
            + [moved]
            + analysis.pop("_anomalies")
        ),
        accounts=tuple(a for s in surveys for a in (s.account, *s.repeat_accounts))
        + analysis.pop("_accounts"),
        indicators=indicators,
        question_map=stacked.question_map,
        **analysis,
    )


def _ordered_choices(project: Project, questions, choices) -> pd.DataFrame:
    """The choices with every scale ordered by meaning, or by the project's ``[scales]``."""
    by_question = dict(zip(questions["question_id"], questions["list_name"]))
    lists = set(choices["list_name"].dropna())
    stated = {}
    for key, levels in project.scales.items():
        list_name = key if key in lists else by_question.get(key)
        if key in by_question and not isinstance(list_name, str):
            continue  # a question without a list (numbers): its levels are read in the issues
        if not isinstance(list_name, str) or list_name not in lists:
            raise DiagnosticError(
                f"[scales] : « {key} » n'est ni une liste de choix ni une question à choix du "
                f"projet. Listes : {', '.join(sorted(lists)[:20])}.",
                file=project.file.name,
                column="scales",
            )
        stated[list_name] = levels
    scale = (questions["type"] == "likert") | (questions["role"] == "issue_importance")
    scale_lists = set(questions.loc[scale.fillna(False).to_numpy(dtype=bool), "list_name"].dropna())
    try:
        return order_scales(choices, scale_lists, stated, fixed=fixed_lists(questions))
    except KeyError as exc:
        raise DiagnosticError(
            f"[scales] : l'ordre donné ne cite pas le(s) niveau(x) "
            f"{', '.join(f'« {v} »' for v in exc.args[0])} ; citez chaque niveau de la liste, "
            "du plus bas au plus haut.",
            file=project.file.name,
            column="scales",
        ) from None


def _once_without_commune_question(placing: pd.DataFrame, surveys) -> pd.DataFrame:
    """A survey that asks no commune: one anomaly saying so, not one per respondent."""
    lines = []
    for survey in surveys:
        if (survey.questions["role"] == "commune").any() or survey.actors.empty:
            continue
        unplaced = (placing["file"] == survey.file) & placing["problem"].str.startswith(
            "commune non renseignée"
        ).fillna(False)
        placing = placing[~unplaced.to_numpy(dtype=bool)]
        log = AnomalyLog(survey.file)
        log.add(
            f"aucune question de commune dans ce questionnaire : ses {len(survey.actors)} "
            "répondants ne sont pas placés sur le territoire",
            KEPT,
        )
        lines.append(log.frame())
    return concat_anomalies([*lines, placing]) if lines else placing


def _need_communes(surveys, file: Path) -> None:
    """A project without a communes file is fine only if no survey asks for a commune."""
    for survey in surveys:
        asked = survey.questions.loc[survey.questions["role"] == "commune", "label"]
        if len(asked) and survey.actors["commune_name"].notna().any():
            raise DiagnosticError(
                f"l'enquête {survey.file} a une question de commune (« {asked.iloc[0]} ») : "
                "indiquez le fichier des communes dans la section [geography] "
                '(communes = "…").',
                file=file.name,
            )


def _labelled_groups(clusters: pd.DataFrame, types: dict) -> pd.DataFrame:
    """Groups whose composition names actor types by their labels, not their codes."""
    return clusters.assign(actor_types=relabel_mix(clusters["actor_types"], types or {}))


def _regard(project: Project, ranking, ctx, indicators):
    """The regard croisé of the issues linked to indicators, and the links left out."""
    links = project.issue_indicators
    name = project.file.name
    unknown = [link.issue_id for link in links if link.issue_id not in set(ranking["issue_id"])]
    if unknown:
        raise DiagnosticError(
            f"[issue_indicators] : enjeu inconnu « {unknown[0]} ». Enjeux du questionnaire : "
            f"{', '.join(ranking['issue_id'])}.",
            file=name,
        )
    if indicators is None:
        raise DiagnosticError(
            "[issue_indicators] relie des enjeux à des indicateurs, mais le "
            "projet ne déclare aucun fichier d'indicateurs ([[indicators]]).",
            file=name,
        )
    known = set(indicators["indicator"])
    missing = [link for link in links if link.indicator not in known]
    if missing:
        raise DiagnosticError(
            f"[issue_indicators] {missing[0].issue_id} : l'indicateur « {missing[0].indicator} » "
            f"n'est dans aucun fichier d'indicateurs. Indicateurs disponibles : "
            f"{', '.join(sorted(known))}.",
            file=name,
        )
    gaps, found = indicator_gaps(ctx, links, project.settings, file=name)
    return regard_croise(ranking, gaps, project.settings), found


def _analysis(
    project: Project,
    responses,
    needs,
    offers,
    actors,
    types,
    labels,
    ctx=None,
    indicators=None,
    communes=None,
    questions=None,
    choices=None,
) -> dict:
    """Every analysis table of issue 5: issues, divergence, cooperation, groups, workshop,
    regard croisé."""
    settings = project.settings
    matrix = group_matrix(responses, settings)
    ranking = rank_issues(responses, settings, types, matrix=matrix)
    coords = _read_centroids(project.centroids) if project.centroids else None
    will_labels = role_labels(questions, choices, "cooperation") if questions is not None else {}
    opportunities = match_needs_offers(
        needs, offers, actors, labels, settings, coords, types, willingness_labels=will_labels
    )
    neighbours: set = set()
    if project.boundaries:  # contours: neighbouring communes, and centroids if none given
        drawn, neighbours = commune_layout(read_boundaries(project.boundaries))
        coords = coords if coords is not None else drawn
    if project.statuses:
        opportunities = apply_statuses(opportunities, project.statuses)
    projects = find_projects(
        opportunities,
        actors,
        needs,
        offers,
        category_labels=labels,
        type_labels=types,
        communes=communes,
        coordinates=coords,
        responses=responses,
        neighbours=neighbours,
        settings=settings,
        willingness_labels=will_labels,
    )
    decided = []
    if project.decisions:
        projects, found = apply_decisions(projects, project.decisions)
        decided = [found]
    out = {
        "issue_ranking": ranking,
        "group_matrix": matrix,
        "divergence": find_divergences(responses, settings, types, matrix=matrix),
        "type_similarity": type_similarity(responses, settings, types, matrix=matrix),
        "opportunities": opportunities,
        "cooperation_projects": projects,
        "clusters": _labelled_groups(find_groups(responses, settings), types),
        "_anomalies": decided + [unrecognised_willingness(actors, will_labels)],
        "_accounts": (),
    }
    shared = None
    if project.votes:
        read = read_votes(project.votes, ranking["issue_id"])
        shared = shared_priorities(ranking, read.votes)
        out.update(
            votes=read.votes,
            shared_priorities=shared,
            rank_comparison=compare_rankings(shared, settings.language),
            _anomalies=out["_anomalies"] + [read.anomalies],
            _accounts=(read.account,),
        )
    regard = None
    if project.issue_indicators:
        regard, found = _regard(project, ranking, ctx, indicators)
        out.update(regard_croise=regard, _anomalies=out["_anomalies"] + [found])
    out["afom"] = afom(ranking, opportunities, regard, shared, labels, settings.language)
    return out


def _read_geography(project: Project):
    """Communes (with EPCI), indicators, commune changes and the anomalies found reading them."""
    if project.communes is None:  # no territory: no geography at all
        return conform(pd.DataFrame(), "communes"), conform(pd.DataFrame(), "epci"), None, None, []
    communes, found = read_communes(project.communes, with_anomalies=True)
    anomalies = [found]
    epci = conform(pd.DataFrame(), "epci")
    if project.epci:
        epci, members, found = read_epci(project.epci, with_anomalies=True)
        communes = attach_epci(communes, members)
        current = communes.loc[communes["type"] == "COM", "commune_code"]
        anomalies += [
            found,
            match_report(
                current,
                members["commune_code"],
                file=project.communes.name,
                reference_name=project.epci.name,
            ),
        ]
    changes = read_changes(project.changes) if project.changes else None
    tables = []
    for path in project.indicators:
        table, found = read_indicators(path, with_anomalies=True)
        tables.append(table)
        anomalies.append(found)
    indicators = pd.concat(tables, ignore_index=True) if tables else None
    if project.boundaries:
        current = communes.loc[communes["type"] == "COM", "commune_code"]
        anomalies.append(
            boundary_differences(
                read_boundaries(project.boundaries), current, file=project.boundaries.name
            )
        )
    return communes, epci, indicators, changes, anomalies


def _read_centroids(path) -> pd.DataFrame:
    """commune_code, lat, lon of the ``[geography] centroids`` file, through the safe reader."""
    from diagnostic.readers.tables import read_table

    frame = read_table(path).frame
    missing = [c for c in ("commune_code", "lat", "lon") if c not in frame.columns]
    if missing:
        raise DiagnosticError(
            f"colonnes manquantes dans le fichier des centres de communes : {', '.join(missing)}.",
            file=Path(path).name,
            row=1,
        )
    coords = frame[["commune_code", "lat", "lon"]].astype("string")
    for col in ("lat", "lon"):
        values = pd.to_numeric(coords[col].str.replace(",", ".", regex=False), errors="coerce")
        bad = values.isna() & coords[col].notna()
        if bad.any():
            row = int(bad.to_numpy().argmax()) + 2
            raise DiagnosticError(
                "coordonnée illisible : attendu un nombre décimal.",
                file=Path(path).name,
                row=row,
                column=col,
            )
        coords[col] = values.astype(float)
    return coords


def output_folder() -> Path:
    """Folder for the files the notebooks and apps write: the ``DIAGNOSTIC_OUT`` environment
    variable (set by ``make app``), else a new temporary folder."""
    folder = os.environ.get("DIAGNOSTIC_OUT")
    path = Path(folder) if folder else Path(tempfile.mkdtemp(prefix="diagnostic-"))
    path.mkdir(parents=True, exist_ok=True)
    return path
