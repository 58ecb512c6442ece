"""diagnostic — diagnostics partagés de territoire.

Read questionnaires and territorial data into pandas, find the common issues and the
cooperation opportunities of a territory's actors, and export a funder workbook.
"""

# errors, settings and table contracts
from diagnostic.analysis.clusters import find_groups, find_issue_groups
from diagnostic.analysis.cooperation import haversine_km, match_needs_offers, normalise_text
from diagnostic.analysis.divergence import find_divergences, newcombe_interval, type_similarity
from diagnostic.analysis.explore import (
    count_likert,
    likert_answers,
    participation_by_commune,
    prepare_explorer,
    resource_network,
)
from diagnostic.analysis.issues import (
    consensus,
    group_matrix,
    issue_responses,
    rank_issues,
)

# analyse
from diagnostic.analysis.labels import actor_type_labels
from diagnostic.analysis.network import actor_links, cooperation_graph, find_actor_communities
from diagnostic.analysis.statuses import apply_statuses, read_statuses, write_statuses
from diagnostic.analysis.synthesis import IndicatorLink, afom, indicator_gaps, regard_croise
from diagnostic.analysis.workshop import (
    add_votes,
    compare_priorities,
    compare_rankings,
    empty_votes,
    rank_votes,
    read_votes,
    shared_priorities,
    write_votes_template,
)
from diagnostic.datasets import example_project, write_example
from diagnostic.errors import DiagnosticError
from diagnostic.export import (
    opportunity_graph,
    to_gexf,
    to_html,
    to_kumu,
    to_tables,
    to_workbook,
    write_outputs,
)

# read: questionnaires, response exports, territory
from diagnostic.forms import Form, apply_roles, read_form, read_limesurvey_structure, read_xlsform
from diagnostic.forms.roles import questions_without_role, read_roles, with_roles, write_roles

# present
from diagnostic.plots import (
    plot_choropleth,
    plot_commune_map,
    plot_cooperation_network,
    plot_group_heatmap,
    plot_issue_ranking,
    plot_likert,
    plot_opportunities_table,
    plot_participation,
    plot_participation_by_commune,
    plot_priority_slope,
    plot_regard_croise,
    plot_vote_priorities,
)

# project: several questionnaires stacked, then the whole run
from diagnostic.project.equivalence import match_questions
from diagnostic.project.run import Diagnostic, Project, read_project, run_diagnostic
from diagnostic.project.stacking import stack_surveys
from diagnostic.readers import (
    Survey,
    detect_format,
    read_google_forms,
    read_kobo,
    read_limesurvey,
    read_odk,
    read_responses,
)
from diagnostic.schemas import SCHEMAS, conform
from diagnostic.settings import Settings
from diagnostic.territory import (
    aggregate_indicators,
    check_commune_code,
    compare_territories,
    context,
    density_classes,
    normalise_name,
    participation,
    place_actors,
    read_changes,
    read_communes,
    read_epci,
    read_indicators,
    to_vintage,
)

__all__ = [
    # errors, settings and table contracts
    "DiagnosticError",
    "Settings",
    "SCHEMAS",
    "conform",
    # read
    "Form",
    "read_xlsform",
    "read_limesurvey_structure",
    "read_form",
    "apply_roles",
    "Survey",
    "detect_format",
    "read_kobo",
    "read_odk",
    "read_limesurvey",
    "read_google_forms",
    "read_responses",
    "normalise_name",
    "place_actors",
    "read_communes",
    "read_epci",
    "check_commune_code",
    "read_changes",
    "read_indicators",
    "to_vintage",
    # analyse
    "consensus",
    "group_matrix",
    "issue_responses",
    "rank_issues",
    "match_needs_offers",
    "find_issue_groups",
    "context",
    "participation",
    "aggregate_indicators",
    "compare_territories",
    "density_classes",
    "plot_commune_map",
    "actor_type_labels",
    "find_divergences",
    "newcombe_interval",
    "type_similarity",
    "haversine_km",
    "normalise_text",
    "apply_statuses",
    "read_statuses",
    "find_groups",
    "actor_links",
    "cooperation_graph",
    "find_actor_communities",
    "compare_rankings",
    "read_votes",
    "shared_priorities",
    "write_votes_template",
    "afom",
    "regard_croise",
    "IndicatorLink",
    "indicator_gaps",
    # project
    "match_questions",
    "stack_surveys",
    "Diagnostic",
    "Project",
    "read_project",
    "run_diagnostic",
    "example_project",
    "write_example",
    # present
    "plot_group_heatmap",
    "plot_issue_ranking",
    "plot_participation",
    "plot_participation_by_commune",
    "plot_likert",
    "plot_choropleth",
    "plot_cooperation_network",
    "plot_opportunities_table",
    "plot_priority_slope",
    "plot_regard_croise",
    "plot_vote_priorities",
    "count_likert",
    "likert_answers",
    "participation_by_commune",
    "prepare_explorer",
    "resource_network",
    "questions_without_role",
    "read_roles",
    "with_roles",
    "write_roles",
    "write_statuses",
    "add_votes",
    "compare_priorities",
    "empty_votes",
    "rank_votes",
    "opportunity_graph",
    "to_gexf",
    "to_html",
    "to_kumu",
    "to_tables",
    "to_workbook",
    "write_outputs",
]
__version__ = "0.1.0"
