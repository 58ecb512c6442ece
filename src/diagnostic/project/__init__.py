"""The project file, the run's stages and the Diagnostic result; several questionnaires
stacked into one survey.

Names are loaded on first use: reading a project file (``diagnostic inspect``) does not
import the analyses.
"""

from __future__ import annotations

from diagnostic._lazy import lazy_getattr

_NAMES = {
    "Project": "diagnostic.project.file",
    "read_project": "diagnostic.project.file",
    "Diagnostic": "diagnostic.project.result",
    "run_diagnostic": "diagnostic.project.run",
}
__all__ = list(_NAMES)


__getattr__ = lazy_getattr(__name__, _NAMES)
