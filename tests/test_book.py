"""Smoke test of the whole pipeline: every notebook through the runner with
params/smoke.yaml, the book built with -W, and the HTML checked in headless Chromium.

Hermetic: the book is built in a copy of the working tree under pytest's temporary
directory (what git would commit: tracked files and untracked ones it does not ignore), by
``gridcells book`` run there with the copy first on PYTHONPATH, so that
``gridcells.book.pipeline.ROOT`` is the copy and the run directory (runs/smoke), the executed
chapters (book/generated) and the HTML (_build) are written there. The repository's own
runs/, book/generated and _build are never touched."""

import json
import os
import re
import shutil
import struct
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from gridcells.book.pipeline import NOTEBOOKS

from .conftest import ROOT

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-quic"]


def working_tree(root: Path) -> list[str]:
    """The files of the working tree that git would commit (tracked ones that exist and
    untracked ones it does not ignore), relative to ``root``."""
    out = subprocess.run(["git", "ls-files", "-z", "--cached", "--others",
                          "--exclude-standard"], cwd=root, capture_output=True, check=True)
    return sorted({f for f in out.stdout.decode().split("\0") if f and (root / f).is_file()})


def copy_tree(root: Path, dest: Path) -> Path:
    for f in working_tree(root):
        (dest / f).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(root / f, dest / f)
    return dest


def env_for(copy: Path) -> dict[str, str]:
    """The environment in which ``gridcells`` (the CLI and the notebooks' kernels, which
    inherit it) is the copy's: ahead of the editable install, which points at ROOT."""
    return {**os.environ, "PYTHONPATH": os.pathsep.join(
        [str(copy), *filter(None, [os.environ.get("PYTHONPATH")])])}


def listing(folder: Path) -> list[tuple[str, int, int]] | None:
    if not folder.exists():
        return None
    return sorted((str(f.relative_to(folder)), f.stat().st_size, f.stat().st_mtime_ns)
                  for f in folder.rglob("*"))


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    """The smoke book built in a copy of the working tree; returns its _build/html."""
    copy = copy_tree(ROOT, tmp_path_factory.mktemp("tree")).resolve()
    env, before = env_for(copy), listing(ROOT / "runs" / "smoke")
    where = subprocess.run([sys.executable, "-c", "import gridcells.book.pipeline as p; "
                            "print(p.ROOT)"], cwd=tmp_path_factory.mktemp("elsewhere"),
                           env=env, capture_output=True, text=True, check=True)
    assert Path(where.stdout.strip()) == copy, "gridcells does not resolve to the copy"
    done = subprocess.run([sys.executable, "-m", "gridcells.cli", "book", "--params",
                           "params/smoke.yaml"], cwd=copy, env=env, capture_output=True,
                          text=True)
    error = done.stderr.rfind("gridcells book: error")  # progress bars fill the rest
    assert done.returncode == 0, done.stderr[error:] if error >= 0 else done.stderr[-4000:]
    index = copy / "_build" / "html" / "index.html"
    assert f"book: {index}" in done.stdout and index.is_file()
    for n in NOTEBOOKS:  # each chapter ran from the copy's params into the copy's run
        record = json.loads((copy / "book" / "generated" / f"{n}.ipynb").read_text())
        record = record["metadata"]["gridcells"]
        assert record["params_file"] == str(copy / "params" / "smoke.yaml"), n
        assert record["run_dir"] == str(copy / "runs" / "smoke"), n
    assert listing(ROOT / "runs" / "smoke") == before, "the repository's runs/smoke changed"
    return index.parent


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.images, self.links = [], []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "img" and a.get("src"):
            self.images.append(a["src"])
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])


REPR = re.compile(r"object at 0x[0-9a-fA-F]+|(&lt;|<)matplotlib\.")


class Figures(HTMLParser):
    """Images of a page's main content, each with whether it sits in a <figure> whose
    caption carries a number ("Fig. N"), and text that shows an unresolved glue key."""

    def __init__(self):
        super().__init__()
        self.stack: list[dict] = []  # open <figure> elements
        self.images: list[tuple[str, dict | None]] = []
        self.in_number = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "figure":
            self.stack.append({"caption": False, "number": False})
        elif tag == "figcaption" and self.stack:
            self.stack[-1]["caption"] = True
        elif tag == "span" and "caption-number" in (a.get("class") or "") and self.stack:
            self.stack[-1]["number"] = True
        elif tag == "img" and a.get("src", "").endswith(".png") and "logo" not in a["src"]:
            self.images.append((a["src"], self.stack[-1] if self.stack else None))

    def handle_endtag(self, tag):
        if tag == "figure" and self.stack:
            self.stack.pop()


def page_problems(html: str, results_page: bool) -> list[str]:
    """What a reader must not see: an object repr, an unresolved glue role or a docutils
    error, and (results pages) a figure without a numbered caption."""
    problems = [f"object repr {m.group(0)!r}" for m in REPR.finditer(html)][:3]
    if "{glue" in html or "system-message" in html:
        problems.append("an unresolved glue key or a docutils error")
    if results_page:
        parser = Figures()
        parser.feed(html)
        problems += [f"figure {src} has no numbered caption" for src, fig in parser.images
                     if fig is None or not (fig["caption"] and fig["number"])]
    return problems


def test_page_problems_finds_reprs_uncaptioned_figures_and_glue():
    good = ('<figure><img src="a.png"><figcaption><p><span class="caption-number">Fig. 1 '
            '</span>Rate maps.</p></figcaption></figure>')
    assert page_problems(good, True) == []
    assert page_problems("<p>&lt;matplotlib.legend.Legend at 0x7f00&gt;</p>", False)
    assert page_problems("<p>Foo object at 0x7f3a2b</p>", False)
    assert page_problems('<p><img src="b.png"></p>', True)
    assert page_problems('<figure><img src="b.png"></figure>', True)
    assert page_problems('<p><img src="b.png"></p>', False) == []
    assert page_problems("<p>{glue:text}`missing`</p>", False)


def png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    return struct.unpack(">II", head[16:24])


def pages(html_root: Path) -> list[Path]:
    return [html_root / "book" / "intro.html", html_root / "book" / "methods.html",
            html_root / "book" / "reproducibility.html", html_root / "book" / "references.html",
            html_root / "book" / "against_the_paper.html"] \
        + [html_root / "book" / "generated" / f"{n}.html" for n in NOTEBOOKS]


@pytest.mark.book
@pytest.mark.slow
def test_every_page_exists_with_figures_and_working_links(book):
    for page in pages(book):
        assert page.is_file(), f"missing page {page}"
        parser = Links()
        parser.feed(page.read_text())
        figures = [s for s in parser.images if s.endswith(".png") and "logo" not in s]
        chapter = "generated" in page.parts and not page.name.startswith("notes_")
        if chapter or page.name == "intro.html":  # research notes may be tables only
            assert figures, f"{page.name} shows no figure"
        for src in figures:
            w, h = png_size((page.parent / src).resolve())
            assert w > 0 and h > 0
        for href in parser.links:
            target = href.split("#")[0]
            if not target or re.match(r"^[a-z]+:", target):
                continue
            assert (page.parent / target).resolve().exists(), f"{page.name}: broken {href}"


@pytest.mark.book
@pytest.mark.slow
def test_no_repr_no_missing_glue_and_every_results_figure_numbered_and_captioned(book):
    for page in pages(book):
        results = "generated" in page.parts or page.name == "against_the_paper.html"
        problems = page_problems(page.read_text(), results)
        assert not problems, f"{page.name}: {problems}"


@pytest.mark.book
@pytest.mark.slow
@pytest.mark.skipif(CHROMIUM is None, reason="chromium not installed (.ci/run installs it)")
def test_pages_load_in_chromium_without_console_errors(book, tmp_path):
    for page in pages(book):
        run = subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={tmp_path / 'profile'}",
                              "--enable-logging=stderr", "--v=0", "--virtual-time-budget=3000",
                              "--dump-dom", page.as_uri()],
                             capture_output=True, text=True, timeout=120)
        assert run.returncode == 0, run.stderr[-2000:]
        assert "<main" in run.stdout or "bd-main" in run.stdout, f"{page.name} did not render"
        assert not REPR.search(run.stdout), f"{page.name} shows an object repr"
        console = [line for line in run.stderr.splitlines() if "CONSOLE" in line
                   and ("Error" in line or "error" in line)]
        assert not console, f"{page.name}: console errors {console}"


MIN_SCALE = 0.55   # _static/gridcells.js: a figure is never shown below this share of its pixels
NARROW = 500       # px: the narrowest layout headless Chromium makes


def png_width(path: Path) -> int:
    with open(path, "rb") as f:
        head = f.read(24)
    return struct.unpack(">I", head[16:20])[0]


@pytest.mark.book
@pytest.mark.slow
@pytest.mark.skipif(CHROMIUM is None, reason="chromium not installed (.ci/run installs it)")
def test_figures_stay_legible_on_a_phone(book, tmp_path):
    """On a narrow screen every figure (chapters' and the hand-written pages') links to its
    full-size image, and a figure
    whose text would fall below 9 px at the column's width (0.55 of its pixel width is wider
    than the screen) is held at that width in its own sideways-scrolling box. Headless
    Chromium lays pages out at least 500 px wide whatever the window size asked, so the
    check is at 500 px: there the column is narrower than the window, and every figure with
    0.55 of its pixel width above 500 must be held."""
    held = 0
    for page in pages(book):
        run = subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={tmp_path / 'profile'}",
                              f"--window-size={NARROW},900", "--virtual-time-budget=3000",
                              "--dump-dom", page.as_uri()],
                             capture_output=True, text=True, timeout=120)
        assert run.returncode == 0, run.stderr[-2000:]
        article = run.stdout.split('class="bd-article"', 1)[-1].split("</article>", 1)[0]
        imgs = [(re.search(r'href="([^"]+)"', a).group(1), attrs) for a, attrs in
                re.findall(r"<a ([^>]*gc-figure-zoom[^>]*)><img([^>]*)>", article)]
        n_img = len(re.findall(r"<img ", article))
        assert len(imgs) == n_img, f"{page.name}: {n_img - len(imgs)} figures not wrapped"
        for href, attrs in imgs:
            src = re.search(r'src="([^"]+)"', attrs).group(1)
            assert src == href, f"{page.name}: the link does not open the figure itself"
            least = round(png_width((page.parent / src).resolve()) * MIN_SCALE)
            style = re.search(r"min-width: (\d+)px", attrs)
            if least > NARROW:
                assert style and int(style.group(1)) == least, f"{page.name}: {src} shrunk"
                held += 1
    assert held, f"no figure needed holding at {NARROW} px: the test checked nothing"
