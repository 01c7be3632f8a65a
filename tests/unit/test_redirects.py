"""A redirect target taken from the request stays on this site."""

from __future__ import annotations

import pytest

from paniers.redirects import safe_next

HOSTILE = [
    "//evil.example",
    "/\t/evil.example",         # /%09/evil.example: the browser drops the tab
    "/\r\n/evil.example",
    " //evil.example",
    "\x00//evil.example",
    "/\\evil.example",           # the browser reads \ as /
    "\\\\evil.example",
    "/x\\y",
    "https://evil.example/",
    "https:evil.example",
    "javascript:alert(1)",
    "evil.example",
    "mailto:a@evil.example",
    "",
    None,
]


@pytest.mark.parametrize("target", HOSTILE)
def test_a_target_off_this_site_gives_the_fallback(target):
    assert safe_next(target, "/accueil") == "/accueil"


@pytest.mark.parametrize("target", ["/", "/mes-commandes", "/catalogue?semaine=2026-03-02",
                                    "/relais/?point=3#commande-12", "/a/b:c"])
def test_a_path_of_this_site_is_kept(target):
    assert safe_next(target, "/accueil") == target


def test_whitespace_and_control_characters_are_taken_out_of_a_kept_path():
    assert safe_next(" /mes-\tcommandes\n", "/accueil") == "/mes-commandes"
