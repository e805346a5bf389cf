"""The install: every data folder is a declared package, so setuptools installs it and says nothing."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_every_folder_of_web_cypher_and_seeds_is_a_declared_package():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    declared = set(config["packages"])
    mapped = {package: ROOT / folder for package, folder in config["package-dir"].items()}
    assert mapped == {
        "graphcrm.cypher": ROOT / "cypher",
        "graphcrm.seeds": ROOT / "seeds",
        "graphcrm.web": ROOT / "web",
    }
    for package, folder in mapped.items():
        for sub in [folder, *sorted(p for p in folder.rglob("*") if p.is_dir() and p.name != "__pycache__")]:
            name = ".".join([package, *sub.relative_to(folder).parts])
            assert name in declared, f"{sub} is not in pyproject.toml's packages: add {name!r}"


def test_every_package_of_graphcrm_is_declared():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    for init in sorted((ROOT / "graphcrm").rglob("__init__.py")):
        name = ".".join(init.parent.relative_to(ROOT).parts)
        assert name in config["packages"], f"{init.parent} is not in pyproject.toml's packages: add {name!r}"
