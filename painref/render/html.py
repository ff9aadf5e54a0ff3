"""One self-contained, printable HTML page made from a Markdown document.

The Markdown renderer has already made catalog text inert (`markdown.escape`);
markdown-it-py (installed with Rich) turns it into HTML with raw HTML switched
off, so no tag, script or style can come from the catalog. The page needs
nothing from the network: its style sheet is inline and it loads no font,
image or script.
"""

from __future__ import annotations

import html
import re

# Screen and paper: a readable measure, black on white, large enough for older
# eyes; on paper, links show their address and lists, rows and headings keep
# together across pages.
STYLE = """
:root { color-scheme: light; }
body { font: 13pt/1.5 "DejaVu Sans", "Helvetica Neue", Arial, sans-serif; color: #111;
  background: #fff; margin: 2rem auto; max-width: 46rem; padding: 0 1rem; }
h1 { font-size: 1.8em; margin: 0 0 .2em; }
h2 { font-size: 1.25em; margin: 1.2em 0 .3em; border-bottom: 1px solid #999; }
h1, h2 { break-after: avoid; page-break-after: avoid; }
li, tr, p { break-inside: avoid; page-break-inside: avoid; }
ul { padding-left: 1.4em; }
table { border-collapse: collapse; width: 100%; font-size: .85em; }
th, td { border: 1px solid #999; padding: .3em .4em; text-align: left; vertical-align: top; }
th { background: #eee; }
a { color: #0645ad; }
hr { border: 0; border-top: 1px solid #999; margin-top: 2em; }
@page { size: A4; margin: 16mm 15mm; }
@media print {
  body { margin: 0; max-width: none; padding: 0; font-size: 11pt; line-height: 1.4; }
  a { color: inherit; text-decoration: none; }
  a[href^="http"]::after { content: " (" attr(href) ")"; font-size: .8em; word-break: break-all; }
}
"""

_FIRST_HEADING = re.compile(r"^# (.+)$", re.MULTILINE)


def page(markdown_text: str) -> str:
    """The document as a complete HTML page, titled by its first heading."""
    from markdown_it import MarkdownIt

    # CommonMark with raw HTML off, plus GFM tables for compare.
    renderer = MarkdownIt("commonmark", {"html": False}).enable("table")
    body = renderer.render(markdown_text)
    found = _FIRST_HEADING.search(markdown_text)
    title = _plain(found.group(1)) if found else "painref"
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{html.escape(title)}</title>\n"
        f"<style>{STYLE}</style>\n</head>\n<body>\n<main>\n{body}</main>\n</body>\n</html>\n"
    )


def _plain(markdown_line: str) -> str:
    """A heading's text without its Markdown escapes or entities, for <title>."""
    unescaped = re.sub(r"\\(.)", r"\1", markdown_line)
    return html.unescape(unescaped)
