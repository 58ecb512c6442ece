"""The result of a run: every table of the diagnostic in one frozen `Diagnostic`."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import pandas as pd

from diagnostic.analysis.issues import (
    rank_issues,
)
from diagnostic.analysis.labels import actor_type_labels
from diagnostic.analysis.network import cooperation_graph
from diagnostic.analysis.synthesis import (
    afom,
    regard_croise,
)
from diagnostic.analysis.workshop import (
    RankComparison,
)
from diagnostic.anomalies import RowAccount
from diagnostic.project.file import Project
from diagnostic.schemas import conform
from diagnostic.settings import Settings


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
    # paroles d'acteurs (issue 21): free texts masked, their words, coding and quotes
    text_answers: pd.DataFrame = field(default_factory=pd.DataFrame)
    text_words: pd.DataFrame = field(default_factory=lambda: conform(pd.DataFrame(), "text_words"))
    text_codes: pd.DataFrame = field(default_factory=lambda: conform(pd.DataFrame(), "text_codes"))
    text_themes: pd.DataFrame = field(default_factory=pd.DataFrame)
    quotes: pd.DataFrame = field(default_factory=pd.DataFrame)

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
