"""What a reader must never see on the built book's pages (issue 28): an absolute path of
the machine that built it, "n/a" or "nan" in the text, a table without a numbered caption
("Table N"), a results figure drawn narrower than the text column at under 150 dpi (blurry
on a phone and on a high-density screen), a citation key shown raw (a ``{cite}`` in a
heading shows its key in the page's contents), or a script loaded from another host (MathJax
from a CDN left equations as raw TeX for a reader without a network).

The pure checks are fast tests on hand-made HTML. The slow test reads the smoke book that
``tests/test_book.py`` builds (its ``book`` fixture: a copy of the working tree, never the
repository's own _build), or the HTML folder named by ``GRIDCELLS_BOOK_HTML`` (e.g. a full
default build: ``GRIDCELLS_BOOK_HTML=_build/html pytest tests/test_html.py``)."""

import os
import re
import struct
import zlib
from html.parser import HTMLParser
from pathlib import Path

import pytest

from .conftest import ROOT
from .test_book import book  # noqa: F401  (the smoke book, built in a copy of the tree)

COLUMN_PX = 730   # the book theme's text column on a desktop
MIN_DPI = 150
ABSOLUTE_PATH = re.compile(r"(?<![\w.~/-])(?:/(?:home|root|tmp|work|Users|private|mnt|opt|srv|"
                           r"var/folders)/[\w.-]+|[A-Z]:\\[\w.-]+)")
MISSING = re.compile(r"(?<![\w/.-])(?:n/a|N/A|nan|NaN)(?![\w/-])")
REMOTE_SCRIPT = re.compile(r"<script\b[^>]*\bsrc=\"((?:https?:)?//[^\"]+)\"")
FILE_NAME = re.compile(r"(^|/)[\w.-]+\.(png|jpe?g|svg|gif|pdf)$", re.I)
SKIP_TEXT = {"script", "style", "code", "pre", "kbd", "samp"}


def citation_keys(bib: Path = ROOT / "book" / "references.bib") -> list[str]:
    return re.findall(r"^@\w+\{([^,\s]+),", bib.read_text(), flags=re.M)


class Page(HTMLParser):
    """The visible text of a page (outside scripts, styles and code), its tables with
    whether each has a numbered caption, and its images with the figure they sit in."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.skip = 0
        self.tables: list[dict] = []
        self.open_tables: list[dict] = []
        self.in_caption = 0
        self.figures = 0
        self.images: list[tuple[str, bool, str]] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        classes = (a.get("class") or "").split()
        if tag in SKIP_TEXT or "math" in classes:
            self.skip += 1
        if tag == "table":
            self.open_tables.append({"caption": False, "number": False,
                                     "id": a.get("id", "")})
        elif tag == "caption" and self.open_tables:
            self.open_tables[-1]["caption"] = True
            self.in_caption += 1
        elif tag == "span" and "caption-number" in classes and self.in_caption:
            self.open_tables[-1]["number"] = True
        elif tag == "figure":
            self.figures += 1
        elif tag == "img" and a.get("src"):
            self.images.append((a["src"], self.figures > 0, a.get("alt") or ""))

    def handle_endtag(self, tag):
        if tag in SKIP_TEXT and self.skip:
            self.skip -= 1
        if tag == "table" and self.open_tables:
            self.tables.append(self.open_tables.pop())
        elif tag == "caption" and self.in_caption:
            self.in_caption -= 1
        elif tag == "figure" and self.figures:
            self.figures -= 1

    def handle_data(self, data):
        if not self.skip:
            self.text.append(data)


def png_info(path: Path) -> tuple[int, int, float | None]:
    """(width, height, dots per inch from the pHYs chunk, None without one) of a PNG."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    width, height = struct.unpack(">II", data[16:24])
    pos, dpi = 8, None
    while pos + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        if kind == b"pHYs":
            x, _, unit = struct.unpack(">IIB", data[pos + 8:pos + 17])
            dpi = x * 0.0254 if unit == 1 else None
        if kind in (b"IDAT", b"IEND"):
            break
        pos += 12 + length
    return width, height, dpi


def html_problems(html: str, keys: list[str]) -> list[str]:
    """Problems of a page's HTML text: absolute paths, n/a or nan, uncaptioned tables, raw
    citation keys."""
    page = Page()
    page.feed(html)
    text = " ".join(page.text)
    problems = [f"absolute path {m.group(0)!r}" for m in ABSOLUTE_PATH.finditer(html)][:3]
    problems += [f"{m.group(0)!r} in the text: ...{text[max(m.start() - 60, 0):m.end() + 20]}"
                 for m in MISSING.finditer(text)][:3]
    problems += [f"table {t['id'] or '(no id)'} has no numbered caption" for t in page.tables
                 if not (t["caption"] and t["number"])]
    problems += [f"citation key {k!r} shown raw" for k in keys
                 if re.search(rf"(?<![\w/#-]){re.escape(k)}(?![\w-])", text)]
    problems += [f"script loaded from {m.group(1)!r}: the page needs a network to work "
                 "(equations need MathJax served with the book)"
                 for m in REMOTE_SCRIPT.finditer(html)][:3]
    problems += [f"figure image {src} has alt text {alt!r} (expected words: its caption)"
                 for src, in_figure, alt in page.images
                 if in_figure and (not alt.strip() or FILE_NAME.search(alt))][:3]
    return problems


def image_problems(page_file: Path, html: str) -> list[str]:
    """Figures (PNG images inside <figure>) narrower than the column at under 150 dpi."""
    page = Page()
    page.feed(html)
    problems = []
    for src, in_figure, _ in page.images:
        if not in_figure or not src.endswith(".png") or re.match(r"^[a-z]+:", src):
            continue
        width, _, dpi = png_info((page_file.parent / src).resolve())
        if width < COLUMN_PX and (dpi is None or dpi < MIN_DPI - 0.5):
            problems.append(f"{src}: {width} px wide at {dpi or 'unknown'} dpi "
                            f"(narrower than the {COLUMN_PX} px column under {MIN_DPI} dpi)")
    return problems


def _png(width: int, dpi: float | None) -> bytes:
    def chunk(kind, body):
        return (struct.pack(">I", len(body)) + kind + body
                + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF))
    head = chunk(b"IHDR", struct.pack(">IIBBBBB", width, 1, 8, 0, 0, 0, 0))
    phys = chunk(b"pHYs", struct.pack(">IIB", round(dpi / 0.0254), round(dpi / 0.0254), 1)) \
        if dpi else b""
    pixels = chunk(b"IDAT", zlib.compress(b"\0" + b"\0" * width))
    return b"\x89PNG\r\n\x1a\n" + head + phys + pixels + chunk(b"IEND", b"")


def test_html_problems_finds_paths_missing_values_tables_and_keys():
    keys = ["sorscher2019", "ouchi2024"]
    good = ('<section id="x"><h2>Predictive grid cells</h2><p>Ouchi &amp; Fujisawa (2024) found '
            '28 %; <a href="references.html#sorscher2019">Sorscher et al.</a></p>'
            '<table><caption><span class="caption-number">Table 1 </span>Counts.</caption>'
            '<tr><td>4</td></tr></table><p>nano, n/ab, financial</p>'
            '<pre>x = nan</pre><span class="math">\\nan</span></section>')
    assert html_problems(good, keys) == []
    assert html_problems('<p>params_file = "/work/main/params/smoke.yaml"</p>', keys)
    assert html_problems("<p>(0.0 %, median shift n/a cm)</p>", keys)
    assert html_problems("<td>nan</td>", keys)
    assert html_problems("<table><tr><td>1</td></tr></table>", keys)
    assert html_problems("<table><caption>Counts</caption><tr><td>1</td></tr></table>", keys)
    assert html_problems('<nav><a href="#p">Predictive grid cells ouchi2024</a></nav>', keys)
    fig = '<figure><img src="a.png" alt="{}"><figcaption>x</figcaption></figure>'
    assert html_problems(fig.format("Rate maps of the best units."), keys) == []
    assert html_problems(fig.format("../_images/abc123.png"), keys)
    assert html_problems(fig.format(""), keys)
    assert html_problems('<p><img src="logo.png" alt="logo.png"></p>', keys) == []  # no figure
    cdn = '<script defer src="https://cdn.jsdelivr.net/npm/mathjax@3/es5/tex-mml-chtml.js">'
    assert html_problems(cdn, keys)
    assert html_problems('<script defer src="../_static/mathjax/tex-chtml.js">', keys) == []


def test_image_problems_needs_150_dpi_below_the_column_width(tmp_path):
    for name, width, dpi in (("sharp.png", 600, 150), ("wide.png", 1200, 100),
                             ("blurry.png", 600, 100), ("bare.png", 600, None)):
        (tmp_path / name).write_bytes(_png(width, dpi))
    assert png_info(tmp_path / "sharp.png")[2] == pytest.approx(150, abs=0.1)

    def figure(src):
        return f'<figure><img src="{src}"><figcaption>x</figcaption></figure>'

    page = tmp_path / "page.html"
    assert image_problems(page, figure("sharp.png") + figure("wide.png")) == []
    assert image_problems(page, '<p><img src="blurry.png"></p>') == []  # not a figure
    assert image_problems(page, figure("blurry.png"))
    assert image_problems(page, figure("bare.png"))


@pytest.fixture(scope="module")
def html_root(request):
    given = os.environ.get("GRIDCELLS_BOOK_HTML")
    if given:
        return Path(given).resolve()
    return request.getfixturevalue("book")


def built_pages(root: Path) -> list[Path]:
    return sorted(p for p in (root / "book").rglob("*.html"))


@pytest.mark.book
@pytest.mark.slow
def test_built_pages_show_no_paths_missing_values_bare_tables_blurry_figures_or_keys(
        html_root):
    keys = citation_keys()
    pages = built_pages(html_root)
    assert pages, f"no pages under {html_root}"
    found = {}
    for page in pages:
        html = page.read_text(encoding="utf-8")
        problems = html_problems(html, keys)
        if "generated" in page.parts or page.name in ("intro.html", "against_the_paper.html"):
            problems += image_problems(page, html)
        if problems:
            found[str(page.relative_to(html_root))] = problems
    assert not found, "\n".join(f"{k}: {v}" for k, v in found.items())


def test_alt_text_is_the_caption_cut_at_a_sentence():
    import importlib.util
    spec = importlib.util.spec_from_file_location("alt_text", ROOT / "book/_ext/alt_text.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    assert mod.alt_from_caption("Rate  maps\nof units.") == "Rate maps of units."
    long = "The first sentence of this long caption is here. " + "word " * 80
    assert mod.alt_from_caption(long) == "The first sentence of this long caption is here."
    one = "word " * 80
    cut = mod.alt_from_caption(one, limit=50)
    assert cut.endswith("…") and len(cut) <= 50
    word = mod.alt_from_caption("x" * 300, limit=50)
    assert word.endswith("…") and len(word) <= 50
    assert mod.FILE_NAME.search("../_images/x.png") and not mod.FILE_NAME.search("Fig. 2 maps")
    # never cut after an abbreviation ("As Fig. 12, ..." once became the alt "As Fig.")
    abbrev = "As Fig. 12, silencing the units the rules call predictive " + "word " * 60
    assert mod.alt_from_caption(abbrev).startswith("As Fig. 12, silencing the units")
