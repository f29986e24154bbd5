"""The test suite finds the shared data folder beside the checkout and skips, saying why, without it."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tests.conftest import ROOT, SHARED, SHARED_ENV, shared_folder, shared_path

# a string literal opening with a home or work directory of one machine: /work/, /home/, /Users/
ABSOLUTE = re.compile(r"""["'](/work|/home|/Users)/""")


def test_shared_folder_is_beside_the_checkout_unless_the_variable_names_one(tmp_path):
    beside = Path(__file__).resolve().parents[1].parent / "shared"
    assert shared_folder({}) == beside and shared_folder({SHARED_ENV: ""}) == beside
    assert shared_folder({SHARED_ENV: str(tmp_path)}) == tmp_path
    assert SHARED == shared_folder(os.environ)


def test_a_missing_shared_file_skips_naming_the_path_and_the_validation():
    with pytest.raises(pytest.skip.Exception) as skip:
        shared_path("data/no-such-file.csv", "the check of nothing at all")
    reason = str(skip.value)
    assert "data/no-such-file.csv not found" in reason and str(SHARED / "data/no-such-file.csv") in reason
    assert reason.endswith(": the check of nothing at all is skipped")


def test_a_present_shared_file_is_returned(tmp_path, monkeypatch):
    monkeypatch.setattr("tests.conftest.SHARED", tmp_path)
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "x.csv").write_text("a\n1\n")
    assert shared_path("data/x.csv", "unused") == tmp_path / "data" / "x.csv"


def test_no_test_names_an_absolute_path_of_one_machine():
    offenders = [
        f"{p.relative_to(ROOT)}:{n}"
        for p in sorted((ROOT / "tests").rglob("*.py"))
        for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
        if ABSOLUTE.search(line)
    ]
    assert not offenders, offenders
