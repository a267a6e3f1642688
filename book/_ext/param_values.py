"""Sphinx extension: the ``{param}`NAME``` role, a parameter's name with the value the book
was built with ("``max_lag`` = 30").

The value is read from the executed training chapter (``book/generated/01_training.ipynb``,
whose metadata ``gridcells.config`` records the resolved config every chapter ran with;
``gridcells.book.pipeline.check_executed`` holds them equal), so the methods page shows the
values of this build, not typed numbers. A name the config does not have is an error.
"""

import functools
import json
from pathlib import Path

from docutils import nodes
from sphinx.util import logging

logger = logging.getLogger(__name__)
RECORD = Path("book") / "generated" / "01_training.ipynb"


def built_config(srcdir: str) -> dict:
    """The resolved config recorded in the executed training chapter ({} without one), read
    once per version of that file."""
    path = Path(srcdir) / RECORD
    try:
        return _read_config(str(path), path.stat().st_mtime_ns)
    except OSError:
        return {}


@functools.lru_cache(maxsize=4)
def _read_config(path: str, mtime_ns: int) -> dict:
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))["metadata"]["gridcells"][
            "config"]
    except (OSError, ValueError, KeyError, TypeError):
        return {}


def _format(value) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, (list, tuple)):
        return ", ".join(_format(v) for v in value)
    return str(value)


def param_role(name, rawtext, text, lineno, inliner, options=None, content=None):
    env = inliner.document.settings.env
    # read afresh for every build (not kept on the environment, which Sphinx pickles between
    # builds: a config cached empty by a build before the chapter was executed would stay
    # empty, and every {param} would show its name without its value)
    config = built_config(env.srcdir)
    env.note_dependency(str(Path(env.srcdir) / RECORD))  # re-read the page when it changes
    key = text.strip()
    out = [nodes.literal(key, key)]
    if config and key not in config:
        msg = inliner.reporter.error(f"{{param}}: {key!r} is not a config field", line=lineno)
        return [inliner.problematic(rawtext, rawtext, msg)], [msg]
    if config:
        out.append(nodes.Text(f" = {_format(config[key])}"))
    return out, []


def setup(app):
    app.add_role("param", param_role)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
