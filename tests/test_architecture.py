"""The package's own rules, checked on its source: one way in for files, no private
imports across modules, no import cycle, and a README that describes the tree as it is."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import networkx as nx
import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "diagnostic"


def _modules() -> dict[str, Path]:
    out = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


MODULES = _modules()
TREES = {name: ast.parse(path.read_text(encoding="utf-8")) for name, path in MODULES.items()}


def _load_time_imports(body):
    """Imports run when the module loads: not those under ``if TYPE_CHECKING`` nor the
    ones inside functions (loaded on first use)."""
    for node in body:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            continue
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node
        elif isinstance(node, ast.If):
            yield from _load_time_imports(node.body)
            yield from _load_time_imports(node.orelse)
        elif isinstance(node, ast.Try):
            yield from _load_time_imports(node.body)


def test_no_module_imports_another_modules_private_name():
    found = []
    for name, tree in TREES.items():
        for node in ast.walk(tree):
            if not (
                isinstance(node, ast.ImportFrom) and (node.module or "").startswith("diagnostic")
            ):
                continue
            for alias in node.names:
                private = alias.name.startswith("_") and not alias.name.startswith("__")
                # a private *module* (diagnostic._io, analysis._codes) is the package's own
                if private and f"{node.module}.{alias.name}" not in MODULES:
                    found.append(f"{name}: from {node.module} import {alias.name}")
    assert found == []


def test_no_import_cycle_at_load_time():
    graph = nx.DiGraph()
    for name, tree in TREES.items():
        graph.add_node(name)
        for node in _load_time_imports(tree.body):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("diagnostic"):
                for alias in node.names:
                    target = f"{node.module}.{alias.name}"
                    graph.add_edge(name, target if target in MODULES else node.module)
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name.startswith("diagnostic"):
                        graph.add_edge(name, alias.name)
    assert list(nx.simple_cycles(graph)) == []


#: calls that open or parse a file by themselves; only `diagnostic._io` may make them
FILE_CALLS = re.compile(
    r"\b(open|read_csv|read_excel|read_parquet|read_json|load_workbook|"
    r"read_text|read_bytes|write_text|write_bytes|json\.load|tomllib\.load|ElementTree\.parse)\("
)


def test_files_are_opened_only_in_io():
    found = []
    for name, path in MODULES.items():
        if name.startswith("diagnostic._io"):
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            code = line.split("#", 1)[0]
            for match in FILE_CALLS.finditer(code):
                before = code[: match.start()]
                # our own readers and writers (diagnostic._io.text.read_json…) are the way in
                if match.group(1) in {"read_text", "read_json", "write_text"} and not re.search(
                    r"\.\s*$", before
                ):
                    continue
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert found == []


def _architecture_block() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Architecture", 1)[1]
    return section.split("```", 2)[1]


@pytest.mark.parametrize(
    "entry",
    sorted(
        p.name
        for p in PACKAGE.iterdir()
        if (p.suffix == ".py" or (p.is_dir() and (p / "__init__.py").exists()))
        and p.name not in {"__init__.py", "_lazy.py", "__main__.py"}
    ),
)
def test_readme_architecture_names_every_part_of_the_tree(entry):
    name = entry if entry.endswith(".py") else f"{entry}/"
    assert re.search(rf"(^|\s){re.escape(name)}(\s|$)", _architecture_block(), re.M), name


def test_readme_architecture_names_nothing_that_is_gone():
    named = re.findall(r"^\s{2}([\w]+(?:\.py|/))\s", _architecture_block(), re.M)
    assert named, "the block lists the package's parts, two spaces in"
    for name in named:
        assert (PACKAGE / name.rstrip("/")).exists(), name


def test_the_door_opens_on_every_name_it_lists():
    import diagnostic

    missing = [name for name in diagnostic.__all__ if getattr(diagnostic, name, None) is None]
    assert missing == []
    assert 50 <= len(diagnostic.__all__) <= 80
