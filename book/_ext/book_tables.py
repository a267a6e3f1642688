"""Sphinx extension: the book's tables numbered as tables ("Table N"), apart from figures.

The chapters paste their tables with ``glue:figure`` (``:name: tab-...``), which makes each
a figure numbered "Fig. N" among the real figures. While a page is read, this transform
turns every figure named ``tab-...`` that holds one table into that table, captioned (above
it) with the figure's caption and carrying the figure's label, so that Sphinx numbers it
"Table N" and ``{numref}`tab-...``` reads "Table N". The tables of a page's provenance
section (page furniture shown by ``gridcells.book.report``) get a numbered caption here too.
"""

from docutils import nodes
from sphinx.transforms import SphinxTransform

PROVENANCE_CAPTIONS = ("Provenance of this page: versions, commit, date, hardware and the "
                       "params file.",
                       "Parameters of this page that differ from the original model's "
                       "defaults, and the analysis settings it uses.")


class TablesFromFigures(SphinxTransform):
    default_priority = 400

    def apply(self, **kwargs):
        for figure in list(self.document.findall(nodes.figure)):
            names = figure["names"] + figure["ids"]
            if not any(n.startswith("tab-") for n in names):
                continue
            tables = list(figure.findall(nodes.table))
            if len(tables) != 1:
                continue
            self._to_table(figure, tables[0])
        for section in self.document.findall(nodes.section):
            if "provenance" not in section["ids"]:
                continue
            for k, table in enumerate(section.findall(nodes.table)):
                if table.next_node(nodes.title) is None or table.next_node(
                        nodes.title).parent is not table:
                    text = PROVENANCE_CAPTIONS[min(k, len(PROVENANCE_CAPTIONS) - 1)]
                    table.insert(0, nodes.title(text, text))
                if not table["ids"]:
                    self.document.set_id(table)

    def _to_table(self, figure, table):
        caption = next(iter(figure.findall(nodes.caption)), None)
        legend = next(iter(figure.findall(nodes.legend)), None)
        table.parent.remove(table)
        if caption is not None:
            table.insert(0, nodes.title(caption.rawsource, "", *caption.children))
        table["ids"], table["names"] = figure["ids"], figure["names"]
        table["classes"] = [*table["classes"], "book-table"]
        for node_id in table["ids"]:
            self.document.ids[node_id] = table
        replacement = [table] + (list(legend.children) if legend is not None else [])
        figure.replace_self(replacement)


def setup(app):
    app.add_transform(TablesFromFigures)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
