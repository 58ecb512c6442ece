"""Questionnaire definitions: XLSForm, LimeSurvey structures (.txt, .lss), roles sheets.

Names are loaded on first use: reading an export without its questionnaire (``diagnostic
inspect``) imports neither the XLSForm nor the LimeSurvey reader.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from diagnostic._lazy import lazy_getattr

_NAMES = {
    "Form": "diagnostic.forms.model",
    "apply_roles": "diagnostic.forms.roles",
    "read_form": "diagnostic.forms.roles",
    "read_limesurvey_structure": "diagnostic.forms.limesurvey",
    "read_xlsform": "diagnostic.forms.xlsform",
}
__all__ = list(_NAMES)


__getattr__ = lazy_getattr(__name__, _NAMES)

if TYPE_CHECKING:  # the same names as static imports, for type checkers and editors
    from diagnostic.forms.limesurvey import read_limesurvey_structure as read_limesurvey_structure
    from diagnostic.forms.model import Form as Form
    from diagnostic.forms.roles import apply_roles as apply_roles
    from diagnostic.forms.roles import read_form as read_form
    from diagnostic.forms.xlsform import read_xlsform as read_xlsform
