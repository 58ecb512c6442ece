"""Personal data: detection, masking and the public shape of per-actor tables.

Internal: exports and apps call it before anything leaves the library.
"""
