"""The project file, the run's stages and the Diagnostic result; several questionnaires
stacked into one survey.
"""

from diagnostic.project.run import Diagnostic, Project, read_project, run_diagnostic

__all__ = ["Diagnostic", "Project", "read_project", "run_diagnostic"]
