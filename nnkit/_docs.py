"""Docstring sections a class inherits from its bases.

A class documents what it adds. An ``Args:`` entry, or an
``Input shape:``, ``Output shape:`` or ``Returns:`` section, that its
docstring leaves out and a base class documents is taken from the
nearest base that has it, so a shared argument is described once, next
to the code that handles it: ``KernelMixin`` documents ``activation``,
``use_bias`` and the initializers for Dense and every convolution,
``_Pooling1D`` the arguments of both 1-D pooling layers.

``help()``, ``inspect.getdoc`` and the API page all show the merged
docstring: every argument of the class's signature, in the signature's
order. An inherited entry is kept only if the class's signature has that
argument (``**kwargs`` included), so a subclass that drops an argument
does not document it. ``Layer``, ``Loss``, ``Metric`` and ``Optimizer``
call ``inherit_sections`` from ``__init_subclass__``, so every subclass
gets it (``Layer``'s own arguments excepted: a layer documents them as
``**kwargs``).
"""

from __future__ import annotations

import inspect
import re

__all__ = ["inherit_sections"]

# The sections inherited, in the order they are added when missing.
SECTIONS = ("Args", "Returns", "Input shape", "Output shape")
_HEADER = re.compile(r"^(Args|Returns|Input shape|Output shape)"
                     r"(?: \(.*\))?:$")


def _blocks(doc: str) -> list[tuple[str | None, list[str]]]:
    """Split a cleaned docstring into (section name or None, lines).

    A section is its header line and the indented (or blank) lines
    under it; everything else is plain text (name None).
    """
    blocks: list[tuple[str | None, list[str]]] = [(None, [])]
    for line in doc.splitlines():
        header = _HEADER.match(line)
        if header:
            blocks.append((header.group(1), [line]))
        elif blocks[-1][0] is not None and line and not line[0].isspace():
            blocks.append((None, [line]))
        else:
            blocks[-1][1].append(line)
    return [(name, lines) for name, lines in blocks if lines]


def _entries(lines: list[str]) -> list[tuple[list[str], list[str]]]:
    """The ``Args:`` entries: (argument names, the entry's lines)."""
    body = [line for line in lines[1:] if line.strip()]
    if not body:
        return []
    indent = len(body[0]) - len(body[0].lstrip())
    entries: list[tuple[list[str], list[str]]] = []
    for line in body:
        if len(line) - len(line.lstrip()) == indent:
            names = line.strip().split(":", 1)[0]
            entries.append(([n.strip() for n in names.split(",")], [line]))
        else:
            entries[-1][1].append(line)
    return entries


def _signature_order(cls: type) -> dict[str, int] | None:
    """Position of each argument of ``cls(...)`` (``**kwargs`` as
    written), or None if Python cannot tell."""
    try:
        params = inspect.signature(cls).parameters.values()
    except (TypeError, ValueError):
        return None
    order = {}
    for i, p in enumerate(params):
        stars = {p.VAR_POSITIONAL: "*", p.VAR_KEYWORD: "**"}.get(p.kind, "")
        order[stars + p.name] = i
        if p.kind == p.VAR_KEYWORD:
            order["**kwargs"] = i    # the name docstrings use for it
    return order


def _merge_args(own: list[str] | None, inherited: list[list[str]],
                order: dict[str, int]) -> list[str] | None:
    """``Args:`` lines: own entries, then inherited ones the signature
    has, all in the signature's order."""
    entries = _entries(own) if own else []
    known = {n for names, _ in entries for n in names}
    added = False
    for lines in inherited:
        for names, entry in _entries(lines):
            if not known.intersection(names) and any(n in order
                                                     for n in names):
                entries.append((names, entry))
                known.update(names)
                added = True
    if not added:
        return own
    entries.sort(key=lambda e: min(order.get(n, len(order))
                                   for n in e[0]))
    return ["Args:"] + [line for _, entry in entries for line in entry]


def inherit_sections(cls: type, exclude: tuple[type, ...] = ()) -> None:
    """Complete ``cls.__doc__`` with the sections its bases document
    (see the module docstring), except the bases in ``exclude``. A class
    without a docstring of its own is left alone (Python then shows its
    base's)."""
    doc = cls.__dict__.get("__doc__")
    if not doc:
        return
    order = _signature_order(cls)
    blocks = _blocks(inspect.cleandoc(doc))
    own = {name: lines for name, lines in blocks if name}
    bases = [dict((n, ls) for n, ls in _blocks(inspect.getdoc(b) or "")
                  if n) for b in cls.__mro__[1:] if b not in exclude]
    merged = dict(own)
    if order is not None:
        args = _merge_args(own.get("Args"),
                           [b["Args"] for b in bases if "Args" in b],
                           order)
        if args is not None:
            merged["Args"] = args
    for name in SECTIONS[1:]:
        if name not in merged:
            found = [b[name] for b in bases if name in b]
            if found:
                merged[name] = found[0]
    if merged == own:
        return
    out: list[str] = []
    for name, lines in blocks:
        if name is None:
            out += lines
        elif name in merged:
            blank = len(lines) - len(_strip(lines))
            out += _strip(merged.pop(name)) + [""] * blank
    for name in SECTIONS:            # missing sections, in SECTIONS order
        if name in merged:
            insert = _insertion_point(out, name)
            out[insert:insert] = ([""] if insert and out[insert - 1]
                                  else []) + _strip(merged.pop(name)) + [""]
    cls.__doc__ = "\n".join(out).rstrip() + "\n"


def _strip(lines: list[str]) -> list[str]:
    """``lines`` without its trailing blank lines."""
    end = len(lines)
    while end and not lines[end - 1].strip():
        end -= 1
    return lines[:end]


def _insertion_point(lines: list[str], name: str) -> int:
    """Where a missing section goes: before the first section that
    SECTIONS lists after it, else at the end."""
    later = SECTIONS[SECTIONS.index(name) + 1:]
    for i, line in enumerate(lines):
        header = _HEADER.match(line)
        if header and header.group(1) in later:
            return i
    while lines and not lines[-1].strip():
        lines.pop()
    return len(lines)
