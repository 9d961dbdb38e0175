from __future__ import annotations

import dataclasses
import datetime as dt
import math

import pytest

from routemap import Gazetteer, Place
from routemap.errors import InvalidRoute
from routemap.geometry import make_leg
from routemap.routes import (
    Citation,
    GeometryKind,
    Leg,
    Mode,
    Period,
    Quantity,
    Route,
    RouteSet,
    parse_period,
    parse_quantity,
)
from routemap.text import Document


@pytest.fixture(scope="module")
def places(gaz: Gazetteer) -> dict[str, Place]:
    return {
        "vraem": gaz.resolve("VRAEM"),
        "bolivia": gaz.resolve("Bolivia"),
        "brazil": gaz.resolve("Brazil"),
        "peru": gaz.resolve("Peru"),
        "lima": gaz.resolve("Lima"),
        "callao": gaz.resolve("Callao", kind="port"),
    }


def cite(document: str, start: int = 0, end: int = 10) -> Citation:
    return Citation(document, sentence=f"{document} says so", start=start, end=end)


# -- vocabularies --------------------------------------------------------------------------------


def test_mode_takes_any_case_and_lists_valid_values() -> None:
    assert Mode("AIR") is Mode.AIR
    assert Mode.coerce(" Maritime ") is Mode.MARITIME
    assert str(Mode.POSTAL) == "postal"
    with pytest.raises(ValueError, match="air, maritime, river, land, postal, unknown"):
        Mode("plane")
    with pytest.raises(TypeError):
        Mode.coerce(3)  # type: ignore[arg-type]


def test_geometry_kind_accepts_spaces_and_hyphens() -> None:
    assert GeometryKind("Great circle") is GeometryKind.GREAT_CIRCLE
    assert GeometryKind("sea-lane") is GeometryKind.SEA_LANE
    with pytest.raises(ValueError, match="great_circle, sea_lane, river, schematic"):
        GeometryKind("curvy")


# -- quantities ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kg"),
    [
        ("60 kilograms", 60.0),
        ("300 kilos", 300.0),
        ("500 kilogramos", 500.0),
        ("25 kg", 25.0),
        ("25kg", 25.0),
        ("1,091 kilos", 1091.0),
        ("1.091 kilos", 1091.0),
        ("12 500 kilos", 12500.0),
        ("1,5 toneladas", 1500.0),
        ("1.5 tons", 1500.0),
        ("4 tons", 4000.0),
        ("4t", 4000.0),
        ("2 t", 2000.0),
        ("3 metric tons", 3000.0),
        ("3.2 tonnes", 3200.0),
        ("7 toneladas métricas", 7000.0),
        ("2 TM", 2000.0),
        ("2,500.5 kg", 2500.5),
        ("1.234,5 kg", 1234.5),
        ("a ton", 1000.0),
        ("half a ton", 500.0),
        ("media tonelada", 500.0),
        ("dos toneladas", 2000.0),
        ("2 mil kilos", 2000.0),
        ("200 grams", 0.2),
        ("10 pounds", 4.5359237),
    ],
)
def test_parse_quantity(text: str, kg: float) -> None:
    quantity = parse_quantity(text)
    assert quantity is not None
    assert quantity.text == text
    assert quantity.value_kg == pytest.approx(kg)


def test_parse_quantity_finds_the_amount_in_a_sentence() -> None:
    found = parse_quantity("Police seized 1,091 kilos of cocaine in Callao in 2014.")
    assert found == Quantity("1,091 kilos", 1091.0)


@pytest.mark.parametrize(
    "text", ["in 2014", "", "5 km away", "3 tomatoes", "a large shipment", "the 300 boats"]
)
def test_parse_quantity_finds_nothing(text: str) -> None:
    assert parse_quantity(text) is None


def test_quantity_validation_and_coercion() -> None:
    assert Quantity.coerce("a shipment") == Quantity("a shipment", None)
    assert Quantity.coerce(1300) == Quantity("1,300 kg", 1300.0)
    assert Quantity.coerce("300 kilos").value_kg == 300.0
    with pytest.raises(InvalidRoute, match="text"):
        Quantity(" ", 1.0)
    with pytest.raises(InvalidRoute, match="negative"):
        Quantity("x", -1.0)
    with pytest.raises(InvalidRoute, match="number"):
        Quantity("x", "12")  # type: ignore[arg-type]


# -- periods -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("in the 1990s", "1990-01-01", "1999-12-31"),
        ("in the '90s", "1990-01-01", "1999-12-31"),
        ("during the nineties", "1990-01-01", "1999-12-31"),
        ("en los años noventa", "1990-01-01", "1999-12-31"),
        ("en los años 90", "1990-01-01", "1999-12-31"),
        ("la década de 1980", "1980-01-01", "1989-12-31"),
        ("the 2000s", "2000-01-01", "2009-12-31"),
        ("in 2009", "2009-01-01", "2009-12-31"),
        ("en 2019", "2019-01-01", "2019-12-31"),
        ("2014", "2014-01-01", "2014-12-31"),
        ("between 2007 and 2010", "2007-01-01", "2010-12-31"),
        ("entre 2007 y 2010", "2007-01-01", "2010-12-31"),
        ("from 2007 to 2010", "2007-01-01", "2010-12-31"),
        ("desde 2007 hasta 2010", "2007-01-01", "2010-12-31"),
        ("2007–2010", "2007-01-01", "2010-12-31"),
        ("19 JUL 2012", "2012-07-19", "2012-07-19"),
        ("19 de julio de 2012", "2012-07-19", "2012-07-19"),
        ("July 19, 2012", "2012-07-19", "2012-07-19"),
        ("on 2012-07-19", "2012-07-19", "2012-07-19"),
        ("19/07/2012", "2012-07-19", "2012-07-19"),
        ("in July 2012", "2012-07-01", "2012-07-31"),
        ("en febrero de 2012", "2012-02-01", "2012-02-29"),
        ("2007/2010", "2007-01-01", "2010-12-31"),
        ("1990-01-01/1999-12-31", "1990-01-01", "1999-12-31"),
    ],
)
def test_parse_period(text: str, start: str, end: str) -> None:
    period = parse_period(text)
    assert period == Period(dt.date.fromisoformat(start), dt.date.fromisoformat(end))
    assert parse_period(str(period)) == period  # the compact form reads back


@pytest.mark.parametrize("text", ["300 kilos", "", "1,991 boats", "in 1850", "soon"])
def test_parse_period_finds_nothing(text: str) -> None:
    assert parse_period(text) is None


def test_an_impossible_day_falls_back_to_its_month() -> None:
    assert parse_period("31 FEB 2012") == Period("2012-02", "2012-02")


def test_period_forms_and_checks() -> None:
    assert Period(1990, 1999) == Period("1990", "1999-12")
    assert str(Period(2014, 2014)) == "2014"
    assert str(Period("2012-07", "2012-09")) == "2012-07/2012-09"
    assert str(Period(dt.date(2012, 7, 3), dt.date(2012, 7, 9))) == "2012-07-03/2012-07-09"
    assert Period(2007, 2010).overlaps(Period(2010, 2012))
    assert not Period(2007, 2009).overlaps(Period(2010, 2012))
    assert Period(2007, 2009).span(Period(2012, 2012)) == Period(2007, 2012)
    with pytest.raises(InvalidRoute, match="after it ends"):
        Period(2010, 2007)
    with pytest.raises(InvalidRoute, match="not a date"):
        Period("2012-02-30", "2012-03-01")
    with pytest.raises(InvalidRoute, match="no period in"):
        Period.coerce("sometime")


# -- citations -----------------------------------------------------------------------------------


def test_citation_checks() -> None:
    with pytest.raises(InvalidRoute, match="document id"):
        Citation("")
    with pytest.raises(InvalidRoute, match="both start and end"):
        Citation("doc", start=3)
    with pytest.raises(InvalidRoute, match="after end"):
        Citation("doc", start=9, end=3)
    with pytest.raises(InvalidRoute, match="negative"):
        Citation("doc", start=-1, end=3)
    assert Citation("doc", date=dt.date(2012, 7, 19)).date == "2012-07-19"


def test_citation_from_document() -> None:
    text = "Intro line.\nPlanes fly cocaine from the VRAEM to Bolivia. More."
    document = Document.from_text(text, id="seeds/x.txt", title="T", date="2015-01-02")
    start = text.index("Planes")
    end = text.index("Bolivia.") + len("Bolivia.")
    citation = Citation.from_document(document, start, end)
    assert citation.sentence == "Planes fly cocaine from the VRAEM to Bolivia."
    assert (citation.document, citation.title, citation.date) == ("seeds/x.txt", "T", "2015-01-02")
    with pytest.raises(InvalidRoute, match="outside"):
        Citation.from_document(document, 0, 10_000)


# -- routes --------------------------------------------------------------------------------------


def test_build_draws_legs_and_exposes_stops(places: dict[str, Place]) -> None:
    route = Route.build(
        [places["vraem"], places["bolivia"], places["brazil"]],
        "air",
        commodity="cocaine",
        quantity="300 kilos",
        period=2014,
        confidence=0.8,
        citations=[cite("doc1")],
    )
    assert route.origin == places["vraem"]
    assert route.transits == (places["bolivia"],)
    assert route.destination == places["brazil"]
    assert route.mode is Mode.AIR
    assert [leg.geometry_kind for leg in route.legs] == [GeometryKind.GREAT_CIRCLE] * 2
    assert all(leg.approximate for leg in route.legs)  # areas and countries
    assert route.quantity == Quantity("300 kilos", 300.0)
    assert route.period == Period(2014, 2014)
    assert route.id.startswith("route:") and len(route.id) == len("route:") + 16
    assert "VRAEM" in repr(route) and "cocaine" in repr(route)
    with pytest.raises(dataclasses.FrozenInstanceError):
        route.confidence = 0.1  # type: ignore[misc]


def test_build_resolves_names_and_takes_a_mode_per_leg(places: dict[str, Place]) -> None:
    route = Route.build(["Peru", "Lima", "Callao port"], ["land", "maritime"])
    assert route.stops == (places["peru"], places["lima"], places["callao"])
    assert route.modes == (Mode.LAND, Mode.MARITIME)
    assert route.mode is None
    with pytest.raises(InvalidRoute, match="2 legs need 2 values of mode, got 3"):
        Route.build(["Peru", "Lima", "Callao port"], ["land", "air", "air"])
    with pytest.raises(InvalidRoute, match="mode: 'plane' is not a mode"):
        Route.build(["Peru", "Lima"], "plane")


def test_the_same_route_from_two_documents_has_the_same_id(places: dict[str, Place]) -> None:
    stops = [places["vraem"], places["bolivia"]]
    first = Route.build(stops, "air", citations=[cite("doc1")], commodity="cocaine")
    second = Route.build(stops, "AIR", citations=[cite("doc2")], confidence=0.2)
    assert first.id == second.id
    assert first != second
    assert Route.build(stops, "land").id != first.id
    assert Route.build(stops[::-1], "air").id != first.id


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: Route((p["peru"],), ()), "at least two stops .* got 1: Peru"),
        (lambda p: Route((), ()), "at least two stops .* got 0"),
        (lambda p: Route((p["peru"], "Bolivia"), ()), "stop 2 is not a Place but str 'Bolivia'"),
        (lambda p: Route("Peru", ()), "sequence of Place"),
        (lambda p: Route((p["peru"], p["peru"]), ()), "stop 2 repeats stop 1"),
        (lambda p: Route((p["peru"], p["lima"]), ()), "2 stops needs 1 legs, got 0"),
        (
            lambda p: Route((p["peru"], p["lima"]), (make_leg(p["lima"], p["peru"], "air"),)),
            "leg 1 runs Lima → Peru but stops 1 → 2 are Peru → Lima",
        ),
        (lambda p: Route((p["peru"], p["lima"]), ("leg",)), "leg 1 is not a Leg"),
    ],
)
def test_invalid_routes(places: dict[str, Place], make: object, message: str) -> None:
    with pytest.raises(InvalidRoute, match=message):
        make(places)  # type: ignore[operator]


@pytest.mark.parametrize("confidence", [1.5, -0.1, math.nan, math.inf, True, "0.5"])
def test_confidence_must_be_in_unit_interval(places: dict[str, Place], confidence: object) -> None:
    leg = make_leg(places["peru"], places["lima"], "land")
    with pytest.raises(InvalidRoute, match=r"confidence must be a number in \[0, 1\]"):
        Route((places["peru"], places["lima"]), (leg,), confidence=confidence)  # type: ignore[arg-type]


def test_leg_checks(places: dict[str, Place]) -> None:
    leg = Leg(places["peru"], places["lima"], "LAND")
    assert leg.mode is Mode.LAND
    assert leg.path == (places["peru"].latlon, places["lima"].latlon)
    with pytest.raises(InvalidRoute, match="two different places"):
        Leg(places["peru"], places["peru"])
    with pytest.raises(InvalidRoute, match="swapped"):
        Leg(places["peru"], places["lima"], path=[(-77.0, -12.0), (-200.0, 1.0)])
    with pytest.raises(InvalidRoute, match="outside ±180"):
        Leg(places["peru"], places["lima"], path=[(0.0, 0.0), (1.0, 190.0)])
    with pytest.raises(InvalidRoute, match="at least two points"):
        Leg(places["peru"], places["lima"], path=[(0.0, 0.0)])
    with pytest.raises(InvalidRoute, match="is not a mode"):
        Leg(places["peru"], places["lima"], "plane")
    with pytest.raises(InvalidRoute, match="must be a Place"):
        Leg("Peru", places["lima"])  # type: ignore[arg-type]


# -- route sets ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def air(places: dict[str, Place]) -> list[Route]:
    stops = [places["vraem"], places["bolivia"], places["brazil"]]
    return [
        Route.build(
            stops,
            "air",
            commodity="cocaine",
            quantity="300 kilos",
            period=2014,
            confidence=0.6,
            citations=[cite("doc1"), cite("doc2")],
        ),
        Route.build(
            stops,
            "air",
            commodity="Cocaine, cocaine paste",
            quantity="1.5 tons",
            period="between 2007 and 2010",
            confidence=0.9,
            citations=[cite("doc2"), cite("doc3")],
        ),
        Route.build(stops, "air", quantity="a shipment", confidence=0.1),
        Route.build(stops[:2], "air", quantity="60 kg", citations=[cite("doc4")]),
        Route.build([places["lima"], places["callao"]], "land", period="the 1990s"),
    ]


def test_route_set_is_an_immutable_sequence(air: list[Route]) -> None:
    routes = RouteSet(air)
    assert len(routes) == 5
    assert list(routes) == air
    assert routes[0] is air[0]
    assert isinstance(routes[1:3], RouteSet) and len(routes[1:3]) == 2
    assert len(routes + RouteSet(air[:1])) == 6
    assert "5 routes" in repr(routes)
    with pytest.raises(dataclasses.FrozenInstanceError):
        routes.routes = ()  # type: ignore[misc]
    with pytest.raises(InvalidRoute, match="item 2 of a RouteSet is not a Route"):
        RouteSet([air[0], "route"])  # type: ignore[list-item]


def test_merge_combines_the_same_route(air: list[Route]) -> None:
    merged = RouteSet(air).merge()
    assert [r.id for r in merged] == [air[0].id, air[3].id, air[4].id]
    first = merged[0]
    assert [c.document for c in first.citations] == ["doc1", "doc2", "doc3"]
    assert first.confidence == 0.9
    assert first.quantity == Quantity("1,800 kg", 1800.0)  # "a shipment" has no kg
    assert first.period == Period(2007, 2014)
    assert first.commodity == "cocaine, cocaine paste"
    assert merged[1] == air[3]
    assert merged.merge() == merged  # idempotent
    assert RouteSet([air[0], air[0]]).merge() == RouteSet([air[0]])  # duplicates count once


def test_network_aggregates_legs(air: list[Route]) -> None:
    network = RouteSet(air).network()
    assert [(n.from_place.id, n.to_place.id, n.mode.value) for n in network] == [
        ("routemap:vraem", "iso3166:BO", "air"),
        ("iso3166:BO", "iso3166:BR", "air"),
        ("geonames:3936456", "locode:PECLL", "land"),
    ]
    first = network[0]
    assert first.count == 4
    assert first.total_kg == pytest.approx(300 + 1500 + 60)
    assert [c.document for c in first.citations] == ["doc1", "doc2", "doc3", "doc4"]
    assert first.route_ids == (air[0].id, air[3].id)
    assert first.confidence == 1.0
    assert network[1].count == 3 and network[1].total_kg == 1800
    assert network[2].total_kg is None


def test_filter(air: list[Route], places: dict[str, Place]) -> None:
    routes = RouteSet(air)
    assert list(routes.filter(mode="land")) == [air[4]]
    assert len(routes.filter(country="BR")) == 3
    assert len(routes.filter(country=places["bolivia"])) == 4
    assert list(routes.filter(period="in 2009")) == [air[1]]
    assert list(routes.filter(period=1995, mode="LAND")) == [air[4]]
    assert len(routes.filter()) == 5
    with pytest.raises(InvalidRoute, match="alpha-2"):
        routes.filter(country="Peru")
    with pytest.raises(ValueError, match="is not a mode"):
        routes.filter(mode="plane")
