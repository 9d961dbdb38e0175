"""The gazetteer's contract: the cases of issue #2, ranking, filters and bad input."""

from __future__ import annotations

import math
import pickle

import pytest

from routemap import Gazetteer, InvalidQuery, Place, PlaceKind, PlaceNotFound, geoparse
from routemap.gazetteer.sources.airports import airport_short_names


def km(a: tuple[float, float], b: tuple[float, float]) -> float:
    from geopy.distance import great_circle

    return float(great_circle(a, b).km)


def test_default_is_large_and_shared(gaz: Gazetteer) -> None:
    assert len(gaz) >= 170_000
    assert Gazetteer.default() is gaz


@pytest.mark.parametrize(
    "name",
    [
        "VRAEM",
        "VRAE",
        "Valle de los ríos Apurímac, Ene y Mantaro",
        "Apurimac, Ene and Mantaro River Valley",
        "vraem",
    ],
)
def test_vraem_aliases_are_one_area(gaz: Gazetteer, name: str) -> None:
    place = gaz.resolve(name)
    assert place.id == "routemap:vraem"
    assert place.kind is PlaceKind.AREA and place.country == "PE"
    assert km(place.latlon, (-12.4, -73.9)) < 80
    assert place.geometry is not None and place.geometry.area > 0.5


def test_vraem_polygon_lies_in_its_five_departments(gaz: Gazetteer) -> None:
    from shapely.ops import unary_union

    vraem = gaz.resolve("VRAEM")
    departments = [
        gaz.resolve(name, country="PE", kind="region")
        for name in ("Ayacucho", "Cusco", "Junín", "Huancavelica", "Apurímac")
    ]
    union = unary_union([d.geometry for d in departments])
    assert vraem.geometry is not None
    assert vraem.geometry.difference(union.buffer(0.01)).area < 1e-6
    for town in ("Pichari", "Kimbiri", "Llochegua", "Sivia"):
        from shapely.geometry import Point

        assert vraem.geometry.contains(Point(gaz.resolve(town, country="PE").lonlat)), town


def test_callao(gaz: Gazetteer) -> None:
    callao = gaz.resolve("Callao")
    assert callao.country == "PE"
    assert km(callao.latlon, (-12.05, -77.13)) < 20
    assert gaz.resolve("Callao", kind="port").id == "locode:PECLL"
    assert gaz.resolve("port of Callao").id == "locode:PECLL"
    assert gaz.resolve("puerto del Callao").id == "locode:PECLL"


def test_chancay_and_iquitos(gaz: Gazetteer) -> None:
    assert gaz.resolve("Chancay", kind="port").id == "locode:PECHY"
    iquitos = gaz.resolve("Iquitos")
    assert iquitos.kind is PlaceKind.CITY
    assert km(iquitos.latlon, (-3.75, -73.25)) < 10
    assert gaz.resolve("Iquitos", kind="port").id == "locode:PEIQT"
    assert gaz.resolve("Iquitos", kind="airport").id == "icao:SPQT"
    assert gaz.resolve("Iquitos airport").id == "icao:SPQT"


@pytest.mark.parametrize("name", ["Cusco", "Cuzco", "cuzco", "CUSCO"])
def test_cusco(gaz: Gazetteer, name: str) -> None:
    place = gaz.resolve(name)
    assert place.kind is PlaceKind.CITY and place.country == "PE"
    assert km(place.latlon, (-13.53, -71.97)) < 10


def test_lima(gaz: Gazetteer) -> None:
    assert gaz.resolve("Lima").id == "geonames:3936456"
    ohio = gaz.resolve("Lima", country="US")
    assert ohio.country == "US" and km(ohio.latlon, (40.74, -84.1)) < 10
    assert gaz.resolve("Lima", country="United States").id == ohio.id


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("Europe", PlaceKind.CONTINENT),
        ("Europa", PlaceKind.CONTINENT),
        ("Asia", PlaceKind.CONTINENT),
        ("Sudamérica", PlaceKind.CONTINENT),
        ("South America", PlaceKind.CONTINENT),
        ("América del Sur", PlaceKind.CONTINENT),
        ("Latin America", PlaceKind.AREA),
        ("Latinoamérica", PlaceKind.AREA),
        ("Central America", PlaceKind.AREA),
        ("Centroamérica", PlaceKind.AREA),
    ],
)
def test_continents_and_macro_regions(gaz: Gazetteer, name: str, kind: PlaceKind) -> None:
    assert gaz.resolve(name).kind is kind


@pytest.mark.parametrize(
    "name",
    ["US", "USA", "U.S.", "EE.UU.", "EEUU", "Estados Unidos", "the United States", "United States"],
)
def test_united_states(gaz: Gazetteer, name: str) -> None:
    assert gaz.resolve(name).id == "iso3166:US"


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("Perú", "PE"),
        ("Peru", "PE"),
        ("el Perú", "PE"),
        ("España", "ES"),
        ("Spain", "ES"),
        ("Brasil", "BR"),
        ("Brazil", "BR"),
        ("Bolivia", "BO"),
        ("Paraguay", "PY"),
        ("Colombia", "CO"),
        ("México", "MX"),
        ("Mexico", "MX"),
        ("Ecuador", "EC"),
        ("Chile", "CL"),
        ("Países Bajos", "NL"),
        ("Holanda", "NL"),
        ("Bélgica", "BE"),
        ("República Dominicana", "DO"),
        ("Venezuela", "VE"),
        # Former and short names still current in the press (curated aliases).
        ("Burma", "MM"),
        ("Birmania", "MM"),
        ("Bosnia", "BA"),
        ("Swaziland", "SZ"),
        # GeoNames' and Natural Earth's user-assigned code: not in ISO 3166 (pycountry).
        ("Kosovo", "XK"),
    ],
)
def test_countries_in_english_and_spanish(gaz: Gazetteer, name: str, code: str) -> None:
    place = gaz.resolve(name)
    assert place.id == f"iso3166:{code}" and place.kind is PlaceKind.COUNTRY
    assert place.geometry is not None and place.geometry.contains(
        __import__("shapely").geometry.Point(place.lonlat)
    )


def test_san_francisco(gaz: Gazetteer) -> None:
    assert gaz.resolve("San Francisco").country == "US"
    ayacucho = gaz.resolve("San Francisco", country="PE")
    assert km(ayacucho.latlon, (-12.62, -73.79)) < 15
    assert gaz.resolve("San Francisco", near="VRAEM").id == ayacucho.id


def test_la_paz(gaz: Gazetteer) -> None:
    city = gaz.resolve("La Paz")
    assert city.country == "BO" and city.kind is PlaceKind.CITY
    region = gaz.resolve("La Paz", kind="region")
    assert region.country == "BO" and region.kind is PlaceKind.REGION
    assert gaz.resolve("departamento de La Paz").id == region.id
    assert gaz.resolve("La Paz department").id == region.id


@pytest.mark.parametrize(
    ("name", "country", "point"),
    [
        ("Pichari", "PE", (-12.5, -73.82)),
        ("Kimbiri", "PE", (-12.62, -73.79)),
        ("Llochegua", "PE", (-12.41, -73.91)),
        ("Desaguadero", None, (-16.57, -69.04)),
        ("Paita", "PE", (-5.09, -81.11)),
        ("Leticia", "CO", (-4.21, -69.94)),
        ("Tabatinga", "BR", (-4.23, -69.94)),
        ("Santos", "BR", (-23.96, -46.33)),
        ("Algeciras", "ES", (36.13, -5.45)),
        ("Rotterdam", "NL", (51.92, 4.48)),
        ("Amberes", "BE", (51.22, 4.40)),
        ("Antwerp", "BE", (51.22, 4.40)),
        ("Ciudad del Este", "PY", (-25.51, -54.61)),
        ("Guayaquil", "EC", (-2.19, -79.89)),
        ("Valparaíso", "CL", (-33.04, -71.63)),
        ("Culiacán", "MX", (24.80, -107.39)),
        ("Santa Cruz de la Sierra", "BO", (-17.79, -63.18)),
    ],
)
def test_places_from_trafficking_reporting(
    gaz: Gazetteer, name: str, country: str | None, point: tuple[float, float]
) -> None:
    place = gaz.resolve(name)
    if country:
        assert place.country == country, place
    assert km(place.latlon, point) < 25, place


@pytest.mark.parametrize(
    ("name", "area"),
    [
        ("Alto Huallaga", "routemap:alto-huallaga"),
        ("Upper Huallaga", "routemap:alto-huallaga"),
        ("Triple Frontera", "routemap:triple-frontera"),
        ("Tri-Border Area", "routemap:triple-frontera"),
        ("Trapecio Amazónico", "routemap:trapecio-amazonico"),
    ],
)
def test_curated_areas(gaz: Gazetteer, name: str, area: str) -> None:
    assert gaz.resolve(name).id == area


@pytest.mark.parametrize(
    ("name", "region"),
    [("NSW", "New South Wales"), ("N.S.W.", "New South Wales"), ("Calif.", "California")],
)
def test_region_abbreviations_from_natural_earth(gaz: Gazetteer, name: str, region: str) -> None:
    place = gaz.resolve(name)
    assert place.kind is PlaceKind.REGION and place.name == region, place


def test_region_points_are_inside_their_regions(gaz: Gazetteer) -> None:
    """Admin-1 points are the centres of their polygons, moved inside where they fall out."""
    import shapely

    regions = gaz.places(kind="region", country="PE") + gaz.places(kind="region", country="US")
    assert len(regions) > 60
    for place in regions:
        assert place.geometry is not None
        assert place.geometry.distance(shapely.Point(place.lon, place.lat)) <= 0.05, place


def test_country_points_are_inside_and_central(gaz: Gazetteer) -> None:
    """A country's point is the equal-area centroid of its main landmass, moved inside when
    it falls in the sea or outside an S-curve: every map marker lies in its country."""
    import shapely

    countries = gaz.places(kind="country")
    assert len(countries) > 200
    for place in countries:
        if place.geometry is not None:
            assert place.geometry.distance(shapely.Point(place.lon, place.lat)) <= 0.01, place
    # Canada's Arctic islands are part of its main landmass and pull its centre north-east
    # of the mainland's; Alaska and Hawaii are too far off to pull the USA's.
    canada, usa = gaz.get("iso3166:CA"), gaz.get("iso3166:US")
    assert canada.lat > 59 and canada.lon > -100, canada
    assert 36 < usa.lat < 42 and -103 < usa.lon < -95, usa
    # Vietnam's centroid falls outside its S-curve: the point moves to the nearest land,
    # in the middle of the country, not to the widest interior in the north.
    vietnam = gaz.get("iso3166:VN")
    assert 14 < vietnam.lat < 19, vietnam


def test_central_america_is_the_isthmus(gaz: Gazetteer) -> None:
    """ "Central America" as UNODC and the press use it (the seven isthmus states): its
    marker sits on the isthmus, not in central Mexico (UN M49 013 takes Mexico in)."""
    import shapely

    area = gaz.get("routemap:central-america")
    point = shapely.Point(area.lon, area.lat)
    assert area.geometry is not None and area.geometry.contains(point)
    mexico = gaz.get("iso3166:MX")
    assert mexico.geometry is not None and not mexico.geometry.intersects(point), area
    assert not area.geometry.contains(shapely.Point(mexico.lon, mexico.lat))
    guatemala = gaz.get("iso3166:GT")
    assert area.geometry.contains(shapely.Point(guatemala.lon, guatemala.lat))


def test_airstrips_from_airportsdata(gaz: Gazetteer) -> None:
    assert gaz.resolve("SPLA").id == "icao:SPLA"
    assert gaz.resolve("Mazamari", kind="airport").id == "icao:SPMF"
    assert gaz.resolve("Jorge Chávez International Airport").id == "icao:SPJC"
    assert gaz.resolve("LIM").id == "icao:SPJC"


@pytest.mark.parametrize(
    ("typo", "expected"),
    [("Colombai", "iso3166:CO"), ("Iquitus", "geonames:3696183"), ("Bolivai", "iso3166:BO")],
)
def test_misspellings(gaz: Gazetteer, typo: str, expected: str) -> None:
    assert gaz.resolve(typo).id == expected


@pytest.mark.parametrize("nonsense", ["xyzzyq", "Qwrtzpl", "asdfghjkl", "Zzxxccvvbb"])
def test_nonsense_is_not_a_place(gaz: Gazetteer, nonsense: str) -> None:
    with pytest.raises(PlaceNotFound):
        gaz.resolve(nonsense)


def test_place_not_found_suggests(gaz: Gazetteer) -> None:
    with pytest.raises(LookupError) as info:
        gaz.resolve("Chancayy", kind="airport")
    assert isinstance(info.value, PlaceNotFound)
    assert "Chancay" in str(info.value)
    with pytest.raises(PlaceNotFound, match="did you mean"):
        gaz.resolve("Vraemm Valley Zone")


def test_search_ranks_with_reasons(gaz: Gazetteer) -> None:
    found = gaz.search("Callao", limit=5)
    assert [c.score for c in found] == sorted((c.score for c in found), reverse=True)
    assert all(0 < c.score <= 1 and c.reason for c in found)
    assert {c.place.id for c in found} >= {"locode:PECLL"}
    assert "population" in found[0].reason


def test_country_beats_a_hamlet_of_the_same_name(gaz: Gazetteer) -> None:
    top, *rest = gaz.search("Colombia")
    assert top.place.kind is PlaceKind.COUNTRY
    assert any(c.place.kind is PlaceKind.CITY for c in rest)


def test_kind_and_country_filters(gaz: Gazetteer) -> None:
    for candidate in gaz.search("San José", country="CR", kind="city"):
        assert candidate.place.country == "CR" and candidate.place.kind is PlaceKind.CITY
    with pytest.raises(PlaceNotFound, match="country=PE"):
        gaz.resolve("Rotterdam", country="PE")


def test_near_accepts_points_and_places(gaz: Gazetteer) -> None:
    vraem = gaz.resolve("VRAEM")
    assert gaz.resolve("San Francisco", near=vraem).country == "PE"
    assert gaz.resolve("San Francisco", near=(-12.6, -73.8)).country == "PE"
    with pytest.raises(InvalidQuery):
        gaz.resolve("San Francisco", near=(200.0, 0.0))


def test_get_by_id(gaz: Gazetteer) -> None:
    assert gaz.get("locode:PECLL").name == "Callao"
    with pytest.raises(PlaceNotFound):
        gaz.get("locode:XXXXX")


@pytest.mark.parametrize(
    ("value", "error"),
    [
        ("", InvalidQuery),
        ("   ", InvalidQuery),
        ("a" * 10_000, InvalidQuery),
        ("Lima\x07", InvalidQuery),
        (None, TypeError),
        (12, TypeError),
        (math.nan, TypeError),
        (["Lima"], TypeError),
    ],
)
def test_bad_names_get_clear_errors(gaz: Gazetteer, value: object, error: type) -> None:
    with pytest.raises(error):
        gaz.resolve(value)  # type: ignore[arg-type]


def test_bad_filters_get_clear_errors(gaz: Gazetteer) -> None:
    with pytest.raises(ValueError, match="place kind"):
        gaz.resolve("Lima", kind="village")
    with pytest.raises(TypeError):
        gaz.resolve("Lima", country=51)  # type: ignore[arg-type]
    with pytest.raises(InvalidQuery):
        gaz.search("Lima", limit=0)


def test_gazetteer_pickles_for_worker_processes(gaz: Gazetteer) -> None:
    clone = pickle.loads(pickle.dumps(gaz))
    assert clone.resolve("Cusco") == gaz.resolve("Cusco")


def test_places_returned_are_places(gaz: Gazetteer) -> None:
    for name in ("Peru", "Callao", "VRAEM", "Europe", "Ayacucho", "SPJC"):
        assert isinstance(gaz.resolve(name), Place)


@pytest.mark.parametrize(
    ("name", "kind", "expected"),
    [
        # An airport ranks by the size of the town it serves (airportsdata has no traffic).
        ("El Dorado airport", "airport", "icao:SKBO"),
        ("aeropuerto El Dorado", "airport", "icao:SKBO"),
        ("Viru Viru", "airport", "icao:SLVR"),
        ("aeropuerto de Viru Viru", "airport", "icao:SLVR"),
        ("Schiphol airport", "airport", "icao:EHAM"),
        # An international, scheduled airport outranks a strip of the same short name.
        ("Benito Juárez airport", "airport", "icao:MMMX"),
        ("Mariscal Sucre", "airport", "icao:SEQM"),
        ("Frankfurt Airport", "airport", "icao:EDDF"),
        # A port ranks by searoute's scheduled traffic and reach (San Antonio, Chile, not
        # the Ibiza quay of that name).
        ("San Antonio", "port", "locode:CLSAI"),
        ("Moín", "port", "locode:CRMOB"),
        # A national capital and a widely known town outrank their namesakes.
        ("Madrid", "city", "geonames:3117735"),
        ("Algeciras", "city", "geonames:2522013"),
        ("Leticia", "city", "geonames:3676623"),
        ("Mecca", "city", "geonames:104515"),
    ],
)
def test_prominence_of_airports_ports_and_capitals(
    gaz: Gazetteer, name: str, kind: str, expected: str
) -> None:
    assert gaz.resolve(name, kind=kind).id == expected


def test_fame_ranks_namesakes_but_does_not_make_places(gaz: Gazetteer) -> None:
    """Fame (capital, names in many languages) orders namesakes; the prior that decides
    whether a word is a place at all stays the size-based one."""
    madrid = gaz._scan_candidates("madrid")
    spain = next(c for c in madrid if c.id == "geonames:3117735")
    colombia = next(c for c in madrid if c.id == "geonames:3675707")
    assert spain.fame > colombia.fame >= -0.05
    assert spain.prior == pytest.approx(0.3 + 0.5 * math.log10(spain_population(gaz)) / 7.5)


def spain_population(gaz: Gazetteer) -> int:
    population = gaz.get("geonames:3117735").population
    assert population is not None
    return population


@pytest.mark.parametrize(
    ("name", "city", "short"),
    [
        ("London Heathrow Airport", "London", ["Heathrow"]),
        ("Paris-Orly Airport", "Paris", ["Orly"]),
        ("Chicago O'Hare International Airport", "Chicago", ["O'Hare"]),
        (
            "Galeao - Antonio Carlos Jobim International Airport",
            "Rio De Janeiro",
            ["Galeao", "Antonio Carlos Jobim"],
        ),
        (
            "Licenciado Benito Juarez International Airport",
            "Mexico City",
            ["Licenciado Benito Juarez", "Benito Juarez"],
        ),
        ("Nuevo Aeropuerto Internacional Mariscal Sucre", "Quito", ["Mariscal Sucre"]),
        ("Barcelona International Airport", "Barcelona", []),
    ],
)
def test_airport_short_names(name: str, city: str, short: list[str]) -> None:
    assert airport_short_names(name, city) == short


def test_airport_bare_names_only_when_distinctive(gaz: Gazetteer) -> None:
    """A one-word short name of a scheduled airport is a name alone ("Gatwick"); a
    person's name or a town's needs the airport cue ("Benito Juárez", "Fiumicino")."""
    gatwick = gaz._scan_candidates("gatwick")
    assert [c.id for c in gatwick] == ["icao:EGKK"]
    assert "icao:EGLL" in {c.id for c in gaz._scan_candidates("london heathrow")}
    assert "icao:MMMX" in {c.id for c in gaz._scan_candidates("benito juarez airport")}
    person = geoparse("Benito Juárez was twice president of Mexico.", gazetteer=gaz)
    assert "icao:MMMX" not in {m.place.id for m in person if m.place}
