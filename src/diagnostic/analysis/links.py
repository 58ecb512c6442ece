"""What a project file links to the regard croisé: its reference levels and the issues'
indicators. Kept apart from `synthesis` so that reading a project file needs no pandas
(the command starts parsing the answers as soon as it has read the project file)."""

from __future__ import annotations

from dataclasses import dataclass

#: Reference levels of the regard croisé, narrowest first (see `context`).
REFERENCE_LEVELS = ("EPCI", "département", "région", "France")


@dataclass(frozen=True)
class IndicatorLink:
    """An issue linked to an indicator ([issue_indicators] in the project file).

    `worse_when` is ``"higher"`` when a higher value is unfavourable to the territory
    (unemployment), ``"lower"`` when a lower one is (median income).
    """

    issue_id: str
    indicator: str
    worse_when: str
