"""Alphabetical order as a French reader expects it: « Épinard » before « Tomate »,
« Œufs » with the O's, capitals and accents not counted (the database sorts by code
points, which puts every accented capital after Z)."""

from __future__ import annotations

import unicodedata

# Letters that no Unicode decomposition splits.
_LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "ß": "ss"})


def sort_key(text: str) -> tuple[str, str]:
    """Accents and case left out first, then as written (a stable tie-break)."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_LIGATURES))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return plain.casefold(), text
