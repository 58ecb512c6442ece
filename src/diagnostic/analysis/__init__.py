"""Analyses of the loaded survey: issues and their tallies, divergence and tests,
cooperation (pairs and statuses), clusters, the network, the workshop and the synthesis.

Internal: the public names are re-exported by :mod:`diagnostic`.
"""
