"""ipywidgets apps: the explorer, the cooperation review, the roles sheet and the workshop
votes, and the collective's app that puts them on one page.

Internal: the apps are re-exported by :mod:`diagnostic`.
"""
