"""The ICD-10-CM table: data/icd10cm-titles.tsv, generated from data/icd10cm.yaml.

The first tests read only the shipped files. The last regenerates the table with
simple_icd_10_cm (tools/icd10cm.py --check) and skips when that package is not installed.
"""

from __future__ import annotations

import re
import subprocess
import sys
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import REPO, Invoke

LISTING = REPO / "data" / "icd10cm.yaml"
TABLE = REPO / "data" / "icd10cm-titles.tsv"
CATALOG = REPO / "data" / "procedures.yaml"
TOOL = REPO / "tools" / "icd10cm.py"
CODE = re.compile(r"[A-Z][0-9][0-9A-Z](\.[0-9A-Z]{1,4})?")


def read_yaml(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


@cache
def listing() -> dict[str, Any]:
    data = read_yaml(LISTING)
    assert isinstance(data, dict)
    return data


@cache
def listed_codes() -> dict[str, list[str]]:
    """Condition id -> the codes data/icd10cm.yaml lists for it."""
    return {condition: list(entry["codes"]) for condition, entry in listing()["conditions"].items()}


@cache
def catalog_condition_ids() -> list[str]:
    return [record["id"] for record in read_yaml(CATALOG)["conditions"]]


@cache
def header_and_rows() -> tuple[list[str], list[tuple[str, str, list[str]]]]:
    header: list[str] = []
    rows: list[tuple[str, str, list[str]]] = []
    for number, line in enumerate(TABLE.read_text(encoding="utf-8").splitlines(), 1):
        if line.startswith("#"):
            header.append(line)
            continue
        fields = line.split("\t")
        assert len(fields) == 3, f"line {number}: expected code, title, conditions: {line!r}"
        code, title, conditions = fields
        assert CODE.fullmatch(code), f"line {number}: {code!r} is not an ICD-10-CM code"
        assert title.strip() == title and title, f"line {number}: empty or padded title"
        rows.append((code, title, conditions.split(",")))
    return header, rows


def test_the_table_parses_with_one_sorted_line_per_code() -> None:
    header, rows = header_and_rows()
    assert len(header) == 1
    assert rows
    codes = [code for code, _, _ in rows]
    assert codes == sorted(codes)
    assert len(codes) == len(set(codes))
    for code, _, conditions in rows:
        assert conditions == sorted(set(conditions)) and all(conditions), code


def test_the_header_names_the_pinned_package_and_release() -> None:
    header, _ = header_and_rows()
    source = listing()["source"]
    name, version = source["package"].split("==")
    assert f"{name} {version}" in header[0]
    assert source["release"] in header[0]


def test_every_catalog_condition_has_an_entry_and_every_entry_is_a_catalog_condition() -> None:
    assert set(listed_codes()) == set(catalog_condition_ids())


def test_a_condition_without_codes_says_why() -> None:
    for condition, entry in listing()["conditions"].items():
        if not entry["codes"]:
            assert entry.get("why"), condition


def test_every_condition_in_the_table_is_a_catalog_condition() -> None:
    known = set(catalog_condition_ids())
    for code, _, conditions in header_and_rows()[1]:
        assert set(conditions) <= known, code


def test_every_listed_code_is_in_the_table() -> None:
    in_table = {code for code, _, _ in header_and_rows()[1]}
    for condition, codes in listed_codes().items():
        for code in codes:
            assert code in in_table, f"{condition}: {code}"


def test_each_code_resolves_to_exactly_the_conditions_listing_it_or_an_ancestor() -> None:
    """ICD-10-CM codes below a code start with it, so a row's conditions follow from prefixes."""
    for code, _, conditions in header_and_rows()[1]:
        expected = {
            condition
            for condition, codes in listed_codes().items()
            if any(code.startswith(listed) for listed in codes)
        }
        assert set(conditions) == expected, code


def test_the_examples_resolve() -> None:
    table = {code: (title, conditions) for code, title, conditions in header_and_rows()[1]}
    assert table["M54.14"] == ("Radiculopathy, thoracic region", ["radiculopathy"])
    assert table["M54.17"][1] == ["radiculopathy"]
    assert table["M54.32"] == ("Sciatica, left side", ["sciatica"])
    assert table["M54.41"][1] == ["low-back-pain", "sciatica"]


def test_the_shipped_table_is_what_the_package_generates() -> None:
    pytest.importorskip(
        "simple_icd_10_cm",
        reason="simple-icd-10-cm is not installed: cannot regenerate the ICD-10-CM tables",
    )
    result = subprocess.run(
        [sys.executable, str(TOOL), "--check"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_conditions_json_lists_each_conditions_codes_with_their_titles(run: Invoke) -> None:
    import json

    shown = {item["id"]: item["icd10cm"] for item in json.loads(run("conditions", "--json").stdout)}
    titles = {code: title for code, title, _ in header_and_rows()[1]}
    for condition, codes in listed_codes().items():
        expected = [{"code": code, "title": titles[code]} for code in sorted(codes)]
        assert shown[condition] == expected, condition


def test_conditions_shows_the_codes(run: Invoke) -> None:
    out = run("conditions", "knee osteoarthritis").stdout
    assert "    ICD-10-CM: M17 Osteoarthritis of knee\n" in out


def test_the_whole_code_set_is_shipped_with_titles() -> None:
    import gzip

    text = gzip.decompress((REPO / "data" / "icd10cm-all.tsv.gz").read_bytes()).decode("utf-8")
    header, *lines = text.splitlines()
    assert header.startswith("# Every ICD-10-CM code with its title.")
    rows = dict(line.split("\t") for line in lines)
    assert len(rows) == len(lines) > 90_000
    assert all(CODE.fullmatch(code) for code in rows)
    assert list(rows) == sorted(rows)
    assert rows["M62.830"] == "Muscle spasm of back"
    # Every row of the conditions' table is in it, with the same title.
    for code, title, _ in header_and_rows()[1]:
        assert rows[code] == title
