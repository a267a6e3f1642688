"""Sphinx extension: a figure's image gets its caption as alternative text.

The chapters' figures are glued notebook outputs; their images carry no alt text, so the
HTML writer falls back to the image's file name, which a screen reader would read out. This
post-transform gives every image inside a captioned figure (whose alt text is missing or is
a file name) the caption's text, cut at a sentence end near 250 characters.
"""

import re

from docutils import nodes
from sphinx.transforms.post_transforms import SphinxPostTransform

MAX_ALT = 250
FILE_NAME = re.compile(r"(^|/)[\w.-]+\.(png|jpe?g|svg|gif|pdf)$", re.I)


def alt_from_caption(caption: str, limit: int = MAX_ALT) -> str:
    """The caption's text on one line, cut after the last sentence end before ``limit``
    characters (or at a word, with an ellipsis, when the first sentence is longer)."""
    text = " ".join(caption.split())
    if len(text) <= limit:
        return text
    cut = text.rfind(". ", 0, limit)
    if cut > 0:
        return text[:cut + 1]
    space = text.rfind(" ", 0, limit - 1)
    return text[:space if space > 0 else limit - 1] + "…"


class AltFromCaption(SphinxPostTransform):
    default_priority = 990

    def run(self, **kwargs):
        for figure in self.document.findall(nodes.figure):
            caption = figure.next_node(nodes.caption)
            if caption is None:
                continue
            alt = alt_from_caption(caption.astext())
            for image in figure.findall(nodes.image):
                given = image.get("alt", "")
                if not given or FILE_NAME.search(given) or given == image.get("uri"):
                    image["alt"] = alt


def setup(app):
    app.add_post_transform(AltFromCaption)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
