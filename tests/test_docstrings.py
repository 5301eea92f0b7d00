"""Every nnkit docstring is valid reStructuredText (after napoleon).

The book's API reference (book/api/, a page per module) renders these
docstrings with Sphinx in warnings-are-errors mode. Parsing them here
with docutils catches the usual slips (``|x|`` read as a substitution,
``mean_`` read as a link target, broken indentation) in a second,
without a book build.
Write maths in docstrings inside double backticks: ``|x|``, ``mean_``.
"""

from __future__ import annotations

import importlib
import inspect
import io
import pkgutil
import re

import pytest

import nnkit

docutils_core = pytest.importorskip("docutils.core")
napoleon = pytest.importorskip("sphinx.ext.napoleon")



def nnkit_modules():
    names = ["nnkit"]
    for info in pkgutil.walk_packages(nnkit.__path__, "nnkit."):
        names.append(info.name)
    return sorted(names)


def docstrings(module):
    """(qualified name, docstring) of the module and its public members."""
    yield module.__name__, inspect.getdoc(module)
    for name, obj in vars(module).items():
        if name.startswith("_") or getattr(obj, "__module__", None) != \
                module.__name__:
            continue
        yield f"{module.__name__}.{name}", inspect.getdoc(obj)
        if inspect.isclass(obj):
            for attr, member in vars(obj).items():
                if attr.startswith("_") and attr != "__init__":
                    continue
                if isinstance(member, (staticmethod, classmethod)):
                    member = member.__func__
                if isinstance(member, property):
                    member = member.fget
                if callable(member):
                    yield (f"{module.__name__}.{name}.{attr}",
                           inspect.getdoc(member))


SPHINX_ONLY = ("Unknown interpreted text role", "Unknown directive type",
               "No role entry", "No directive entry")


def rst_problems(text: str) -> str:
    """docutils' warnings and errors for a docstring, napoleon applied."""
    config = napoleon.Config(napoleon_google_docstring=True,
                             napoleon_numpy_docstring=False,
                             napoleon_custom_sections=["Input shape",
                                                       "Output shape"])
    rst = str(napoleon.GoogleDocstring(text, config))
    stream = io.StringIO()
    docutils_core.publish_doctree(
        rst, settings_overrides={"report_level": 2, "halt_level": 5,
                                 "warning_stream": stream})
    # Keep each message's header line ("<string>:3: (ERROR/3) ..."), not
    # the source it echoes; Sphinx roles and directives are unknown to
    # plain docutils, so those messages are not problems.
    headers = re.findall(r"^<string>:\d+: \((?:WARNING|ERROR|SEVERE)/\d\).*$",
                         stream.getvalue(), flags=re.MULTILINE)
    return "\n".join(h for h in headers
                     if not any(s in h for s in SPHINX_ONLY))


@pytest.mark.parametrize("module_name", nnkit_modules())
def test_docstrings_are_valid_restructuredtext(module_name):
    try:
        module = importlib.import_module(module_name)
    except ImportError as err:        # optional dependency missing
        pytest.skip(f"{module_name}: {err}")
    bad = []
    for qualname, doc in docstrings(module):
        if doc:
            problems = rst_problems(doc)
            if problems:
                bad.append(f"{qualname}:\n{problems}")
    assert not bad, "\n\n".join(bad)
