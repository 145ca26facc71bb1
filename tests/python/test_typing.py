"""The shipped type information matches the native module."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

import vermilion


def test_package_ships_stubs_and_marker() -> None:
    package = Path(vermilion.__file__).parent
    assert (package / "py.typed").is_file()
    assert (package / "_native.pyi").is_file()


def test_native_stub_matches_the_runtime_module() -> None:
    if importlib.util.find_spec("mypy") is None:
        pytest.skip("mypy is not installed (pip install mypy) - stubtest not run")
    result = subprocess.run(
        [sys.executable, "-m", "mypy.stubtest", "vermilion._native"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
