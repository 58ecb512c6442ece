"""The run's stages: read the questionnaires, place the actors, compare the territory,
analyse, in one pass that gives a `Diagnostic`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from diagnostic._io.progress import bar
from diagnostic.analysis.clusters import find_groups
from diagnostic.analysis.cooperation import match_needs_offers, unrecognised_willingness
from diagnostic.analysis.decisions import apply_decisions
from diagnostic.analysis.divergence import find_divergences, type_similarity
from diagnostic.analysis.issues import (
    group_matrix,
    issue_cells,
    issue_responses,
    rank_issues,
    untyped_anomalies,
)
from diagnostic.analysis.labels import actor_type_labels, relabel_mix, resource_labels, role_labels
from diagnostic.analysis.projects import commune_layout, find_projects
from diagnostic.analysis.statuses import apply_statuses
from diagnostic.analysis.synthesis import (
    afom,
    indicator_gaps,
    regard_croise,
)
from diagnostic.analysis.text import paroles, spoken_issues, with_spoken
from diagnostic.analysis.workshop import (
    compare_rankings,
    read_votes,
    shared_priorities,
)
from diagnostic.anomalies import KEPT, AnomalyLog, concat_anomalies
from diagnostic.errors import DiagnosticError
from diagnostic.forms import Form, apply_roles, read_form
from diagnostic.forms.lists import with_other_choice
from diagnostic.forms.scales import fixed_lists, order_scales
from diagnostic.i18n import text
from diagnostic.privacy.disclosure import public_actors
from diagnostic.privacy.pseudonyms import keyed, project_secret
from diagnostic.project.file import Project
from diagnostic.project.result import Diagnostic
from diagnostic.project.stacking import stack_surveys, survey_names, unoffered_options
from diagnostic.readers import read_responses
from diagnostic.schemas import conform
from diagnostic.territory import (
    attach_epci,
    boundary_differences,
    match_report,
    participation,
    place_actors,
    read_area_names,
    read_changes,
    read_communes,
    read_epci,
    read_indicators,
)
from diagnostic.territory.context import context
from diagnostic.territory.maps import read_boundaries


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


def run_diagnostic(
    project: Project, surveys: list | None = None, loaded=None, matched=None
) -> Diagnostic:
    """Read every input of `project` and compute every result table.

    `surveys`, when given (from `read_surveys`), are used instead of reading the exports again.
    `loaded`, when given, is called once the answers are loaded, before the analyses, with
    the tables they need not (keywords: see `export.data_sheet.LoadedData`): the outputs
    made of them alone can start (`export.outputs`). `matched`, likewise, once the
    cooperation pairs are final, before the projects and the groups (keywords: see
    `export.MatchedData`): the cooperation network can start.
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
        listed = [spec.form is not None for spec in project.surveys]
        stacked = stack_surveys(
            surveys,
            [spec.label for spec in project.surveys],
            [spec.same_as for spec in project.surveys],
            file=project.file.name,
            listed=listed,
        )
        surveys, questions, choices = stacked.surveys, stacked.questions, stacked.choices  # type: ignore[assignment]
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
        personal = cat("personal")
        if loaded is not None:
            loaded(
                questions=questions,
                choices=choices,
                actors=actors,
                personal=personal,
                answers=answers,
                epci=epci,
                settings=settings,
            )
        try:
            responses = issue_responses(
                answers,
                cat("asked"),
                questions,
                choices,
                actors,
                settings,
                scales=project.scales,
                unoffered=unoffered_options(stacked, listed),
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
            area_names=_area_names(project),
            with_anomalies=True,
        )
        stages.update()
        stages.set_postfix_str("convergences, coopération, groupes", refresh=False)
        texts = paroles(
            answers,
            questions,
            actors,
            personal,
            codes_file=project.text_codes,
            quotes_file=project.text_quotes,
            language=settings.language,
            min_group_size=settings.min_group_size,
        )
        text_anomalies = texts.pop("text_anomalies")
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
            text_codes=texts["text_codes"],
            matched=None
            if matched is None
            else lambda opportunities: matched(
                settings=settings,
                questions=questions,
                choices=choices,
                actors=actors,
                personal=personal,
                communes=communes,
                opportunities=opportunities,
            ),
        )
        stages.update()
    return Diagnostic(
        project=project,
        questions=questions,
        choices=choices,
        actors=actors,
        personal=personal,
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
            + analysis.anomalies
            + text_anomalies
        ),
        accounts=tuple(a for s in surveys for a in (s.account, *s.repeat_accounts))
        + analysis.accounts,
        indicators=indicators,
        question_map=stacked.question_map,
        **texts,
        **analysis.tables,
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


@dataclass(frozen=True)
class _Analysis:
    """The analysis tables of a run, with what reading the workshop and indicator files
    reported."""

    tables: dict
    anomalies: list
    accounts: tuple


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
    text_codes=None,
    matched=None,
) -> _Analysis:
    """Every analysis table: issues, divergence, cooperation, groups, workshop, regard
    croisé, with the anomalies and row accounts of the files read on the way. `matched`,
    when given, is called with the final pairs (statuses applied) as soon as they are."""
    settings = project.settings
    matrix = group_matrix(responses, settings)
    cells = issue_cells(responses)  # counted once for the ranking and the divergence
    ranking = rank_issues(responses, settings, types, matrix=matrix, cells=cells)
    coords = read_centroids(project.centroids) if project.centroids else None
    will_labels = role_labels(questions, choices, "cooperation") if questions is not None else {}
    opportunities = match_needs_offers(
        needs, offers, actors, labels, settings, coords, types, willingness_labels=will_labels
    )
    coords, neighbours = project_geography(project)
    # decisions saved on the public view (no withheld actor) attach to their rows
    hidden = public_actors(actors, settings.min_group_size).withheld
    if project.statuses:
        opportunities = apply_statuses(opportunities, project.statuses, hidden=hidden)
    if matched is not None:
        matched(opportunities)
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
    if project.decisions_file.exists():  # none before the workshop's first save
        projects, found = apply_decisions(projects, project.decisions_file, hidden=hidden)
        decided = [found]
    out = {
        "issue_ranking": ranking,
        "group_matrix": matrix,
        "divergence": find_divergences(responses, settings, types, matrix=matrix, cells=cells),
        "type_similarity": type_similarity(responses, settings, types, matrix=matrix),
        "opportunities": opportunities,
        "cooperation_projects": projects,
        "clusters": _labelled_groups(find_groups(responses, settings), types),
    }
    anomalies = [*decided, unrecognised_willingness(actors, will_labels)]
    accounts: tuple = ()
    shared = None
    if project.votes:
        read = read_votes(project.votes, ranking["issue_id"])
        shared = shared_priorities(ranking, read.votes)
        out.update(
            votes=read.votes,
            shared_priorities=shared,
            rank_comparison=compare_rankings(shared, settings.language),
        )
        anomalies.append(read.anomalies)
        accounts = (read.account,)
    regard = None
    if project.issue_indicators:
        regard, found = _regard(project, ranking, ctx, indicators)
        out["regard_croise"] = regard
        anomalies.append(found)
    spoken = spoken_issues(text_codes, ranking) if text_codes is not None else None
    out["afom"] = afom(
        ranking,
        opportunities,
        regard,
        shared,
        labels,
        settings.language,
        spoken=spoken,
        reciprocal_limit=settings.max_reciprocal,
    )
    if spoken is not None and len(spoken):  # the issue's profile says it was raised unprompted
        out["issue_ranking"] = with_spoken(ranking, spoken, settings.language)
    return _Analysis(out, anomalies, accounts)


def _area_names(project: Project) -> dict:
    """The départements' and régions' names the project gives ([geography])."""
    return {
        level: read_area_names(path)
        for level, path in (("département", project.departements), ("région", project.regions))
        if path
    }


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
        if project.territory:  # contours are drawn for the study area, not all the geography
            current = current[current.isin(area_codes(project.territory, communes))]
        anomalies.append(
            boundary_differences(
                read_boundaries(project.boundaries), current, file=project.boundaries.name
            )
        )
    return communes, epci, indicators, changes, anomalies


def project_geography(project: Project) -> tuple[pd.DataFrame | None, set]:
    """The communes' centroids and neighbouring pairs `find_projects` reads: the
    ``[geography] centroids`` file, else the centroids of the contours; the neighbours from
    the contours (none without them)."""
    coords = read_centroids(project.centroids) if project.centroids else None
    neighbours: set = set()
    if project.boundaries:  # contours: neighbouring communes, and centroids if none given
        drawn, neighbours = commune_layout(read_boundaries(project.boundaries))
        coords = coords if coords is not None else drawn
    return coords, neighbours


def read_centroids(path) -> pd.DataFrame:
    """commune_code, lat, lon of the ``[geography] centroids`` file, through the safe reader."""
    from diagnostic._io.tables import read_table

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
