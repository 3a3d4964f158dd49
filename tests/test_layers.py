"""The import contracts in pyproject.toml ([tool.importlinter]) hold, a wrong import breaks them,
and every module of crawler/ has its place in the layers."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LINT = [str(Path(sys.executable).with_name("lint-imports"))]  # import-linter's command, from the dev extras


def lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run([*LINT, str(root / "pyproject.toml"), "--no-cache"], cwd=root, env=env,
                          capture_output=True, text=True, timeout=120)


def test_the_import_contracts_hold() -> None:
    run = lint_imports(ROOT)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
    assert "BROKEN" not in run.stdout


def test_a_stage_importing_a_command_breaks_the_contracts(tmp_path: Path) -> None:
    for name in ("crawler", "pipelines", "settings", "demo"):
        shutil.copytree(ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    floor = tmp_path / "pipelines" / "textunits.py"
    floor.write_text(floor.read_text(encoding="utf-8") + "\nimport crawler.commands.report  # noqa\n", encoding="utf-8")
    run = lint_imports(tmp_path)
    assert run.returncode != 0
    assert "pipelines import only the floor of crawler BROKEN" in run.stdout
    assert "pipelines.textunits -> crawler.commands.report" in run.stdout


def test_every_crawler_module_has_a_layer() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contract = next(c for c in config["tool"]["importlinter"]["contracts"] if c["id"] == "crawler-layers")
    placed = {name.strip() for layer in contract["layers"] for name in layer.replace(":", "|").split("|")}
    modules = {p.stem for p in (ROOT / "crawler").glob("*.py") if p.stem != "__init__"}
    modules |= {p.name for p in (ROOT / "crawler").iterdir() if (p / "__init__.py").is_file()}
    assert modules - placed == set(), "give these crawler modules a layer in pyproject.toml"
    assert placed - modules == set(), "the layers name modules that do not exist"


_IMPORT_EVERY_MODULE = """
import importlib, pkgutil, sys
for package in ("crawler", "pipelines", "settings", "demo"):
    for info in pkgutil.walk_packages(importlib.import_module(package).__path__, package + "."):
        importlib.import_module(info.name)
        if "twisted.internet.reactor" in sys.modules:
            print(info.name)
            sys.exit(0)
print("none")
"""


def test_importing_a_module_installs_no_reactor() -> None:
    """``import twisted.internet.reactor`` installs Twisted's default reactor when none is yet; a
    module doing it at its top, imported before Scrapy installs its asyncio reactor (by a test, a
    spider module, a script), leaves Scrapy a reactor it refuses. The modules import it where
    they use it."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    run = subprocess.run([sys.executable, "-c", _IMPORT_EVERY_MODULE], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.strip() == "none", f"importing {run.stdout.strip()} installs a reactor"
