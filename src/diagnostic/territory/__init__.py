"""Official geography: communes, EPCI, vintages, indicators, comparisons, maps.

Each name is imported on first use (as the package `diagnostic` does): reading a project
file needs the catalogue of indicators, not pandas. The function `context` is imported from
`diagnostic.territory.context`: named as its module, it would be shadowed by the module
once imported."""

from __future__ import annotations

from typing import TYPE_CHECKING

from diagnostic._lazy import lazy_getattr

#: public name -> its module
_NAMES = {
    "aggregate_indicators": "diagnostic.territory.aggregate",
    "check_commune_code": "diagnostic.territory.codes",
    "normalise_codes": "diagnostic.territory.codes",
    "attach_epci": "diagnostic.territory.communes",
    "read_area_names": "diagnostic.territory.communes",
    "read_communes": "diagnostic.territory.communes",
    "read_epci": "diagnostic.territory.communes",
    "compare_territories": "diagnostic.territory.compare",
    "density_classes": "diagnostic.territory.context",
    "participation": "diagnostic.territory.context",
    "read_indicators": "diagnostic.territory.indicators",
    "boundary_differences": "diagnostic.territory.maps",
    "normalise_name": "diagnostic.territory.names",
    "place_actors": "diagnostic.territory.placing",
    "match_report": "diagnostic.territory.vintages",
    "read_changes": "diagnostic.territory.vintages",
    "to_vintage": "diagnostic.territory.vintages",
    "vintage_mapping": "diagnostic.territory.vintages",
}
__getattr__ = lazy_getattr(__name__, _NAMES)

if TYPE_CHECKING:
    from diagnostic.territory.aggregate import aggregate_indicators
    from diagnostic.territory.codes import check_commune_code, normalise_codes
    from diagnostic.territory.communes import (
        attach_epci,
        read_area_names,
        read_communes,
        read_epci,
    )
    from diagnostic.territory.compare import compare_territories
    from diagnostic.territory.context import density_classes, participation
    from diagnostic.territory.indicators import read_indicators
    from diagnostic.territory.maps import boundary_differences
    from diagnostic.territory.names import normalise_name
    from diagnostic.territory.placing import place_actors
    from diagnostic.territory.vintages import (
        match_report,
        read_changes,
        to_vintage,
        vintage_mapping,
    )

__all__ = [
    "aggregate_indicators",
    "attach_epci",
    "boundary_differences",
    "check_commune_code",
    "compare_territories",
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
