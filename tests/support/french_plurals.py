"""Write the French catalogue: French is the language of the sources, so this catalogue
holds only the plural messages, each translated as itself, for the sake of its plural
rule (``n > 1``: "0 panier", "1 panier", "2 paniers"). Without it, gettext would fall
back to the English rule (singular for 1 only) and print "0 paniers".

Run after adding an ``ngettext``: ``python -m tests.support.french_plurals``
(tests/unit/test_translations.py fails until the catalogue has every plural message).
"""

from __future__ import annotations

from datetime import UTC, datetime

from babel.messages.catalog import Catalog
from babel.messages.pofile import write_po

from tests.unit.test_translations import TRANSLATIONS, _extract

FRENCH_PO = TRANSLATIONS / "fr" / "LC_MESSAGES" / "messages.po"
PLURAL_RULE = "nplurals=2; plural=(n > 1);"
STABLE_DATE = datetime(2026, 12, 2, tzinfo=UTC)  # the file changes only with its messages


def french_catalogue() -> Catalog:
    catalog = Catalog(locale="fr", project="Paniers", version="1.0",
                      copyright_holder="Paniers", charset="utf-8", fuzzy=False,
                      creation_date=STABLE_DATE, revision_date=STABLE_DATE,
                      last_translator="Paniers <translations@paniers.invalid>",
                      language_team="French")
    # CLDR gives French a third form for millions; gettext and this catalogue keep two.
    catalog._num_plurals, catalog._plural_expr = 2, "(n > 1)"
    for message in _extract():
        if message.id and message.pluralizable:
            catalog.add(message.id, tuple(message.id), context=message.context)
    return catalog


def main() -> None:
    catalog = french_catalogue()
    FRENCH_PO.parent.mkdir(parents=True, exist_ok=True)
    with open(FRENCH_PO, "wb") as po:
        write_po(po, catalog, omit_header=False, no_location=True, sort_output=True)
    print(f"{FRENCH_PO.name}: {len(catalog)} plural messages")


if __name__ == "__main__":
    main()
