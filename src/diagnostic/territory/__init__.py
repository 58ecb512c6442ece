"""Official geography: communes, EPCI, vintages, indicators, comparisons, maps."""

from diagnostic.territory.aggregate import aggregate_indicators
from diagnostic.territory.codes import check_commune_code, normalise_codes
from diagnostic.territory.communes import (
    attach_epci,
    read_area_names,
    read_communes,
    read_epci,
)
from diagnostic.territory.compare import compare_territories
from diagnostic.territory.context import context, density_classes, participation
from diagnostic.territory.indicators import read_indicators
from diagnostic.territory.maps import boundary_differences
from diagnostic.territory.names import normalise_name
from diagnostic.territory.placing import place_actors
from diagnostic.territory.vintages import match_report, read_changes, to_vintage, vintage_mapping

__all__ = [
    "aggregate_indicators",
    "attach_epci",
    "boundary_differences",
    "check_commune_code",
    "compare_territories",
    "context",
    "density_classes",
    "match_report",
    "normalise_codes",
    "normalise_name",
    "participation",
    "place_actors",
    "read_area_names",
    "read_changes",
    "read_communes",
    "read_epci",
    "read_indicators",
    "to_vintage",
    "vintage_mapping",
]
