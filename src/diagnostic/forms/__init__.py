"""Questionnaire definitions: XLSForm (and, later, LimeSurvey structures, roles sheets)."""

from diagnostic.forms.model import Form
from diagnostic.forms.xlsform import read_xlsform

__all__ = ["Form", "read_xlsform"]
