"""The values a book glues, read back from executed notebooks, and compared between two builds.

myst-nb's ``glue(name, value)`` stores each value as a code cell's output whose metadata
carries ``scrapbook: {name, mime_prefix}`` and whose data is a mime bundle with that prefix
(``application/papermill.record/text/plain``, ``.../text/markdown``, ``.../image/png``).
:func:`glued_values` reads every such output of every ``*.ipynb`` in a folder (e.g.
``book/generated``); :func:`compare` lists what differs between two folders, so a refactor
can show that the book's numbers did not move::

    python -m gridcells.book.glue BEFORE_DIR AFTER_DIR [--figures] [--ignore train_min ...]

exits 0 when every glued text (numbers, Markdown tables) is equal, 1 otherwise; ``--ignore
NAME`` leaves out a glued name in every notebook (a wall time such as the training
chapter's ``train_min`` differs between any two builds). Figures
(PNG) are compared by hash only with ``--figures``: their bytes can change with the
plotting library's version although the plotted data does not.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

PREFIX = "application/papermill.record/"
IMAGE_TYPES = ("image/png", "image/jpeg", "image/svg+xml")


def _value(data: dict, prefix: str) -> tuple[str, str]:
    """(kind, value) of one glued mime bundle: the richest text, or an image's hash."""
    bundle = {k.removeprefix(prefix): v for k, v in data.items() if k.startswith(prefix)}
    for mime in IMAGE_TYPES:
        if mime in bundle:
            raw = bundle[mime] if isinstance(bundle[mime], str) else "".join(bundle[mime])
            return "figure", hashlib.sha256(raw.encode()).hexdigest()[:16]
    for mime in ("text/markdown", "text/html", "text/latex", "text/plain"):
        if mime in bundle:
            text = bundle[mime]
            return "text", text if isinstance(text, str) else "".join(text)
    return "other", json.dumps(bundle, sort_keys=True)


def glued_values(folder: str | Path) -> dict[str, tuple[str, str]]:
    """Every glued value of the executed notebooks in ``folder``: ``{"notebook::name": (kind,
    value)}``, kind "text" (the value as the page shows it), "figure" (hash of the image) or
    "other". ``*.partial.ipynb`` (failed executions) are skipped. FileNotFoundError when the
    folder holds no notebook."""
    folder = Path(folder)
    books = sorted(p for p in folder.glob("*.ipynb") if not p.name.endswith(".partial.ipynb"))
    if not books:
        raise FileNotFoundError(f"{folder}: no executed notebooks (*.ipynb); expected a "
                                "folder like book/generated")
    values = {}
    for path in books:
        nb = json.loads(path.read_text(encoding="utf-8"))
        for cell in nb.get("cells", []):
            for out in cell.get("outputs", []):
                record = out.get("metadata", {}).get("scrapbook")
                if record:
                    values[f"{path.stem}::{record['name']}"] = _value(
                        out.get("data", {}), record.get("mime_prefix", PREFIX))
    return values


def compare(before: str | Path, after: str | Path, figures: bool = False,
            ignore: tuple[str, ...] = ()) -> list[str]:
    """One line per difference between the glued values of two folders (empty: equal):
    a name glued in only one of them, or a value that changed. Figures count only when
    ``figures`` is true; glued names in ``ignore`` (any notebook) are left out."""
    a, b = glued_values(before), glued_values(after)
    for values in (a, b):
        for key in [k for k in values if k.split("::", 1)[1] in ignore]:
            del values[key]
    lines = [f"only in {before}: {k}" for k in sorted(a.keys() - b.keys())]
    lines += [f"only in {after}: {k}" for k in sorted(b.keys() - a.keys())]
    for key in sorted(a.keys() & b.keys()):
        (kind_a, va), (kind_b, vb) = a[key], b[key]
        if (kind_a, va) != (kind_b, vb) and (figures or "figure" not in (kind_a, kind_b)):
            lines.append(f"{key}: {va[:200]!r} -> {vb[:200]!r}")
    return lines


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("before")
    ap.add_argument("after")
    ap.add_argument("--figures", action="store_true", help="also compare figures (hash)")
    ap.add_argument("--ignore", action="append", default=[], metavar="NAME",
                    help="a glued name to leave out, e.g. a wall time (repeatable)")
    args = ap.parse_args(argv)
    diffs = compare(args.before, args.after, args.figures, tuple(args.ignore))
    values = {k: v for k, v in glued_values(args.before).items()
              if k.split("::", 1)[1] not in args.ignore}
    texts = sum(kind == "text" for kind, _ in values.values())
    print("\n".join(diffs) if diffs else
          f"equal: {texts} glued texts and numbers"
          + (f", {len(values) - texts} figures" if args.figures else "")
          + f" in {len({k.split('::')[0] for k in values})} notebooks")
    return 1 if diffs else 0


if __name__ == "__main__":
    sys.exit(main())
