"""Every threshold and weight of the diagnostic, with defaults, in one frozen dataclass."""

from __future__ import annotations

from dataclasses import dataclass, fields, replace

from diagnostic.errors import DiagnosticError

#: French description of each setting, printed in the method sheet of every report.
DESCRIPTIONS = {
    "min_group_size": "Taille minimale d'un groupe pour afficher un pourcentage",
    "support_threshold": "Soutien minimal pour qu'un type d'acteurs « partage » un enjeu",
    "top_box": "Nombre de niveaux du haut de l'échelle comptés comme « important »",
    "transversal_share": "Part des types d'acteurs éligibles qui rend un enjeu transversal",
    "divisive_gap": "Écart de soutien entre types qui rend un enjeu clivant",
    "fuzzy_threshold": "Score minimal (0-100) pour rapprocher un nom de commune mal orthographié",
    "max_offers_per_need": "Nombre maximal d'offres proposées pour chaque besoin",
    "min_mutualisation": "Nombre minimal d'acteurs partageant un besoin pour une mutualisation",
    "weight_category": "Poids de la catégorie de ressource dans le score d'une piste",
    "weight_text": "Poids de la proximité des précisions écrites",
    "weight_geo": "Poids de la proximité géographique",
    "weight_willingness": "Poids de la volonté de coopérer",
    "cluster_jaccard": "Recouvrement (Jaccard) à partir duquel deux groupes d'acteurs fusionnent",
    "notable_gap_index": "Écart d'indice (zone d'étude / référence × 100) à partir duquel un écart "
    "est jugé notable",
    "notable_gap_points": "Écart en points de pourcentage à partir duquel l'écart d'un taux est "
    "jugé notable",
    "language": "Langue des rapports (fr ou en)",
    # analyse: divergence, cooperation, groups, workshop
    "divergence_alpha": "Seuil des tests d'écart entre types (après correction de "
    "Benjamini-Hochberg)",
    "similarity_top_k": "Nombre de priorités de chaque type comparées entre types d'acteurs",
    "geo_half_distance_km": "Distance (km) à laquelle la proximité géographique vaut 0,5",
    "max_candidates": "Offres examinées par besoin à chaque échelle (commune, EPCI, territoire)",
    "reciprocal_bonus": "Bonus de score d'un échange réciproque",
    "max_reciprocal": "Nombre maximal d'échanges réciproques publiés (les meilleurs scores d'une "
    "recherche exhaustive)",
    "network_min_actors": "Nombre minimal d'acteurs pour l'analyse de réseau",
    "network_max_actors": "Nombre maximal d'acteurs pour l'analyse de réseau (coût en paires)",
    "network_alpha": "Seuil du test hypergéométrique pour relier deux acteurs",
    "louvain_runs": "Nombre de graines de la détection de communautés (Louvain)",
    "louvain_stability": "Part des graines où deux acteurs doivent être réunis (noyau stable)",
    "priority_threshold": "Soutien à partir duquel un enjeu est perçu comme prioritaire",
    "gap_threshold": "Écart statistique à partir duquel un enjeu est objectivé",
    "regard_reference": "Territoire de référence du regard croisé (EPCI, département, région "
    "ou France ; à défaut, le niveau suivant disponible)",
    # cooperation projects
    "max_projects": "Nombre maximal de projets de coopération proposés",
    "max_projects_per_offerer": "Nombre maximal de projets reposant sur un même acteur qui offre",
    "project_max_actors": "Nombre maximal d'acteurs dans un projet de coopération",
    "project_radius_km": "Distance (km) entre communes en deçà de laquelle des acteurs peuvent "
    "se réunir (à défaut de coordonnées : même intercommunalité)",
    "include_incomplete": "Inclure les réponses incomplètes (questionnaire non terminé, "
    "brouillon) dans les analyses",
}

#: English description of each setting (``language = "en"``).
DESCRIPTIONS_EN = {
    "min_group_size": "Minimum size of a group for a percentage to be shown",
    "support_threshold": "Minimum support for an actor type to “share” an issue",
    "top_box": "Number of levels at the top of the scale counted as “important”",
    "transversal_share": "Share of the eligible actor types that makes an issue cross-cutting",
    "divisive_gap": "Support gap between types that makes an issue divisive",
    "fuzzy_threshold": "Minimum score (0-100) to match a misspelt commune name",
    "max_offers_per_need": "Maximum number of offers proposed for each need",
    "min_mutualisation": "Minimum number of actors sharing a need for a shared-need lead",
    "weight_category": "Weight of the resource category in the score of a lead",
    "weight_text": "Weight of the similarity of the written details",
    "weight_geo": "Weight of geographic proximity",
    "weight_willingness": "Weight of the willingness to cooperate",
    "cluster_jaccard": "Overlap (Jaccard) from which two groups of actors merge",
    "notable_gap_index": "Index gap (study area / reference × 100) from which a gap is notable",
    "notable_gap_points": "Gap in percentage points from which the gap of a rate is notable",
    "language": "Language of the reports (fr or en)",
    "divergence_alpha": "Threshold of the tests of gaps between types (after "
    "Benjamini-Hochberg correction)",
    "similarity_top_k": "Number of priorities of each type compared between actor types",
    "geo_half_distance_km": "Distance (km) at which geographic proximity is 0.5",
    "max_candidates": "Offers examined per need at each scale (commune, EPCI, territory)",
    "reciprocal_bonus": "Score bonus of a reciprocal exchange",
    "max_reciprocal": "Maximum number of reciprocal exchanges published (the best scores of an "
    "exhaustive search)",
    "network_min_actors": "Minimum number of actors for the network analysis",
    "network_max_actors": "Maximum number of actors for the network analysis (cost in pairs)",
    "network_alpha": "Threshold of the hypergeometric test linking two actors",
    "louvain_runs": "Number of seeds of the community detection (Louvain)",
    "louvain_stability": "Share of the seeds in which two actors must be together (stable core)",
    "priority_threshold": "Support from which an issue is perceived as a priority",
    "gap_threshold": "Statistical gap from which an issue is borne out by the data",
    "regard_reference": "Reference territory of the cross-check (EPCI, département, région "
    "or France; otherwise the next level available)",
    "max_projects": "Maximum number of cooperation projects proposed",
    "max_projects_per_offerer": "Maximum number of projects resting on one offering actor",
    "project_max_actors": "Maximum number of actors in one cooperation project",
    "project_radius_km": "Distance (km) between communes within which actors can meet "
    "(without coordinates: same intercommunality)",
    "include_incomplete": "Include incomplete responses (questionnaire not finished, draft) "
    "in the analyses",
}


#: Settings of earlier versions, and what replaced them (a project file naming one is told so).
RETIRED = {
    "max_exhaustive_pairs": "les échanges réciproques sont désormais tous cherchés, à toute "
    "taille ; « max_reciprocal » fixe combien sont publiés (les meilleurs scores).",
}


@dataclass(frozen=True)
class Settings:
    """Thresholds and weights; change them with `Settings.from_mapping` or `replace`."""

    min_group_size: int = 5
    support_threshold: float = 0.30
    top_box: int = 2
    transversal_share: float = 0.6
    divisive_gap: float = 0.4
    fuzzy_threshold: float = 88.0
    max_offers_per_need: int = 3
    min_mutualisation: int = 3
    weight_category: float = 0.4
    weight_text: float = 0.1
    weight_geo: float = 0.3
    weight_willingness: float = 0.2
    cluster_jaccard: float = 0.6
    notable_gap_index: float = 15.0
    notable_gap_points: float = 5.0
    language: str = "fr"
    divergence_alpha: float = 0.05
    similarity_top_k: int = 5
    geo_half_distance_km: float = 10.0
    max_candidates: int = 10
    reciprocal_bonus: float = 0.1
    max_reciprocal: int = 1000
    network_min_actors: int = 30
    network_max_actors: int = 3000
    network_alpha: float = 0.05
    louvain_runs: int = 20
    louvain_stability: float = 0.8
    priority_threshold: float = 0.5
    gap_threshold: float = 0.1
    regard_reference: str = "département"
    max_projects: int = 15
    max_projects_per_offerer: int = 2
    project_max_actors: int = 8
    project_radius_km: float = 15.0
    include_incomplete: bool = False

    @classmethod
    def from_mapping(cls, values: dict, *, file=None) -> Settings:
        """Build settings from a project file's `[settings]` table, checking names and types."""
        known = {f.name: f for f in fields(cls)}
        clean = {}
        for key, value in values.items():
            if key in RETIRED:
                raise DiagnosticError(
                    f"le réglage « {key} » n'existe plus : {RETIRED[key]} "
                    "Retirez-le du fichier de projet.",
                    file=file,
                )
            if key not in known:
                raise DiagnosticError(
                    f"réglage inconnu « {key} ». Réglages possibles : {', '.join(known)}.",
                    file=file,
                )
            default = getattr(cls, key)
            if isinstance(default, bool):
                if not isinstance(value, bool):
                    raise DiagnosticError(
                        f"le réglage « {key} » doit valoir true ou false, reçu « {value} ».",
                        file=file,
                    )
                clean[key] = value
                continue
            try:
                clean[key] = type(default)(value)
            except (TypeError, ValueError):
                raise DiagnosticError(
                    f"le réglage « {key} » doit être du type {type(default).__name__}, "
                    f"reçu « {value} ».",
                    file=file,
                ) from None
        return replace(cls(), **clean)  # type: ignore[arg-type]

    def describe(self, language: str = "fr") -> list[tuple[str, object, str]]:
        """Return (name, value, description) for every setting, described in `language`."""
        described = DESCRIPTIONS_EN if language == "en" else DESCRIPTIONS
        return [(f.name, getattr(self, f.name), described[f.name]) for f in fields(self)]
