"""Questionnaire definitions: XLSForm, LimeSurvey structures (.txt, .lss), roles sheets."""

from diagnostic.forms.limesurvey import read_limesurvey_structure
from diagnostic.forms.model import Form
from diagnostic.forms.roles import apply_roles, read_form
from diagnostic.forms.xlsform import read_xlsform

__all__ = ["Form", "apply_roles", "read_form", "read_limesurvey_structure", "read_xlsform"]
