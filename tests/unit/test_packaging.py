"""The package ships what it needs to run outside a checkout."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def test_the_wheel_carries_templates_demo_data_and_migrations(tmp_path):
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
         "-w", str(tmp_path), str(ROOT)],
        check=True, capture_output=True,
    )
    wheel = next(tmp_path.glob("paniers-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    for template in ROOT.glob("templates/**/*.html"):
        assert f"paniers/templates/{template.relative_to(ROOT / 'templates')}" in names
    assert "paniers/demo/data/network.csv" in names
    assert "paniers/migrations/versions/0001_initial_schema.py" in names
    assert "paniers/migrations/script.py.mako" in names
    assert "paniers/static/paniers.css" in names
