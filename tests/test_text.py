"""Documents: reading files, language, dates, sentences and site chrome."""

from __future__ import annotations

from pathlib import Path

import pytest

from routemap import Document, DocumentError, read_document
from routemap.text import detect_language, find_date, unwrap

SEEDS = Path(__file__).parent.parent / "seeds"


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("PERU / 19 JUL 2012 BY MICHAEL KANE EN", "2012-07-19"),
        ("PERU / 14 SEP 2015 BY MICHAEL LOHMULLER EN", "2015-09-14"),
        ("26/06/2024\nPeruvian Interior Ministry", "2024-06-26"),
        ("Lima, 23 de abril de 2019 (Andina).", "2019-04-23"),
        ("Published July 5, 2022 by staff", "2022-07-05"),
        ("2021-11-30T10:00", "2021-11-30"),
        ("El 1 de setiembre de 2020 la policía", "2020-09-01"),
        ("31/02/2020 is not a date", None),
        ("nothing here", None),
    ],
)
def test_dates_written_in_text(text: str, date: str | None) -> None:
    assert find_date(text) == date


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Authorities in Peru have destroyed 54 clandestine landing strips.", "en"),
        ("Las autoridades destruyeron 54 pistas de aterrizaje clandestinas en el VRAEM.", "es"),
        ("", None),
        ("12345 !!!", None),
    ],
)
def test_language(text: str, language: str | None) -> None:
    assert detect_language(text) == language


def test_bom_and_crlf_keep_offsets(tmp_path: Path) -> None:
    path = tmp_path / "nota.txt"
    text = (
        "Incautan cocaína en el Callao\r\n\r\nLa Policía halló droga en el puerto del Callao.\r\n"
    )
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    doc = read_document(path)
    assert doc.text == text and doc.id == str(path)
    assert doc.language == "es"
    start = text.index("puerto")
    assert doc.text[start : start + 6] == "puerto"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        ("Perú exporta cocaína".encode("latin-1"), "not UTF-8"),
    ],
)
def test_unreadable_files_name_the_file(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(DocumentError, match=message) as info:
        read_document(path)
    assert str(path) in str(info.value)


def test_missing_file_and_folder(tmp_path: Path) -> None:
    with pytest.raises(DocumentError, match="cannot read"):
        read_document(tmp_path / "missing.txt")
    with pytest.raises(DocumentError, match="folder"):
        read_document(tmp_path)


def test_seed_metadata() -> None:
    doc = read_document(SEEDS / "000_8a9a345fb03fcc62.txt")
    assert doc.language == "en" and doc.date == "2012-07-19"
    assert doc.title == "Peru Postal System Used by Drug Trade"
    assert read_document(SEEDS / "002_a9ed85fdf81ea570.txt").date == "2024-06-26"


def test_chrome_is_marked_by_shape() -> None:
    doc = read_document(SEEDS / "001_586be9d551755256.txt")
    chrome = {b.text.strip() for b in doc.blocks if b.chrome}
    body = {b.text.strip() for b in doc.blocks if not b.chrome}
    assert "DONATE" in chrome and "Related Content" in chrome
    assert "SEE ALSO: Peru News and Profiles" in chrome
    assert any(t.startswith("HomeNewsBrief") for t in chrome)
    assert any(t.startswith("We want to sustain Latin America") for t in chrome)
    assert any(t.startswith("This most recent case, however") for t in body)
    assert any(t.startswith("In another worrying sign") for t in body)


def test_invented_site_shape_is_recognised() -> None:
    # A different site, in Spanish: the same shape (short labels, repeated lines, teasers).
    body = " ".join(["La policía incautó 2 toneladas de cocaína en el puerto de Paita."] * 4)
    text = "\n".join(
        [
            "Inicio > Nacionales > Policiales",
            "Incautan cocaína en Paita",
            body,
            body.replace("Paita", "Tumbes"),
            "Compartir",
            "Facebook",
            "Suscríbete a nuestro boletín",
            "Te puede interesar",
            "Capturan a burrier en el aeropuerto Jorge Chávez",
            "Suscríbete a nuestro boletín",
        ]
    )
    doc = Document.from_text(text)
    marked = {b.text for b in doc.blocks if b.chrome}
    assert {"Compartir", "Facebook", "Te puede interesar"} <= marked
    assert "Capturan a burrier en el aeropuerto Jorge Chávez" in marked
    assert body in {b.text for b in doc.blocks if not b.chrome}


def test_damaged_apostrophes_do_not_split_sentences() -> None:
    doc = Document.from_text("Drug shipments leaving the country?s largest region. Then more.")
    assert len(doc.sentences) == 2


def test_sentences_respect_abbreviations() -> None:
    doc = Document.from_text("Gen. Romero met the U.S. envoy in Lima. They spoke.")
    assert len(doc.sentences) == 2
    assert doc.sentence_index(doc.text.index("They")) == 1


def test_non_text_is_a_type_error() -> None:
    with pytest.raises(TypeError):
        Document.from_text(b"bytes")  # type: ignore[arg-type]


def test_a_break_inside_a_sentence_is_soft_even_in_a_short_passage() -> None:
    # Two lines are too few to see a wrap width; a lower-case word going on is enough.
    text = "La droga fue enviada desde el puerto del Callao con\ndestino a Amberes.\nFin."
    flowed = unwrap(text)
    assert flowed == "La droga fue enviada desde el puerto del Callao con destino a Amberes.\nFin."
    assert len(flowed) == len(text)
    # A line that ends a sentence, or a short one (a menu item), keeps its break.
    kept = "Police seized 2 tons of cocaine in Callao.\nthe port's busiest week\nHome\nnews"
    assert unwrap(kept) == kept
