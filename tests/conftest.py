"""Shared fixtures: the loaded rules, a normalizer, the sample files, a fixed as-of date."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

import pytest
from hypothesis import settings

from eligibility import Normalizer, load_rules

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "sample_data"
AS_OF = dt.date(2026, 11, 27)

settings.register_profile("ci", max_examples=150, deadline=None)
settings.register_profile("dev", max_examples=60, deadline=None)
settings.load_profile("ci" if os.environ.get("CI") else "dev")


@pytest.fixture(scope="session")
def ruleset():
    return load_rules(ROOT / "rules")


@pytest.fixture(scope="session")
def normalizer(ruleset):
    return Normalizer(ruleset)


def require_binary(name: str) -> str:
    """The path of a system program the test needs; in CI a missing one is a failure, not a skip."""
    path = shutil.which(name)
    if path is None:
        if os.environ.get("CI"):
            pytest.fail(f"{name} is not installed; `make test` installs it via scripts/system-deps.sh")
        pytest.skip(f"{name} is not installed (run `make system-deps`)")
    return path
