from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from routemap import InvalidQuery
from routemap.normalize import MAX_NAME_LENGTH, check_name, normalize_name, strip_article


@pytest.mark.parametrize(
    ("raw", "normal"),
    [
        ("Perú", "peru"),
        ("ESPAÑA", "espana"),
        ("EE.UU.", "eeuu"),
        ("E.E.U.U.", "eeuu"),
        ("U.S.", "us"),
        ("Apurímac, Ene y Mantaro", "apurimac ene y mantaro"),
        ("country?s", "country s"),
        ("Côte d'Ivoire", "cote divoire"),
        ("Côte d’Ivoire", "cote divoire"),
        ("  São   Paulo ", "sao paulo"),
        ("Port-au-Prince", "port au prince"),
        ("St. Louis", "st louis"),
        ("Łódź", "lodz"),
        ("Straße", "strasse"),
    ],
)
def test_normal_forms(raw: str, normal: str) -> None:
    assert normalize_name(raw) == normal


def test_articles() -> None:
    assert strip_article("the united states") == "united states"
    assert strip_article("los angeles") == "angeles"
    assert strip_article("la") == "la"


@pytest.mark.parametrize(
    ("value", "error", "message"),
    [
        ("", InvalidQuery, "empty"),
        ("   \t ", InvalidQuery, "empty"),
        ("x" * (MAX_NAME_LENGTH + 1), InvalidQuery, "at most"),
        ("Li\x00ma", InvalidQuery, "control"),
        ("?!…", InvalidQuery, "no letters"),
        (None, TypeError, "NoneType"),
        (42, TypeError, "int"),
        (b"Lima", TypeError, "bytes"),
        (float("nan"), TypeError, "float"),
    ],
)
def test_check_name_rejects_bad_input(value: object, error: type, message: str) -> None:
    with pytest.raises(error, match=message):
        check_name(value)


@settings(max_examples=2000, deadline=None)
@given(st.text(max_size=60))
def test_normalization_is_idempotent_and_total(text: str) -> None:
    once = normalize_name(text)
    assert normalize_name(once) == once
    assert once == once.strip() and "  " not in once
    assert once == once.casefold()


@settings(max_examples=1000, deadline=None)
@given(st.text(alphabet=st.characters(categories=["L", "M", "Zs", "P"]), max_size=40))
def test_accents_and_case_do_not_matter(text: str) -> None:
    assert normalize_name(text.upper()) == normalize_name(text.lower()) or any(
        len(ch.upper()) != 1 or len(ch.lower()) != 1 for ch in text
    )
