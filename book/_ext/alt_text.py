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
MIN_SENTENCE = 40   # a cut shorter than this says too little; cut at a word instead
# a full stop that ends a sentence: not after an abbreviation ("Fig. 3", "e.g. this")
SENTENCE_END = re.compile(r"(?<!\bFig)(?<!\bFigs)(?<!\be\.g)(?<!\bi\.e)(?<!\bal)(?<!\bcf)"
                          r"(?<!\bEq)\.(?= )")
FILE_NAME = re.compile(r"(^|/)[\w.-]+\.(png|jpe?g|svg|gif|pdf)$", re.I)


def alt_from_caption(caption: str, limit: int = MAX_ALT) -> str:
    """The caption's text on one line, cut after the last sentence end before ``limit``
    characters (or at a word, with an ellipsis, when the first sentence is longer)."""
    text = " ".join(caption.split())
    if len(text) <= limit:
        return text
    ends = [m.start() for m in SENTENCE_END.finditer(text, 0, limit)
            if m.start() >= MIN_SENTENCE]
    if ends:
        return text[:ends[-1] + 1]
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
