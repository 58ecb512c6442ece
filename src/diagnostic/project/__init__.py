"""The project file, the run's stages and the Diagnostic result; several questionnaires
stacked into one survey.

Names are loaded on first use: reading a project file (``diagnostic inspect``) does not
import the analyses.
"""

from __future__ import annotations

import importlib

_NAMES = {
    "Project": "diagnostic.project.file",
    "read_project": "diagnostic.project.file",
    "Diagnostic": "diagnostic.project.result",
    "run_diagnostic": "diagnostic.project.run",
}
__all__ = list(_NAMES)


def __getattr__(name: str):
    if name not in _NAMES:
        raise AttributeError(f"module 'diagnostic.project' has no attribute {name!r}")
    return getattr(importlib.import_module(_NAMES[name]), name)
