"""Sphinx extension: "Run this chapter" links under the title of every executed chapter.

A chapter's page is built from ``book/generated/NAME.ipynb`` (executed, not in the
repository); its source is ``notebooks/NAME.ipynb`` in the repository (``_config.yml``'s
``repository.url`` and ``branch``). Binder builds ``binder/environment.yml`` (CPU torch) and
opens that notebook in JupyterLab; Colab opens it from GitHub, and the notebook's first
(removed) cell clones and installs the package there. Jupyter Book's own launch buttons
would point at the generated notebook, which the repository does not hold.
"""

from urllib.parse import quote

from docutils import nodes
from sphinx.transforms import SphinxTransform


def launch_urls(repository_url: str, branch: str, name: str) -> dict[str, str]:
    """Binder, Colab and source URLs of notebooks/NAME.ipynb of a GitHub repository."""
    owner_repo = repository_url.rstrip("/").removeprefix("https://github.com/")
    path = f"notebooks/{name}.ipynb"
    return {"Binder": f"https://mybinder.org/v2/gh/{owner_repo}/{branch}?labpath="
                      f"{quote(path, safe='')}",
            "Colab": f"https://colab.research.google.com/github/{owner_repo}/blob/{branch}/"
                     f"{path}",
            "source": f"{repository_url.rstrip('/')}/blob/{branch}/notebooks/{name}.py"}


class LaunchLinks(SphinxTransform):
    default_priority = 450

    def apply(self, **kwargs):
        docname = self.env.docname
        if not docname.startswith("book/generated/"):
            return
        options = self.config.html_theme_options or {}
        url = options.get("repository_url")
        if not url:
            return
        name = docname.rsplit("/", 1)[-1]
        section = next(iter(self.document.findall(nodes.section)), None)
        if section is None or not isinstance(section[0], nodes.title):
            return
        para = nodes.paragraph(classes=["launch-links"])
        para += nodes.Text("Run this chapter: ")
        links = launch_urls(url, options.get("repository_branch") or "main", name)
        for k, (label, href) in enumerate(links.items()):
            if k:
                para += nodes.Text(" · ")
            text = "notebook source" if label == "source" else f"open in {label}"
            para += nodes.reference(text, text, refuri=href, internal=False)
        para += nodes.Text(" (the analysis runs from scratch there; see Reproducibility).")
        section.insert(1, para)


def setup(app):
    app.add_transform(LaunchLinks)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
