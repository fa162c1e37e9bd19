"""The night service's layers, read from its source: the parts a newcomer looks for are folders,
rules stay pure, and the parts facing the reader read other features only through queries."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import regiozorg.night

NIGHT = Path(regiozorg.night.__file__).parent
OTHER_FEATURES = ("regiozorg.network", "regiozorg.accounts", "regiozorg.beds", "regiozorg.roster")
# The modules that face the reader (routes, API models, commands) and the pure rules.
FACING = ("web.py", "api.py", "schemas.py", "cli.py", "rules.py")


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def _modules(names: tuple[str, ...]) -> list[Path]:
    return sorted(path for path in NIGHT.rglob("*.py") if path.name in names)


def test_the_night_services_parts_are_folders() -> None:
    for part in ("intake", "console", "setup", "reports"):
        assert (NIGHT / part / "__init__.py").is_file(), part


@pytest.mark.parametrize("path", _modules(FACING), ids=lambda p: str(p.relative_to(NIGHT)))
def test_routes_models_and_commands_read_other_features_only_through_queries(path: Path) -> None:
    leaks = {
        name for name in _imports(path) if name.startswith(OTHER_FEATURES) and ".models" in name
    }
    assert not leaks, f"{path.name} imports {sorted(leaks)}"


@pytest.mark.parametrize("path", _modules(("rules.py", "figures.py")), ids=lambda p: p.name)
def test_rules_are_pure(path: Path) -> None:
    impure = {
        name
        for name in _imports(path)
        if name.startswith(("sqlalchemy", "fastapi", "regiozorg.web", "regiozorg.db"))
    }
    assert not impure, f"{path.name} imports {sorted(impure)}"


def test_the_domain_does_not_import_the_web_layer() -> None:
    domain = _modules(("actions.py", "queries.py", "models.py", "history.py", "escalation.py"))
    for path in domain:
        web = {name for name in _imports(path) if name.startswith("regiozorg.web")}
        assert not web, f"{path.relative_to(NIGHT)} imports {sorted(web)}"
