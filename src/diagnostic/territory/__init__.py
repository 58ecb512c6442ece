"""Official geography: communes, EPCI, placing respondents on the map."""

from diagnostic.territory.communes import read_communes, read_epci
from diagnostic.territory.names import normalise_name
from diagnostic.territory.placing import place_actors

__all__ = ["normalise_name", "place_actors", "read_communes", "read_epci"]
