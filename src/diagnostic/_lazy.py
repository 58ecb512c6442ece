"""Names of a package loaded on first use (PEP 562), so that importing the package stays fast."""

from __future__ import annotations

import importlib


def lazy_getattr(package: str, names: dict[str, str]):
    """A module ``__getattr__`` that imports ``names[name]`` (a module) when `name` is first
    asked for, and remembers it in the package."""

    def __getattr__(name: str):
        module = names.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(module), name)
        setattr(importlib.import_module(package), name, value)  # later look-ups are direct
        return value

    return __getattr__
