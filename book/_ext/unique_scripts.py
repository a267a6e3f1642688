"""Sphinx extension: drop repeated identical <script> lines from the built pages.

With Jupyter Book 1.x, sphinx-thebe and sphinx-togglebutton register their inline
configuration scripts once per ``env-before-read-docs`` event, which fires twice in one
build; each page then declares ``const THEBE_JS_URL`` twice, a JavaScript error in the
browser console. After the build, every page keeps the first copy of each script line.
"""

from pathlib import Path


def _dedupe_pages(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    for page in Path(app.outdir).rglob("*.html"):
        lines = page.read_text(encoding="utf-8").splitlines(keepends=True)
        seen, kept = set(), []
        for line in lines:
            key = line.strip()
            if key.startswith("<script") and key.endswith("</script>"):
                if key in seen:
                    continue
                seen.add(key)
            kept.append(line)
        if len(kept) != len(lines):
            page.write_text("".join(kept), encoding="utf-8")


def setup(app):
    app.connect("build-finished", _dedupe_pages)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
