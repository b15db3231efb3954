"""Names as people type them: case, accents and spacing do not matter (brands, municipalities)."""

import unicodedata


def name_normalize(name: str) -> str:
    """'  Citroën ' and 'CITROEN' are the same brand."""
    decomposed = unicodedata.normalize("NFKD", name)
    without_accents = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(without_accents.casefold().split())
