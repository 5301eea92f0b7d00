"""book/references.bib parses, entry by entry, as the book build reads it.

A merge that loses one closing brace swallows the next entry silently in
some readers and stops sphinxcontrib-bibtex in the book build; this
finds it in seconds and names the line.
"""

from __future__ import annotations

import re
from pathlib import Path

BIB = Path(__file__).resolve().parents[1] / "book" / "references.bib"


def test_bibliography_parses_with_unique_keys():
    from pybtex.database import parse_file
    entries = parse_file(str(BIB)).entries
    keys = re.findall(r"^@\w+\{([^,\s]+),", BIB.read_text(), flags=re.M)
    assert len(keys) == len(set(keys)), "duplicate keys"
    assert sorted(entries.keys()) == sorted(keys)
    for key, entry in entries.items():
        assert "title" in entry.fields, f"{key}: no title"
        assert "year" in entry.fields or "Undated" in entry.fields.get(
            "note", ""), f"{key}: no year (say \"Undated\" in a note)"
