"""The Jupyter server configuration `make lab` adds (JUPYTER_CONFIG_PATH).

The chapters quote computed numbers with myst-nb's glue role,
{glue:text}`key:.3f`, which only the book build resolves; in JupyterLab,
jupyterlab-myst would show the bare key. This server serves each
notebook with those roles turned into jupyterlab-myst's inline
expressions, which the kernel evaluates when a markdown cell runs (Run
All Cells runs them all), and turns them back when the notebook is
saved: the files keep their glue roles, the student sees the numbers.
See nnkit.book.lab_open and nnkit.book.lab_save.
"""

from pathlib import Path

from jupyter_server.services.contents.largefilemanager import (
    AsyncLargeFileManager,
)

from nnkit.book import lab_open, lab_save


class GlueContentsManager(AsyncLargeFileManager):
    """Notebooks with glue roles as inline expressions while open."""

    async def get(self, path, content=True, type=None, format=None,
                  **kwargs):
        model = await super().get(path, content=content, type=type,
                                  format=format, **kwargs)
        if model.get("type") == "notebook" and model.get("content"):
            folder = Path(self.root_dir, path.strip("/")).parent
            lab_open(model["content"], folder)
        return model

    async def save(self, model, path=""):
        if model.get("type") == "notebook" and model.get("content"):
            lab_save(model["content"])
        return await super().save(model, path)


c = get_config()  # noqa: F821 (Jupyter defines it for config files)
c.ServerApp.contents_manager_class = GlueContentsManager
