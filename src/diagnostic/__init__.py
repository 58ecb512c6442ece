"""diagnostic — diagnostics partagés de territoire.

Read questionnaires and territorial data into pandas, find the common issues and the
cooperation opportunities of a territory's actors, explore them with the collective in
widget apps, and export a funder workbook, an HTML report and result tables.

This module is the public door: every name below, in pipeline order. Each is imported on
first use, so that ``import diagnostic`` (and the command line) stays fast; every other
module of the package is internal.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from diagnostic._lazy import lazy_getattr

__version__ = "0.1.0"

#: public name -> internal module, in pipeline order
_DOOR = {
    # errors, settings and table contracts
    "DiagnosticError": "diagnostic.errors",
    "Settings": "diagnostic.settings",
    "SCHEMAS": "diagnostic.schemas",
    "validate": "diagnostic.schemas",
    # read: questionnaires and their roles
    "Form": "diagnostic.forms",
    "read_form": "diagnostic.forms",
    "read_xlsform": "diagnostic.forms",
    "read_limesurvey_structure": "diagnostic.forms",
    "read_roles": "diagnostic.forms.roles",
    "write_roles": "diagnostic.forms.roles",
    "apply_roles": "diagnostic.forms",
    # read: platform exports
    "Survey": "diagnostic.readers",
    "detect_format": "diagnostic.readers",
    "read_responses": "diagnostic.readers",
    # read: territory
    "read_communes": "diagnostic.territory.communes",
    "read_epci": "diagnostic.territory.communes",
    "read_changes": "diagnostic.territory.vintages",
    "read_indicators": "diagnostic.territory.indicators",
    "place_actors": "diagnostic.territory.placing",
    "context": "diagnostic.territory.context",
    "participation": "diagnostic.territory.context",
    # analyse: issues
    "issue_responses": "diagnostic.analysis.issues",
    "group_matrix": "diagnostic.analysis.issues",
    "rank_issues": "diagnostic.analysis.issues",
    "find_divergences": "diagnostic.analysis.divergence",
    # analyse: cooperation
    "match_needs_offers": "diagnostic.analysis.cooperation",
    "find_projects": "diagnostic.analysis.projects",
    "read_statuses": "diagnostic.analysis.statuses",
    "apply_statuses": "diagnostic.analysis.statuses",
    "write_statuses": "diagnostic.analysis.statuses",
    "find_groups": "diagnostic.analysis.clusters",
    # analyse: workshop and synthesis
    "write_votes_template": "diagnostic.analysis.workshop",
    "read_votes": "diagnostic.analysis.workshop",
    "rank_votes": "diagnostic.analysis.workshop",
    "shared_priorities": "diagnostic.analysis.workshop",
    "afom": "diagnostic.analysis.synthesis",
    "regard_croise": "diagnostic.analysis.synthesis",
    # project: the whole run
    "Project": "diagnostic.project",
    "Diagnostic": "diagnostic.project",
    "read_project": "diagnostic.project",
    "run_diagnostic": "diagnostic.project",
    "output_folder": "diagnostic.project.file",
    "example_project": "diagnostic.datasets",
    # present: figures
    "participation_by_commune": "diagnostic.analysis.explore",
    "plot_participation": "diagnostic.plots",
    "plot_participation_by_commune": "diagnostic.plots",
    "plot_choropleth": "diagnostic.plots",
    "plot_issue_ranking": "diagnostic.plots",
    "plot_group_heatmap": "diagnostic.plots",
    "plot_regard_croise": "diagnostic.plots",
    "plot_vote_priorities": "diagnostic.plots",
    "plot_priority_slope": "diagnostic.plots",
    "plot_words": "diagnostic.plots",
    "specific_words": "diagnostic.export.paroles",
    "plot_project_resources": "diagnostic.plots",
    "plot_project_map": "diagnostic.plots",
    # present: apps
    "explorer_app": "diagnostic.apps.explorer",
    "roles_app": "diagnostic.apps.review",
    "cooperation_app": "diagnostic.apps.review",
    "votes_app": "diagnostic.apps.workshop",
    "collective_app": "diagnostic.apps.collective",
    "coding_app": "diagnostic.apps.paroles",
    "projects_app": "diagnostic.apps.collective",
    # present: exports
    "write_outputs": "diagnostic.export",
    "to_workbook": "diagnostic.export",
    "to_html": "diagnostic.export",
    "to_tables": "diagnostic.export",
}

__all__ = list(_DOOR)


__getattr__ = lazy_getattr(__name__, _DOOR)


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])


if TYPE_CHECKING:  # the door as static imports, for type checkers and editors
    from diagnostic.analysis.clusters import find_groups
    from diagnostic.analysis.cooperation import match_needs_offers
    from diagnostic.analysis.divergence import find_divergences
    from diagnostic.analysis.explore import participation_by_commune
    from diagnostic.analysis.issues import group_matrix, issue_responses, rank_issues
    from diagnostic.analysis.projects import find_projects
    from diagnostic.analysis.statuses import apply_statuses, read_statuses, write_statuses
    from diagnostic.analysis.synthesis import afom, regard_croise
    from diagnostic.analysis.workshop import (
        rank_votes,
        read_votes,
        shared_priorities,
        write_votes_template,
    )
    from diagnostic.apps.collective import collective_app, projects_app
    from diagnostic.apps.explorer import explorer_app
    from diagnostic.apps.paroles import coding_app
    from diagnostic.apps.review import cooperation_app, roles_app
    from diagnostic.apps.workshop import votes_app
    from diagnostic.datasets import example_project
    from diagnostic.errors import DiagnosticError
    from diagnostic.export import to_html, to_tables, to_workbook, write_outputs
    from diagnostic.export.paroles import specific_words
    from diagnostic.forms import (
        Form,
        apply_roles,
        read_form,
        read_limesurvey_structure,
        read_xlsform,
    )
    from diagnostic.forms.roles import read_roles, write_roles
    from diagnostic.plots import (
        plot_choropleth,
        plot_group_heatmap,
        plot_issue_ranking,
        plot_participation,
        plot_participation_by_commune,
        plot_priority_slope,
        plot_project_map,
        plot_project_resources,
        plot_regard_croise,
        plot_vote_priorities,
        plot_words,
    )
    from diagnostic.project.file import Project, output_folder, read_project
    from diagnostic.project.result import Diagnostic
    from diagnostic.project.run import run_diagnostic
    from diagnostic.readers import Survey, detect_format, read_responses
    from diagnostic.schemas import SCHEMAS, validate
    from diagnostic.settings import Settings
    from diagnostic.territory import (
        participation,
        place_actors,
        read_changes,
        read_communes,
        read_epci,
        read_indicators,
    )
    from diagnostic.territory.context import context
