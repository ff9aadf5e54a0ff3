"""Generate data/icd10cm-titles.tsv from data/icd10cm.yaml, and data/icd10cm-all.tsv.gz,
or check that they are current.

data/icd10cm.yaml lists, for each catalog condition, the ICD-10-CM categories and
subcategories that lie inside it. This script expands each listed code to itself and all
its descendants (down to the billable codes with a 7th character) with the PyPI package
simple-icd-10-cm, and writes one line per code: code, title, and the ids of the
conditions it resolves to. painref reads that table at run time and never imports the
package (it takes about two seconds to import). data/icd10cm-all.tsv.gz holds every code
of the code set with its title (gzip, written the same way each time), so that a valid code
no condition covers can be named.

Not shipped in the wheel: a maintainer's and CI's tool.

    python tools/icd10cm.py           # write both files
    python tools/icd10cm.py --check   # exit 1 if either is not what it would write

Exit status: 0 done (or current), 1 the table is stale, 2 the listing, the catalog or the
installed package is not usable (the message says why).
"""

from __future__ import annotations

import argparse
import difflib
import importlib
import importlib.metadata
import itertools
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import yaml

REPO = Path(__file__).resolve().parent.parent
LISTING = REPO / "data" / "icd10cm.yaml"
TABLE = REPO / "data" / "icd10cm-titles.tsv"
ALL_CODES = REPO / "data" / "icd10cm-all.tsv.gz"
CATALOG = REPO / "data" / "procedures.yaml"
PACKAGE = "simple-icd-10-cm"
MODULE = "simple_icd_10_cm"
LISTING_VERSION = 1
CONDITION_KEYS = frozenset({"codes", "why"})
SOURCE_KEYS = frozenset({"title", "url", "package", "release"})
# A dotted ICD-10-CM category or subcategory as the listing writes it: M54, M54.1, S22.000.
CODE = re.compile(r"[A-Z][0-9][0-9A-Z](\.[0-9A-Z]{1,4})?")
MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"


class Problem(Exception):
    """The listing, the catalog or the installed package cannot produce a table."""


@dataclass(frozen=True)
class Listing:
    package: str  # the pinned requirement, e.g. "simple-icd-10-cm==1.5.0"
    release: str  # e.g. "FY2026 (April 1, 2026 update)"
    conditions: dict[str, list[str]]  # condition id -> listed codes, in file order


def load_listing(path: Path = LISTING) -> Listing:
    """Read and check data/icd10cm.yaml."""
    where = path.name
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise Problem(f"{where}: expected a mapping at the top level")
    if data.get("version") != LISTING_VERSION:
        raise Problem(f"{where}: version must be {LISTING_VERSION}")
    source = data.get("source")
    if not isinstance(source, dict) or set(source) != SOURCE_KEYS:
        raise Problem(f"{where}: source must have exactly {', '.join(sorted(SOURCE_KEYS))}")
    if not all(isinstance(value, str) and value for value in source.values()):
        raise Problem(f"{where}: every source field must be a non-empty string")
    conditions = data.get("conditions")
    if not isinstance(conditions, dict) or not conditions:
        raise Problem(f"{where}: conditions must be a non-empty mapping")
    listed: dict[str, list[str]] = {}
    for condition, entry in conditions.items():
        here = f"{where}: condition {condition!r}"
        if not isinstance(entry, dict) or not set(entry) <= CONDITION_KEYS or "codes" not in entry:
            raise Problem(f"{here}: expected {{codes: [...], why: '...'}}")
        codes = entry["codes"]
        why = entry.get("why")
        if not isinstance(codes, list) or not all(isinstance(code, str) for code in codes):
            raise Problem(f"{here}: codes must be a list of strings")
        if why is not None and (not isinstance(why, str) or not why.strip()):
            raise Problem(f"{here}: why must be a non-empty string")
        if not codes and why is None:
            raise Problem(f"{here}: no codes, so say why")
        for code in codes:
            if not CODE.fullmatch(code):
                raise Problem(f"{here}: {code!r} is not a dotted ICD-10-CM code (e.g. M54.1)")
        if len(set(codes)) != len(codes):
            raise Problem(f"{here}: a code is listed twice")
        listed[str(condition)] = list(codes)
    return Listing(str(source["package"]), str(source["release"]), listed)


def catalog_condition_ids(path: Path = CATALOG) -> list[str]:
    """The condition ids of data/procedures.yaml, in catalog order."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    conditions = data.get("conditions") if isinstance(data, dict) else None
    if not isinstance(conditions, list):
        raise Problem(f"{path.name}: no conditions list")
    return [str(record["id"]) for record in conditions if isinstance(record, dict)]


def check_conditions(listing: Listing, catalog_ids: Sequence[str]) -> None:
    """Every catalog condition has an entry, and every entry is a catalog condition."""
    unknown = sorted(set(listing.conditions) - set(catalog_ids))
    if unknown:
        raise Problem(f"{LISTING.name}: not conditions in the catalog: {', '.join(unknown)}")
    missing = [condition for condition in catalog_ids if condition not in listing.conditions]
    if missing:
        raise Problem(
            f"{LISTING.name}: no entry for catalog conditions {', '.join(missing)} "
            "(give each its codes, or codes: [] and a why)"
        )


def import_icd() -> ModuleType:
    """simple_icd_10_cm, imported here only: it has no type stubs and loads for ~2 s."""
    try:
        return importlib.import_module(MODULE)
    except ImportError as error:
        raise Problem(f"{PACKAGE} is not installed: pip install '{PACKAGE}'") from error


def installed_version() -> str:
    return importlib.metadata.version(PACKAGE)


def package_release(icd: ModuleType) -> str:
    """The ICD-10-CM release bundled with the package, e.g. 'FY2026 (April 1, 2026 update)'.

    Read from the package's tabular XML: its <version> element gives the fiscal year, its
    file name (icd10c-tabular-April-1-2026.xml) the date of an update within that year.
    """
    data = Path(str(icd.__file__)).parent / "data"
    tabular = sorted(data.glob("*tabular*.xml"))
    if len(tabular) != 1:
        raise Problem(f"{PACKAGE}: expected one tabular XML file in {data}, found {len(tabular)}")
    with tabular[0].open(encoding="utf-8") as handle:
        head = handle.read(4096)
    year = re.search(r"<version>\s*(\d{4})\s*</version>", head)
    if year is None:
        raise Problem(f"{PACKAGE}: no <version> in {tabular[0].name}")
    release = f"FY{year.group(1)}"
    date = re.search(rf"({MONTHS})-(\d{{1,2}})-(\d{{4}})", tabular[0].name)
    if date is not None:
        month, day, calendar_year = date.groups()
        release += f" ({month} {int(day)}, {calendar_year} update)"
    return release


def check_source(listing: Listing, version: str, release: str) -> None:
    """The listing names the installed package version and its release."""
    expected = f"{PACKAGE}=={version}"
    if listing.package != expected:
        raise Problem(
            f"{LISTING.name} pins {listing.package!r} but {expected} is installed: install "
            f"the pinned version, or update source.package and source.release and regenerate"
        )
    if listing.release != release:
        raise Problem(
            f"{LISTING.name}: source.release is {listing.release!r} but {PACKAGE} {version} "
            f"bundles ICD-10-CM {release}"
        )


def expand(icd: ModuleType, code: str) -> list[str]:
    """The code and every code below it, checked to share its prefix."""
    if not bool(icd.is_valid_item(code)):
        raise Problem(f"{code} is not an ICD-10-CM code in {PACKAGE}")
    if not bool(icd.is_category_or_subcategory(code)) or str(icd.add_dot(code)) != code:
        raise Problem(f"{code} is not a category or subcategory written with its dot")
    codes = [code, *(str(descendant) for descendant in icd.get_descendants(code))]
    for descendant in codes:
        # painref resolves a code by its listed prefixes; ICD-10-CM guarantees this shape.
        if not descendant.startswith(code):
            raise Problem(f"{descendant} is below {code} but does not start with it")
    return codes


def title(icd: ModuleType, code: str) -> str:
    text = " ".join(str(icd.get_description(code)).split())
    if not text:
        raise Problem(f"{code} has no title")
    return text


def build(listing: Listing, icd: ModuleType, version: str, release: str) -> str:
    """The table's text: a header comment, then one sorted line per code."""
    conditions_of: dict[str, set[str]] = {}
    for condition, codes in listing.conditions.items():
        for code in codes:
            covered = [other for other in codes if other != code and code.startswith(other)]
            if covered:
                raise Problem(
                    f"{LISTING.name}: condition {condition!r} lists {code}, "
                    f"already below its {covered[0]}"
                )
            for below in expand(icd, code):
                conditions_of.setdefault(below, set()).add(condition)
    lines = [
        f"# ICD-10-CM codes at or below those in data/icd10cm.yaml. Generated by "
        f"tools/icd10cm.py from {PACKAGE} {version}, ICD-10-CM {release}; do not edit. "
        f"Columns: code, title, condition ids."
    ]
    for code in sorted(conditions_of):
        lines.append(f"{code}\t{title(icd, code)}\t{','.join(sorted(conditions_of[code]))}")
    return "\n".join(lines) + "\n"


def build_all(icd: ModuleType, version: str, release: str) -> str:
    """Every code of the code set (no chapters or blocks), sorted, with its title."""
    codes = sorted({str(code) for code in icd.get_all_codes(True) if CODE.fullmatch(str(code))})
    lines = [
        f"# Every ICD-10-CM code with its title. Generated by tools/icd10cm.py from {PACKAGE} "
        f"{version}, ICD-10-CM {release}; do not edit. Columns: code, title."
    ]
    lines += [f"{code}\t{title(icd, code)}" for code in codes]
    return "\n".join(lines) + "\n"


def packed(text: str) -> bytes:
    """gzip with no file name or time in its header: the same bytes for the same text."""
    import gzip
    import io

    buffer = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, mtime=0, compresslevel=9) as out:
        out.write(text.encode("utf-8"))
    return buffer.getvalue()


def generate() -> tuple[str, str]:
    """The two tables' texts: the conditions' codes, and every code."""
    listing = load_listing()
    check_conditions(listing, catalog_condition_ids())
    icd = import_icd()
    version = installed_version()
    release = package_release(icd)
    check_source(listing, version, release)
    return build(listing, icd, version, release), build_all(icd, version, release)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument(
        "--check",
        action="store_true",
        help="write nothing; exit 1 if either table differs from what would be written",
    )
    args = parser.parse_args(argv)
    try:
        text, every = generate()
    except Problem as problem:
        print(f"icd10cm: {problem}", file=sys.stderr)
        return 2
    shown = TABLE.relative_to(REPO)
    shown_all = ALL_CODES.relative_to(REPO)
    if args.check:
        import gzip

        current = TABLE.read_text(encoding="utf-8") if TABLE.exists() else ""
        current_all = (
            gzip.decompress(ALL_CODES.read_bytes()).decode("utf-8") if ALL_CODES.exists() else ""
        )
        if current == text and current_all == every:
            print(f"icd10cm: {shown} is current ({text.count(chr(10)) - 1} codes)")
            print(f"icd10cm: {shown_all} is current ({every.count(chr(10)) - 1} codes)")
            return 0
        for name, was, expected in ((shown, current, text), (shown_all, current_all, every)):
            diff = difflib.unified_diff(
                was.splitlines(),
                expected.splitlines(),
                f"{name} (shipped)",
                f"{name} (expected)",
                lineterm="",
            )
            sys.stderr.writelines(f"{line}\n" for line in itertools.islice(diff, 40))
        print("icd10cm: the tables are stale: run python tools/icd10cm.py", file=sys.stderr)
        return 1
    with TABLE.open("w", encoding="utf-8", newline="\n") as handle:
        handle.write(text)
    ALL_CODES.write_bytes(packed(every))
    print(f"icd10cm: wrote {shown} ({text.count(chr(10)) - 1} codes)")
    print(f"icd10cm: wrote {shown_all} ({every.count(chr(10)) - 1} codes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
