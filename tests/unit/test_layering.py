"""The layering of docs/ARCHITECTURE.md, read from the source with ``ast``: every module imports
on its own; the lowest layer knows no feature; rules are pure; the domain knows no web; a
feature's web, API, rules, schemas and command line read no other feature's tables.

Imports anywhere in a file count, also those inside functions (a hidden cycle is still a
cycle) and under ``TYPE_CHECKING`` (a type from above is still knowledge of above).
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
import textwrap
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "regiozorg"
ROOT = "regiozorg"

# The layers below the features, lowest first: a module imports from its own layer or lower.
LAYERS: tuple[frozenset[str], ...] = (
    frozenset({"config", "clock", "errors", "i18n", "csv_export", "edge_text"}),
    frozenset({"db"}),
    frozenset({"transaction", "audit", "auth", "events"}),
)
# Not features: the shared web layer and the message catalogs.
NOT_FEATURES = frozenset({"web", "locale"})
# A feature's entry points from outside: HTML and JSON routes, the command line.
ENTRY_POINTS = frozenset({"web", "api", "cli"})
# Modules that may not read another feature's tables (docs/ARCHITECTURE.md, the feature boundary).
NO_OTHER_MODELS = frozenset({"web", "api", "rules", "schemas", "cli"})
# What a rule may not touch: it is pure, no database, no session, no web.
IMPURE = ("sqlalchemy", "psycopg", "regiozorg.db", "regiozorg.transaction", "regiozorg.web")

OTHER_TABLES = "reads another feature's tables"
LOWER_IMPORTS_HIGHER = "a lower layer imports a higher"


@dataclass(frozen=True, order=True)
class Violation:
    rule: str
    module: str
    imported: str


# --- reading the source ----------------------------------------------------------------------


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def sources() -> dict[str, str]:
    """Every module of the package by dotted name, with its source."""
    return {module_name(path): path.read_text() for path in sorted(PACKAGE.rglob("*.py"))}


def imports_of(
    name: str, source: str, known: Iterable[str] = (), *, is_package: bool = False
) -> frozenset[str]:
    """The dotted names ``name`` imports anywhere in its source: ``from a.b import c`` gives
    ``a.b.c`` when that is a module (in ``known``), else ``a.b``."""
    modules = set(known)
    package = name if is_package else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            if base == "__future__":
                continue
            for alias in node.names:
                candidate = f"{base}.{alias.name}"
                found.add(candidate if candidate in modules else base)
    return frozenset(found)


def graph(modules: Mapping[str, str]) -> dict[str, frozenset[str]]:
    packages = {name.rpartition(".")[0] for name in modules}
    return {
        name: imports_of(name, source, modules, is_package=name in packages)
        for name, source in modules.items()
    }


def _within(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(f"{prefix}.")


def feature_of(name: str) -> str | None:
    """The feature a module belongs to (``night`` for ``regiozorg.night.intake.api`` too)."""
    parts = name.split(".")
    if len(parts) < 3 or parts[0] != ROOT or parts[1] in NOT_FEATURES:
        return None
    return parts[1]


def kind_of(name: str) -> str:
    """What a module of a feature is, by its file name: ``web`` for ``web.py`` and
    ``reports_web.py`` alike."""
    last = name.rpartition(".")[2]
    suffix = last.rpartition("_")[2]
    return suffix if suffix in ENTRY_POINTS else last


def layer_of(name: str) -> int | None:
    parts = name.split(".")
    if len(parts) != 2 or parts[0] != ROOT:
        return None
    return next((i for i, layer in enumerate(LAYERS) if parts[1] in layer), None)


# --- the rules -------------------------------------------------------------------------------


def violations(imports: Mapping[str, frozenset[str]]) -> set[Violation]:
    """Every import that breaks a rule. The domain is all of a feature but its entry points:
    rules, actions, queries, models, and the read models and workers beside them."""
    found: set[Violation] = set()
    for module, imported in imports.items():
        own_layer = layer_of(module)
        feature = feature_of(module)
        kind = kind_of(module)
        for target in imported:
            if feature and kind == "rules" and any(_within(target, p) for p in IMPURE):
                found.add(Violation("rules are pure", module, target))
            if not _within(target, ROOT) or target == ROOT:
                continue
            if own_layer is not None:
                target_layer = layer_of(target)
                if target_layer is None or target_layer > own_layer:
                    found.add(Violation(LOWER_IMPORTS_HIGHER, module, target))
            if feature is None:
                continue
            if kind not in ENTRY_POINTS and _is_web(target):
                found.add(Violation("domain imports web", module, target))
            if (
                kind in NO_OTHER_MODELS
                and kind_of(target) == "models"
                and feature_of(target) not in (None, feature)
            ):
                found.add(Violation(OTHER_TABLES, module, target))
    return found


def _is_web(name: str) -> bool:
    """The web layer: ``regiozorg.web`` and every feature's routes."""
    return _within(name, f"{ROOT}.web") or (
        feature_of(name) is not None and kind_of(name) in {"web", "api"}
    )


# --- the tests on this code base -------------------------------------------------------------


@pytest.fixture(scope="module")
def imports() -> dict[str, frozenset[str]]:
    return graph(sources())


def test_no_new_violation_of_the_layering(imports: dict[str, frozenset[str]]) -> None:
    new = sorted(violations(imports))
    assert not new, "\n".join(f"{v.rule}: {v.module} imports {v.imported}" for v in new)


def test_the_lowest_layer_loads_no_feature(imports: dict[str, frozenset[str]]) -> None:
    """What ``db`` and ``transaction`` bring along, all the way down."""
    for start in ("regiozorg.db", "regiozorg.transaction"):
        reached, todo = set(), [start]
        while todo:
            module = todo.pop()
            if module in reached:
                continue
            reached.add(module)
            todo.extend(t for t in imports.get(module, ()) if _within(t, ROOT))
        features = sorted(m for m in reached if feature_of(m) or _within(m, f"{ROOT}.web"))
        assert not features, f"{start} loads {features}"


# --- the rules catch a new violation (a made-up module source) --------------------------------


def _made_up(name: str, source: str) -> set[Violation]:
    modules = {**sources(), name: textwrap.dedent(source)}
    imported = graph(modules)
    return {v for v in violations(imported) if v.module == name}


def test_a_rule_that_opens_a_session_is_caught() -> None:
    found = _made_up("regiozorg.beds.rules", "from sqlalchemy.orm import Session\n")
    assert Violation("rules are pure", "regiozorg.beds.rules", "sqlalchemy.orm") in found


def test_a_rule_in_a_sub_package_that_reads_the_database_is_caught() -> None:
    found = _made_up("regiozorg.night.intake.rules", "from regiozorg.db import Base\n")
    assert Violation("rules are pure", "regiozorg.night.intake.rules", "regiozorg.db") in found


def test_an_action_that_imports_the_web_layer_is_caught() -> None:
    source = """
        def hold() -> None:
            from regiozorg.web.deps import SessionDep  # hidden in a function, still found
    """
    found = _made_up("regiozorg.beds.actions", source)
    assert Violation("domain imports web", "regiozorg.beds.actions", "regiozorg.web.deps") in found


def test_a_page_that_reads_another_feature_s_tables_is_caught() -> None:
    found = _made_up("regiozorg.beds.web", "from regiozorg.night.models import Incident\n")
    assert found == {Violation(OTHER_TABLES, "regiozorg.beds.web", "regiozorg.night.models")}


def test_a_query_may_read_another_feature_s_tables() -> None:
    assert not _made_up("regiozorg.beds.queries", "from regiozorg.network.models import Location\n")


def test_db_importing_a_feature_is_caught() -> None:
    source = """
        def make_engine() -> None:
            import regiozorg.schema
    """
    found = _made_up("regiozorg.db", source)
    assert Violation(LOWER_IMPORTS_HIGHER, "regiozorg.db", "regiozorg.schema") in found


def test_transaction_importing_a_feature_is_caught() -> None:
    source = "from regiozorg.beds import events\n"
    found = _made_up("regiozorg.transaction", source)
    assert found == {
        Violation(LOWER_IMPORTS_HIGHER, "regiozorg.transaction", "regiozorg.beds.events")
    }


def test_relative_imports_are_read_too() -> None:
    found = _made_up("regiozorg.night.rules", "from ..web import deps\nfrom . import models\n")
    assert Violation("rules are pure", "regiozorg.night.rules", "regiozorg.web.deps") in found
    assert imports_of(
        "regiozorg.night.rules", "from . import models\n", ["regiozorg.night.models"]
    ) == {"regiozorg.night.models"}


# --- every module imports on its own ---------------------------------------------------------

# Runs in a fresh interpreter that has loaded no regiozorg module: it imports the libraries
# the package uses once, then forks a child per module, which imports that module alone (an
# import cycle fails there as it would under ``python -c "import regiozorg.x"``), a few at a
# time. Forking after the libraries are loaded is what keeps 100 fresh starts within seconds.
IMPORT_EACH = """
import importlib, os, sys, traceback

libraries, modules = sys.argv[1].split(","), sys.argv[2].split(",")
for library in libraries:
    try:
        importlib.import_module(library)
    except Exception:
        pass  # a library missing here fails the module that imports it, below
assert not any(m == "regiozorg" or m.startswith("regiozorg.") for m in sys.modules)

failed, running, todo = [], {}, list(modules)
while todo or running:
    while todo and len(running) < max(os.cpu_count() or 1, 2):
        module = todo.pop(0)
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(read)
            try:
                importlib.import_module(module)
                code = 0
            except BaseException:
                os.write(write, traceback.format_exc()[-4000:].encode())
                code = 1
            os._exit(code)
        os.close(write)
        running[pid] = (module, read)
    pid, status = os.wait()
    module, read = running.pop(pid)
    told = os.read(read, 8000).decode(errors="replace")
    os.close(read)
    if status:
        failed.append(f"{module}:\\n{told}")
print("\\n".join(failed))
sys.exit(1 if failed else 0)
"""


def _import_each(
    libraries: Iterable[str], modules: Iterable[str], *, path: Path | None = None
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(path)} if path else None
    return subprocess.run(
        [sys.executable, "-c", IMPORT_EACH, ",".join(libraries), ",".join(modules)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env=env,
    )


needs_fork = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")


@needs_fork
def test_every_module_imports_on_its_own(imports: dict[str, frozenset[str]]) -> None:
    imported = {target for targets in imports.values() for target in targets}
    libraries = sorted(name for name in imported if not _within(name, ROOT))
    done = _import_each(libraries, sorted(name for name in imports if name != ROOT))
    assert done.returncode == 0, f"not importable on their own:\n{done.stdout}{done.stderr}"


@needs_fork
def test_an_import_cycle_is_caught(tmp_path: Path) -> None:
    package = tmp_path / "cyclic"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "low.py").write_text("from cyclic.high import HIGH\n\nLOW = 1\n")
    (package / "high.py").write_text("from cyclic.low import LOW\n\nHIGH = LOW + 1\n")
    done = _import_each([], ["cyclic.low"], path=tmp_path)
    assert done.returncode == 1
    assert "cyclic.low" in done.stdout and "partially initialized" in done.stdout


def test_the_night_services_parts_are_folders(imports: dict[str, frozenset[str]]) -> None:
    """A newcomer finds the night service's parts by name: alarms coming in, the desk's
    overview, one incident, whose alarm it was, the set-up and the reports."""
    for part in ("intake", "console", "incidents", "senders", "setup", "reports"):
        assert f"regiozorg.night.{part}" in imports, part
