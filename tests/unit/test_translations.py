"""The English catalogue covers every French message of the code and the templates.

The messages are extracted from the sources exactly as ``pybabel extract -F babel.cfg``
does from the root of the checkout (same mapping, same keywords), so a new ``_()``
without its English translation fails here, with the list of what is missing.
"""

from __future__ import annotations

import gettext
import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "paniers" / "translations"
PO_FILE = TRANSLATIONS / "en" / "LC_MESSAGES" / "messages.po"

# The keywords of the extraction command: Babel's defaults (_, gettext, ngettext,
# pgettext...) plus Flask-Babel's lazy variants.
KEYWORDS = {
    **DEFAULT_KEYWORDS,
    "_l": None,
    "lazy_gettext": None,
    "lazy_ngettext": (1, 2),
    "lazy_pgettext": ((1, "c"), 2),
}
# Folders that hold no interface text: tests, local data, builds, virtualenvs, caches.
SKIPPED_DIRS = {"tests", "instance", "build", "node_modules"}

# ``%(name)s``, ``%(n)d``, ``%(kg).1f``...
NAMED = re.compile(r"%\(\w+\)[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrs]")
# ``%s``, ``%d``, ``%%``... (no space flag: ``100 % local`` is French typography, not a
# placeholder).
POSITIONAL = re.compile(r"%(?!\()[-#0+]*\d*(?:\.\d+)?[diouxXeEfFgGcrs%]")


def _keep_dir(dirpath: str) -> bool:
    name = os.path.basename(dirpath)
    return not (
        name.startswith((".", "_")) or name in SKIPPED_DIRS or name.endswith(".egg-info")
    )


def _extract() -> Catalog:
    with open(ROOT / "babel.cfg", encoding="utf-8") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg, filename="babel.cfg")
    for pattern, method in method_map:
        if method == "jinja2":  # a template that does not parse fails, not yields nothing
            options_map.setdefault(pattern, {})["silent"] = "false"
    catalog = Catalog(locale=None)
    for filename, lineno, message, _comments, context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=KEYWORDS, directory_filter=_keep_dir,
    ):
        catalog.add(message, None, [(filename, lineno)], context=context)
    return catalog


@pytest.fixture(autouse=True)
def _catalogues_loaded_afresh() -> Iterator[None]:
    """The apps of a test process share one Flask-Babel domain, which keeps each locale's
    catalogue once loaded: the catalogues these tests load from a temporary folder must
    not stay for the tests that follow (nor earlier ones leak into these)."""
    from paniers.extensions import babel

    def forget() -> None:
        cached = babel.__dict__.get("domain_instance")  # set once an app has translated
        if cached is not None:
            cached.cache.clear()

    forget()
    yield
    forget()


@pytest.fixture(scope="module")
def sources() -> Catalog:
    return _extract()


@pytest.fixture(scope="module")
def english() -> Catalog:
    with open(PO_FILE, "rb") as po:
        return read_po(po, locale="en")


def _messages(catalog: Catalog) -> Iterator[Message]:
    return (message for message in catalog if message.id)


def _where(message: Message) -> str:
    places = ", ".join(f"{path}:{line}" for path, line in message.locations[:2])
    return f"{message.id!r} ({places})" if places else repr(message.id)


def _forms(value: str | tuple[str, ...] | list[str] | None) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(value)


def _placeholders(text: str) -> tuple[list[str], list[str]]:
    """Named placeholders in any order, positional ones in their order."""
    return sorted(NAMED.findall(text)), POSITIONAL.findall(NAMED.sub("", text))


def test_the_sources_have_messages_from_code_and_templates(sources):
    files = {path for message in _messages(sources) for path, _line in message.locations}
    assert any(path.startswith("templates/") for path in files), files
    assert any(path.endswith(".py") for path in files), files
    assert any(message.pluralizable for message in _messages(sources))
    assert not any(path.startswith(("tests/", ".venv/")) for path in files)


def test_every_message_has_an_english_translation(sources, english):
    missing = []
    for source in _messages(sources):
        translated = english.get(source.id, source.context)
        if translated is None:
            missing.append(f"{_where(source)}: not in the catalogue")
        elif translated.fuzzy:
            missing.append(f"{_where(source)}: fuzzy")
        elif _forms(translated.id) != _forms(source.id):
            missing.append(f"{_where(source)}: plural form differs in the catalogue")
        elif not all(form.strip() for form in _forms(translated.string)) or (
            len(_forms(translated.string)) < (english.num_plurals if source.pluralizable else 1)
        ):
            missing.append(f"{_where(source)}: empty translation")
    assert not missing, (
        f"{len(missing)} message(s) without an English translation in "
        f"{PO_FILE.relative_to(ROOT)} (run pybabel extract/update and translate):\n  "
        + "\n  ".join(missing)
    )


def test_translations_keep_the_placeholders(english):
    wrong = []
    for message in _messages(english):
        if not message.string:
            continue
        sources = _forms(message.id)
        translations = _forms(message.string)
        if message.pluralizable:
            # Each English form pairs with the French one of the same rank (both
            # languages have one singular and one plural form); the singular may drop
            # the count, so compare the named placeholders as sets across the forms.
            expected = {p for text in sources for p in _placeholders(text)[0]}
            found = {p for text in translations for p in _placeholders(text)[0]}
            if expected != found:
                wrong.append(f"{message.id!r}: {sorted(expected)} != {sorted(found)}")
            for text in translations:
                if _placeholders(text)[1]:
                    wrong.append(f"{message.id!r}: positional placeholder in {text!r}")
            continue
        if _placeholders(sources[0]) != _placeholders(translations[0]):
            wrong.append(
                f"{message.id!r} -> {message.string!r}: "
                f"{_placeholders(sources[0])} != {_placeholders(translations[0])}"
            )
    assert not wrong, "placeholders differ between French and English:\n  " + "\n  ".join(
        wrong
    )


def test_the_catalogue_has_no_stale_or_broken_entries(english):
    problems = [
        f"{message.id!r}: {error}"
        for message, errors in english.check()
        for error in errors
    ]
    assert not problems, "\n".join(problems)
    assert english.plural_forms == "nplurals=2; plural=(n != 1);"


@pytest.fixture()
def compiled(english: Catalog, tmp_path: Path) -> Path:
    """The catalogue compiled as ``make install`` does, in a temporary folder."""
    target = tmp_path / "en" / "LC_MESSAGES" / "messages.mo"
    target.parent.mkdir(parents=True)
    with open(target, "wb") as mo:
        write_mo(mo, english)
    return tmp_path


def test_the_compiled_catalogue_translates(compiled):
    with open(compiled / "en" / "LC_MESSAGES" / "messages.mo", "rb") as mo:
        translations = gettext.GNUTranslations(mo)
    assert translations.gettext("Mes commandes") == "My orders"
    assert translations.gettext("Petit panier") == "Small basket"
    assert translations.gettext("Commande n° %(id)d") % {"id": 7} == "Order no. 7"
    assert translations.ngettext("botte", "bottes", 1) == "bunch"
    assert translations.ngettext("botte", "bottes", 3) == "bunches"


def test_the_application_speaks_english_with_the_compiled_catalogue(compiled):
    from flask import render_template_string
    from flask_babel import force_locale
    from flask_babel import gettext as flask_gettext

    from paniers import create_app
    from paniers.formatting import unit_label

    app = create_app({
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": "sqlite://",
        "BABEL_TRANSLATION_DIRECTORIES": str(compiled),
    })
    with app.test_request_context("/"):
        with force_locale("en"):
            assert flask_gettext("Point de retrait") == "Pickup point"
            assert unit_label("dozen", 2) == "dozen"
            assert render_template_string("{{ 3|crates }}, {{ 1|crates }}") == "3 crates, 1 crate"
        with force_locale("fr"):
            assert flask_gettext("Point de retrait") == "Point de retrait"
            assert unit_label("bunch", 2) == "bottes"
            assert render_template_string("{{ 1|crates }}, {{ 12.5|decimal }}") == "1 caisse, 12,5"


def test_the_french_catalogue_has_every_plural_message_with_the_french_rule(sources):
    from tests.support.french_plurals import FRENCH_PO, PLURAL_RULE, french_catalogue

    with open(FRENCH_PO, "rb") as po:
        french = read_po(po, locale="fr")
    assert french.plural_forms == PLURAL_RULE
    expected = {(m.id, m.context) for m in french_catalogue() if m.id}
    found = {(m.id, m.context) for m in french if m.id and all(_forms(m.string))}
    missing = sorted(str(key[0]) for key in expected - found)
    assert not missing, (
        "plural messages missing from the French catalogue (run "
        "`python -m tests.support.french_plurals`):\n  " + "\n  ".join(missing))


def test_french_says_zero_and_one_in_the_singular(tmp_path):
    """French uses the singular for 0 and 1: "0 caisse", "1 caisse", "2 caisses"."""
    from flask import render_template_string
    from flask_babel import force_locale

    from paniers import create_app
    from tests.support.french_plurals import FRENCH_PO

    with open(FRENCH_PO, "rb") as po:
        french = read_po(po, locale="fr")
    target = tmp_path / "fr" / "LC_MESSAGES" / "messages.mo"
    target.parent.mkdir(parents=True)
    with open(target, "wb") as mo:
        write_mo(mo, french)
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://",
                      "BABEL_TRANSLATION_DIRECTORIES": str(tmp_path)})
    with app.test_request_context("/"):
        with force_locale("fr"):
            page = render_template_string("{{ 0|crates }}, {{ 1|crates }}, {{ 2|crates }}")
    assert page == "0 caisse, 1 caisse, 2 caisses"
