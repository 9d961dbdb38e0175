"""Geoparsing against hand-annotated gold: the five seeds and fourteen original passages
in English and Spanish (tests/data/geoparse/), plus the traps named in issue #3."""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from routemap import Document, Gazetteer, Mention, geoparse, read_document
from routemap.geoparse import resolve_spans

ROOT = Path(__file__).parent.parent
DATA = Path(__file__).parent / "data" / "geoparse"


def _load(name: str) -> list[dict[str, Any]]:
    with open(DATA / name, encoding="utf-8") as handle:
        entries: list[dict[str, Any]] = yaml.safe_load(handle)
    return entries


def _document(entry: dict[str, Any]) -> Document:
    if "document" in entry:
        return read_document(ROOT / entry["document"])
    return Document.from_text(entry["text"], id=entry["id"])


def _score(entries: list[dict[str, Any]]) -> tuple[float, float, float, list[str]]:
    tp = fp = fn = right = 0
    problems = []
    for entry in entries:
        doc = _document(entry)
        gold = {(m["start"], m["end"]): m["id"] for m in entry["mentions"]}
        found = {(m.start, m.end): m for m in geoparse(doc)}
        for span, place_id in gold.items():
            mention = found.get(span)
            if mention is None:
                fn += 1
                problems.append(f"missed {doc.text[span[0] : span[1]]!r} in {doc.id}")
                continue
            tp += 1
            if mention.place is not None and mention.place.id == place_id:
                right += 1
            else:
                problems.append(f"{mention.text!r} in {doc.id}: {mention.place} ≠ {place_id}")
        for span, mention in found.items():
            if span not in gold:
                fp += 1
                problems.append(f"extra {mention.text!r} in {doc.id}")
    precision, recall = tp / (tp + fp), tp / (tp + fn)
    return 2 * precision * recall / (precision + recall), recall, right / tp, problems


@pytest.mark.parametrize(
    ("name", "min_f1", "min_accuracy"), [("seeds.yaml", 0.93, 0.98), ("examples.yaml", 0.93, 0.9)]
)
def test_gold_mentions_are_found_and_resolved(
    name: str, min_f1: float, min_accuracy: float
) -> None:
    f1, _recall, accuracy, problems = _score(_load(name))
    report = "\n".join(problems)
    assert f1 >= min_f1, f"F1 {f1:.3f}\n{report}"
    assert accuracy >= min_accuracy, f"resolution accuracy {accuracy:.3f}\n{report}"


def test_seed_body_mentions_are_all_right() -> None:
    """Outside site chrome the seeds must be exact: every place found, none invented."""
    for entry in _load("seeds.yaml"):
        doc = _document(entry)
        gold = {(m["start"], m["end"]): m["id"] for m in entry["mentions"] if not m["in_chrome"]}
        found = {(m.start, m.end): m.place.id for m in geoparse(doc) if not m.in_chrome if m.place}
        assert found == gold, entry["document"]


def test_chrome_flags_match_gold() -> None:
    for entry in _load("seeds.yaml"):
        doc = _document(entry)
        flags = {(m.start, m.end): m.in_chrome for m in geoparse(doc)}
        for m in entry["mentions"]:
            if (m["start"], m["end"]) in flags:
                assert flags[(m["start"], m["end"])] == m["in_chrome"], m


def test_not_places_stay_out() -> None:
    for name in ("seeds.yaml", "examples.yaml"):
        for entry in _load(name):
            doc = _document(entry)
            mentions = geoparse(doc)
            for trap in entry.get("not_places") or ():
                # In site chrome a stray name is flagged and kept out of routes already.
                inside = [
                    m
                    for m in mentions
                    if m.start < trap["end"] and trap["start"] < m.end and not m.in_chrome
                ]
                assert not inside, f"{trap['text']!r} ({trap.get('why')}) gave {inside}"


@pytest.mark.parametrize(
    ("text", "surface", "place_id"),
    [
        ("Cocaine left the port of Callao for Antwerp.", "Callao", "locode:PECLL"),
        ("Incautan droga en el puerto del Callao.", "Callao", "locode:PECLL"),
        (
            "Drugs were flown from the VRAEM to Bolivia's La Paz department.",
            "La Paz",
            "iso3166-2:BO-L",
        ),
        ("La droga salió del departamento de La Paz rumbo a Chile.", "La Paz", "iso3166-2:BO-L"),
        (
            "Police in Pichari, in the VRAEM, said the plane landed near San Francisco.",
            "San Francisco",
            "geonames:3929710",
        ),
        (
            "The shipment was seized in San Francisco, California, on Monday.",
            "San Francisco",
            "geonames:5391959",
        ),
        (
            "Couriers arrested at Lima's airport were bound for Madrid, Spain.",
            "Madrid",
            "geonames:3117735",
        ),
        ("El Perú y Bolivia firmaron un acuerdo.", "Perú", "iso3166:PE"),
        # A place qualified by the country or region holding it ("X, Y", "X (Y)").
        (
            "US agents in Texas and Florida tracked the shipment, which Greek police later "
            "seized in Athens, Greece.",
            "Athens",
            "geonames:264371",
        ),
        (
            "DEA agents arrested the courier in Atlanta, Georgia, after a flight from Bogotá.",
            "Georgia",
            "iso3166-2:US-GA",
        ),
        (
            "La droga salió de San Francisco (Ayacucho) rumbo a Lima, según la policía.",
            "Ayacucho",
            "iso3166-2:PE-AYA",
        ),
        # A list of three names or more takes the kind most of them have.
        (
            "Fentanyl seizures rose in Arizona, California, Georgia and Texas last year.",
            "Georgia",
            "iso3166-2:US-GA",
        ),
        (
            "Authorities in Alberta, Manitoba, Ontario and New Brunswick reported seizures.",
            "Ontario",
            "iso3166-2:CA-ON",
        ),
        (
            "Los cárteles se disputan las rutas en Sinaloa, Sonora, Durango y Chihuahua.",
            "Durango",
            "iso3166-2:MX-DUR",
        ),
    ],
)
def test_context_resolves_ambiguous_names(text: str, surface: str, place_id: str) -> None:
    mentions = {m.text: m for m in geoparse(text)}
    assert surface in mentions, mentions
    place = mentions[surface].place
    assert place is not None and place.id == place_id


def _context_cases() -> list[Any]:
    cases = []
    for number, case in enumerate(_load("context_cases.yaml")):
        marks = [pytest.mark.xfail(reason=case["xfail"], strict=True)] if "xfail" in case else []
        label = f"{number:02d}-{case['lang']}-{case['surface']}"
        cases.append(pytest.param(case, marks=marks, id=label))
    return cases


@pytest.mark.parametrize("case", _context_cases())
def test_context_cases(case: dict[str, Any]) -> None:
    """tests/data/geoparse/context_cases.yaml: airports by common names, capitals and
    ports against small namesakes, country qualifiers, towns named like their region."""
    assert case["surface"] in case["text"], "the case's surface must occur in its text"
    mentions = [m for m in geoparse(case["text"]) if m.text == case["surface"]]
    if case["id"] is None:
        # A name the gazetteer cannot hold (a river): no confident wrong answer.
        assert all(m.place is None or m.score < 0.5 for m in mentions), mentions
        return
    assert mentions, f"{case['surface']!r} not found in {case['text']!r}"
    place = mentions[0].place
    assert place is not None and place.id == case["id"], mentions[0]


@pytest.mark.parametrize(
    "text",
    [
        "La Policía Nacional del Perú informó sobre la incautación.",
        "Según La República, el Rey de España visitó la zona.",
        "El cartel de Sinaloa y la Spanish Civil Guard colaboran.",
        "The European Union and the Peruvian National Police met.",
        "Los vecinos piden la paz social en la comunidad.",
        "El fiscal Juan Lima presentó la denuncia.",
        "Peruvian and Bolivian officials met; the boliviano cited costs.",
        # A common word heading a capitalised "X de Y" name is that name's, not a town's.
        "Según la Unidad de Investigaciones Financieras, el dinero se lavó en efectivo.",
        "El Centro de Inteligencia Antinarcóticos detectó la avioneta al amanecer.",
        "Agents of the Center of Intelligence questioned the pilot.",
        "A report by the Centre for Drug Policy Studies was released.",
        # A portfolio after a ministerial title.
        "El ministro del Interior anunció más controles.",
        "The secretary of the Interior announced new checks.",
        "La viceministra de Defensa Social presentó el informe.",
        # A common word naming a feature after its cue word.
        "La Isla del Sol recibe turistas todo el año.",
    ],
)
def test_traps_yield_no_place(text: str) -> None:
    assert [m.text for m in geoparse(text)] == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Registry forms that end in a function word ("Mexico By", Danish for Mexico City)
        # must not swallow the running text after a name.
        ("The cocaine was shipped from Colombia to Mexico by sea.", ["Colombia", "Mexico"]),
        ("Couriers flew to Panama by way of Bogotá.", ["Panama", "Bogotá"]),
        (
            "La droga llegó a Guatemala en lancha y a Honduras por tierra.",
            ["Guatemala", "Honduras"],
        ),
    ],
)
def test_a_name_does_not_swallow_the_word_after_it(text: str, expected: list[str]) -> None:
    assert [m.text for m in geoparse(text) if m.place is not None] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Water crossed is no stop, even where a town shares its name (Pacific, Missouri;
        # Atlantic, Iowa; Guinea inside the Gulf of Guinea; Sudan's Red Sea state).
        ("The cocaine crossed the Pacific to Australia.", ["Australia"]),
        ("Boats cross the Atlantic from Brazil to West Africa.", ["Brazil", "West Africa"]),
        ("It left from the Pacific port of Buenaventura.", ["Buenaventura"]),
        ("Ships through the Gulf of Guinea reach Europe.", ["Europe"]),
        ("Captagon moves across the Red Sea to Jeddah.", ["Jeddah"]),
        ("La droga salió por el Pacífico colombiano hacia México.", ["México"]),
        ("Lanchas cruzan el golfo de México hacia Texas.", ["Texas"]),
    ],
)
def test_seas_are_not_stops(text: str, expected: list[str]) -> None:
    assert [m.text for m in geoparse(text) if m.place is not None] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Commas that only separate a list qualify nothing.
        (
            "The cocaine was unloaded in Cairo, Giza, and Alexandria, police said.",
            {"Cairo": "geonames:360630"},
        ),
        (
            "Health officials in countries such as China, Japan, and Brazil report cases.",
            {"China": "iso3166:CN", "Japan": "iso3166:JP"},
        ),
        (
            "La policía incautó droga en Perú, Bolivia y Colombia, como también en Ecuador.",
            {"Perú": "iso3166:PE", "Bolivia": "iso3166:BO", "Colombia": "iso3166:CO"},
        ),
    ],
)
def test_list_commas_are_not_qualifiers(text: str, expected: dict[str, str]) -> None:
    found = {m.text: m.place.id for m in geoparse(text) if m.place}
    assert {name: found.get(name) for name in expected} == expected


def test_a_qualified_name_keeps_its_reading_when_repeated() -> None:
    text = (
        "US and Mexican agents followed the courier to Athens, Greece. In Athens the "
        "Hellenic Police arrested him; Texas prosecutors want him extradited."
    )
    places = [m.place.id for m in geoparse(text) if m.text == "Athens" and m.place]
    assert places == ["geonames:264371", "geonames:264371"]


def test_mentions_are_ordered_non_overlapping_and_offsets_exact() -> None:
    doc = read_document(ROOT / "seeds" / "003_aceaf8166e69cb16.txt")
    mentions = geoparse(doc)
    assert mentions == sorted(mentions, key=lambda m: m.start)
    for before, after in itertools.pairwise(mentions):
        assert before.end <= after.start
    for m in mentions:
        assert doc.text[m.start : m.end] == m.text
        assert isinstance(m, Mention) and 0 <= m.score <= 1
        assert m.candidates and m.candidates[0][0] == (m.place.id if m.place else None)
    longest = [m for m in mentions if m.text.startswith("Apurimac")]
    assert longest and longest[0].text == "Apurimac, Ene and Mantaro River Valley"


def test_damaged_text_still_parses() -> None:
    mentions = geoparse("Drug shipments leaving the country?s largest region, the VRAEM.")
    assert [m.place.id for m in mentions if m.place] == ["routemap:vraem"]


def test_resolve_spans_uses_document_context() -> None:
    text = "Police in the VRAEM said the plane left San Francisco for Bolivia."
    start = text.index("San Francisco")
    (place,) = resolve_spans(text, [(start, start + len("San Francisco"))])
    assert place is not None and place.country == "PE"


def test_custom_gazetteer_is_used(gaz: Gazetteer) -> None:
    assert geoparse("Lima", gazetteer=gaz)[0].place == gaz.resolve("Lima")


def test_cli_json_offsets_are_into_the_file(tmp_path: Path) -> None:
    path = tmp_path / "nota.txt"
    text = "Incautan cocaína en el puerto del Callao rumbo a Amberes.\r\n"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    done = subprocess.run(
        [sys.executable, "-m", "routemap", "geoparse", str(path), "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    record = json.loads(done.stdout)
    assert record["document"] == str(path) and record["language"] == "es"
    spans = [(m["start"], m["end"], m["text"], m["id"]) for m in record["mentions"]]
    assert spans == [
        (34, 40, "Callao", "locode:PECLL"),
        (49, 56, "Amberes", "geonames:2803138"),
    ]
    for start, end, surface, _ in spans:
        assert text[start:end] == surface


def test_cli_reports_unreadable_files_and_goes_on(tmp_path: Path) -> None:
    good = tmp_path / "good.txt"
    good.write_text("Cocaine seized in Callao.", encoding="utf-8")
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\x00\x01\x02binary")
    done = subprocess.run(
        [sys.executable, "-m", "routemap", "geoparse", str(bad), str(good)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 1
    assert "bad.txt" in done.stderr and "binary" in done.stderr
    assert "Callao" in done.stdout


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # The organisation's or newspaper's head word goes; the place inside it stays.
        ("El Sol de Bolivia informó del hallazgo en Santa Cruz.", ["Bolivia", "Santa Cruz"]),
        ("Según la Unidad de Investigaciones, la droga salió de Lima.", ["Lima"]),
        # A well-known place heading "X de Y" keeps its reading, as do whole names.
        ("Es la Venezuela de Maduro la que protege a los traficantes.", ["Venezuela"]),
        ("La droga llegó a Santa Cruz de la Sierra en camión.", ["Santa Cruz de la Sierra"]),
        (
            "La pista estaba en Madre de Dios, cerca de Puerto Maldonado.",
            ["Madre de Dios", "Puerto Maldonado"],
        ),
        (
            "El contrabando cruza por Ciudad del Este hacia Foz do Iguaçu.",
            ["Ciudad del Este", "Foz do Iguaçu"],
        ),
        # "X for Y" heads a name only after an article: a ship's course is not one.
        ("The trawler left Paita for Rotterdam.", ["Paita", "Rotterdam"]),
        ("The ship left Mobile for Veracruz.", ["Mobile", "Veracruz"]),
        # A place holding a reading of the head qualifies it.
        ("La avioneta salió de Trinidad de Bolivia.", ["Trinidad", "Bolivia"]),
        # "Port of X" and "City of X" capitalised are cues, not another name.
        ("The Port of Guayaquil handled the container.", ["Guayaquil"]),
        ("Customs at the Port of Santos found the cocaine.", ["Santos"]),
        ("El ministro del Interior habló en Quito.", ["Quito"]),
    ],
)
def test_name_heads_and_portfolios_leave_the_places(text: str, expected: list[str]) -> None:
    assert [m.text for m in geoparse(text) if m.place is not None] == expected


def test_a_qualified_reading_is_kept_when_the_name_recurs_without_it() -> None:
    # The curated reading the qualifier found is not among the bare name's readings.
    text = "Peru's Putumayo province borders Colombia; in Putumayo the state is absent."
    places = [m.place.id for m in geoparse(text) if m.text == "Putumayo" and m.place]
    assert places == ["routemap:putumayo-peru", "routemap:putumayo-peru"]


@pytest.mark.parametrize(
    ("text", "surface", "country"),
    [
        # A capital's airport is not a namesake air base abroad (the registry names
        # Madrid-Barajas otherwise; a Colombian "Madrid Air Base" is "Madrid Airport").
        (
            "Two couriers were arrested at Madrid Airport on a flight from Bogotá.",
            "Madrid Airport",
            "ES",
        ),
        ("Border Force officers at Heathrow Airport found the heroin.", "Heathrow Airport", "GB"),
    ],
)
def test_an_airport_written_as_a_name_is_the_city_s(text: str, surface: str, country: str) -> None:
    mentions = {m.text: m for m in geoparse(text)}
    assert surface in mentions, mentions
    place = mentions[surface].place
    assert place is not None and place.country == country, place


def test_an_airport_word_after_a_name_is_its_cue_not_a_town() -> None:
    # "Airport" is also a US town: capitalised after a name it is that name's cue word.
    found = [m.text for m in geoparse("Police at Lima Airport found a suitcase of cocaine.")]
    assert found == ["Lima"]
