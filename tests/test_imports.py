"""The modules of ``kg`` import each other without a cycle and without reaching into each other's
``_private`` names; importing ``kg.cache`` does not load spaCy.

The import graph is read from the source with ``ast``: every ``import`` and ``from ... import``
statement counts, relative ones (``from . import x``) and those inside functions included, since
a function-level import that closes a cycle still ties the two modules together.
"""
from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "kg"



def module_name(path: Path, package: Path = PACKAGE) -> str:
    """``kg/extract/__init__.py`` -> ``kg.extract``; ``kg/build.py`` -> ``kg.build``."""
    parts = path.relative_to(package.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules(package: Path = PACKAGE) -> dict[str, Path]:
    return {module_name(path, package): path for path in sorted(package.rglob("*.py"))}


def _absolute(node: ast.ImportFrom, importer: str, is_package: bool) -> str:
    """The module a ``from`` import names, with a relative one resolved against ``importer``."""
    if not node.level:
        return node.module or ""
    base = importer.split(".")
    base = base[:len(base) - node.level + (1 if is_package else 0)]
    return ".".join(base + ([node.module] if node.module else []))


def imports(name: str, path: Path, known: set[str]) -> list[tuple[str, str | None]]:
    """(module imported, name taken from it or None) for every import statement of ``path`` that
    reaches a module of ``known``; ``from kg import query`` imports the module ``kg.query``."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found += [(alias.name, None) for alias in node.names if alias.name in known]
        elif isinstance(node, ast.ImportFrom):
            source = _absolute(node, name, path.name == "__init__.py")
            for alias in node.names:
                submodule = f"{source}.{alias.name}"
                if submodule in known:
                    found.append((submodule, None))
                elif source in known:
                    found.append((source, alias.name))
    return found


def _private_attributes(path: Path, known: set[str], name: str) -> list[tuple[str, str]]:
    """(module, attribute) for every ``module._name`` read through a module imported whole."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    bound: dict[str, str] = {}  # local name -> kg module
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name in known and alias.asname:
                    bound[alias.asname] = alias.name
        elif isinstance(node, ast.ImportFrom):
            source = _absolute(node, name, path.name == "__init__.py")
            for alias in node.names:
                if f"{source}.{alias.name}" in known:
                    bound[alias.asname or alias.name] = f"{source}.{alias.name}"
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and _is_private(node.attr):
            dotted = _dotted(node.value)
            module = bound.get(dotted, dotted)
            if module in known and module != name:
                found.append((module, node.attr))
    return found


def _dotted(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        head = _dotted(node.value)
        return f"{head}.{node.attr}" if head else None
    return None


def _is_private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def import_graph(package: Path = PACKAGE) -> nx.DiGraph:
    """importer -> imported, over the modules of ``package``."""
    found = modules(package)
    graph = nx.DiGraph()
    graph.add_nodes_from(found)
    for name, path in found.items():
        graph.add_edges_from((name, target) for target, _ in imports(name, path, set(found)) if target != name)
    return graph


def private_imports(package: Path = PACKAGE) -> set[tuple[str, str, str]]:
    """(importer, module, name) for every ``_private`` name a module takes from another."""
    found = modules(package)
    known = set(found)
    result = set()
    for name, path in found.items():
        result |= {(name, module, taken) for module, taken in imports(name, path, known)
                   if taken is not None and _is_private(taken) and module != name}
        result |= {(name, module, attribute) for module, attribute in _private_attributes(path, known, name)}
    return result


# --------------------------------------------------------------------------- the reader itself


def _write(root: Path, files: dict[str, str]) -> Path:
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root / "kg"


def test_the_reader_sees_relative_function_level_and_submodule_imports(tmp_path):
    package = _write(tmp_path, {
        "kg/__init__.py": "",
        "kg/a.py": "def f():\n    from kg import b\n",
        "kg/b.py": "from .sub import c\n",
        "kg/sub/__init__.py": "from . import c\n",
        "kg/sub/c.py": "import kg.a as alias\nx = alias._hidden\n",
    })
    graph = import_graph(package)
    assert set(graph.edges) == {("kg.a", "kg.b"), ("kg.b", "kg.sub.c"), ("kg.sub", "kg.sub.c"), ("kg.sub.c", "kg.a")}
    assert not nx.is_directed_acyclic_graph(graph)
    assert private_imports(package) == {("kg.sub.c", "kg.a", "_hidden")}


def test_the_reader_sees_a_private_name_taken_with_from(tmp_path):
    package = _write(tmp_path, {"kg/__init__.py": "", "kg/a.py": "_X = 1\n",
                                "kg/b.py": "from kg.a import _X\nfrom kg.a import __doc__\n"})
    assert private_imports(package) == {("kg.b", "kg.a", "_X")}
    assert set(import_graph(package).edges) == {("kg.b", "kg.a")}


# --------------------------------------------------------------------------- kg


def test_the_modules_of_kg_import_each_other_without_a_cycle():
    graph = import_graph()
    assert {"kg.build", "kg.distributed", "kg.cache", "kg.extract", "kg.model"} <= set(graph)
    cycles = list(nx.simple_cycles(graph))
    assert cycles == [], "import cycles: " + "; ".join(" -> ".join(c + c[:1]) for c in cycles)


def test_no_module_of_kg_takes_another_modules_private_name():
    assert private_imports() == set()


@pytest.mark.parametrize("module, unwanted", [("kg.cache", "spacy"), ("kg.model", "spacy")])
def test_importing_a_module_does_not_load_what_it_does_not_need(module, unwanted):
    code = f"import sys, {module}; assert {unwanted!r} not in sys.modules, '{module} loads {unwanted}'"
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=PACKAGE.parent)
    assert run.returncode == 0, run.stderr[-2000:]
