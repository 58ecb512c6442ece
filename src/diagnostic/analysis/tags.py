"""The profile codes of an issue (`issue_ranking.tag`): one home, read by the ranking, the
contrasts and the synthesis, put in words at the edge (`diagnostic.i18n.localize`)."""

TRANSVERSAL = "transversal"
SPECIFIC = "spécifique à un groupe"
DIVISIVE = "clivant"
MINOR = "peu partagé"
