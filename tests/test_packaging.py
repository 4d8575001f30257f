"""The installed tool must work away from the checkout: migrations ship inside the wheel."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import sqlite_utils

from .conftest import EXAMPLES, ROOT


def test_wheel_carries_migrations_and_runs_outside_the_checkout(tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(wheels), str(ROOT)],
        check=True,
        capture_output=True,
    )
    (wheel,) = wheels.glob("provenance-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "provenance/_data/db/migrations/0001_create_tables.sql" in names
    assert "provenance/_data/db/schema.sql" in names
    assert not [n for n in names if n.endswith("audit.db")]

    target = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(target)
    workdir = tmp_path / "elsewhere"
    workdir.mkdir()
    env = {**os.environ, "PYTHONPATH": str(target)}
    env.pop("PROVENANCE_DB", None)
    result = subprocess.run(
        [sys.executable, "-c", "import provenance.cli.app, sys; sys.argv[0] = 'provenance'; provenance.cli.app.app()",
         "audit", str(EXAMPLES / "records.jsonl")],
        cwd=workdir, env=env, capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stderr
    check = subprocess.run(
        [sys.executable, "-c", "import provenance.store.sqlite as s; print(s.migrations_dir())"],
        cwd=workdir, env=env, capture_output=True, text=True, check=True,
    )
    assert check.stdout.strip().startswith(str(target))
    db = sqlite_utils.Database(workdir / "db" / "audit.db")
    assert db["articles"].count == 4
