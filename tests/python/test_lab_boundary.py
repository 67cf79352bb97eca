"""The product never depends on the lab.

`open_segments` is what runs inside `dbt build` and the commands a user runs on a built warehouse;
`open_segments_lab` (generator, benchmark, accuracy reports, peer comparisons, cross-engine and
portability checks) measures it. A product module that imported the lab would ship the workshop
to every user and let a measurement tool change what the product computes.
"""

from __future__ import annotations

import ast
import importlib
import sys
from pathlib import Path

import pytest

from dbt_harness import PROJECT_DIR

PRODUCT = PROJECT_DIR / "src" / "open_segments"
PYTHON_MODELS = PROJECT_DIR / "python_models"
LAB = "open_segments_lab"


def _imported_modules(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def _product_files() -> list[Path]:
    return sorted([*PRODUCT.rglob("*.py"), *PYTHON_MODELS.rglob("*.py")])


@pytest.mark.parametrize("path", _product_files(), ids=lambda p: str(p.relative_to(PROJECT_DIR)))
def test_no_product_module_imports_the_lab(path: Path) -> None:
    lab_imports = sorted(
        name for name in _imported_modules(path) if name == LAB or name.startswith(LAB + ".")
    )
    assert not lab_imports, f"{path.relative_to(PROJECT_DIR)} imports the lab: {lab_imports}"


def test_the_check_sees_an_import_of_the_lab(tmp_path: Path) -> None:
    module = tmp_path / "uses_lab.py"
    module.write_text("import os\nfrom open_segments_lab.datagen import schema\n")
    assert f"{LAB}.datagen" in _imported_modules(module)


def test_importing_the_product_loads_no_lab_module() -> None:
    # Imports made inside functions are covered by the source check above; this one catches a
    # package __init__ that pulls the lab in at import time.
    for name in [n for n in sys.modules if n == LAB or n.startswith(LAB + ".")]:
        del sys.modules[name]
    for path in PRODUCT.rglob("*.py"):
        relative = path.relative_to(PRODUCT.parent).with_suffix("")
        parts = [p for p in relative.parts if p != "__init__"]
        importlib.import_module(".".join(parts))
    assert not [n for n in sys.modules if n == LAB or n.startswith(LAB + ".")]
