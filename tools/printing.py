"""Print an HTML page to PDF in headless Chromium, as a patient educator would
print a handout, and read the PDF back (poppler-utils' pdfinfo and pdftotext).

    python tools/printing.py PAGE.html OUT.pdf [OUT.png]

With OUT.png, the first page is also drawn as a picture (pdftoppm): the README's
docs/images/handout.png is made this way. Needs Debian's chromium and poppler-utils.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

# Chromium headless on a machine without a network: no background fetches, no
# GPU, no sandbox (CI runs as root), a profile of its own.
_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-pdf-header-footer",
)


def chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def print_to_pdf(page: Path, pdf: Path) -> None:
    browser = chromium()
    if browser is None:
        raise FileNotFoundError("chromium is not installed")
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [
                browser,
                *_FLAGS,
                f"--user-data-dir={profile}",
                f"--print-to-pdf={pdf}",
                page.as_uri(),
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )
    if not pdf.is_file():
        raise RuntimeError(f"chromium printed no PDF to {pdf}")


def page_count(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True)
    found = re.search(r"^Pages:\s+(\d+)$", info.stdout, re.MULTILINE)
    if found is None:
        raise RuntimeError(f"pdfinfo gave no page count for {pdf}")
    return int(found.group(1))


def pdf_text(pdf: Path) -> str:
    done = subprocess.run(["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True)
    return done.stdout


def first_page_png(pdf: Path, png: Path, dpi: int = 60) -> None:
    stem = png.with_suffix("")
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            str(dpi),
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            str(pdf),
            str(stem),
        ],
        check=True,
        capture_output=True,
    )


def main() -> None:
    page, pdf = Path(sys.argv[1]).resolve(), Path(sys.argv[2]).resolve()
    print_to_pdf(page, pdf)
    print(f"{pdf}: {page_count(pdf)} pages")
    if len(sys.argv) > 3:
        first_page_png(pdf, Path(sys.argv[3]).resolve())


if __name__ == "__main__":
    main()
