"""The installed package has every module: `pip install .` (not editable) copies only the
packages pyproject.toml names, so a new sub-package must be named there too."""

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_every_python_package_is_installed() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    named = set(project["tool"]["setuptools"]["packages"])
    found = {
        ".".join(init.parent.relative_to(ROOT).parts)
        for top in ("bot", "dialogs")
        for init in (ROOT / top).rglob("__init__.py")
    }
    assert found - named == set(), "add these to [tool.setuptools] packages"
