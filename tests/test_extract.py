"""Route extraction against hand-written expected routes (tests/data/routes/)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from routemap import Document, read_document
from routemap.extract import extract_routes
from routemap.routes import Mode, RouteSet

ROOT = Path(__file__).parent.parent
EXPECTED = yaml.safe_load(
    (Path(__file__).parent / "data" / "routes" / "expected.yaml").read_text(encoding="utf-8")
)


def _key(route: Any) -> tuple[str, str, str]:
    return (route.origin.id, route.destination.id, route.mode.value)


@pytest.mark.parametrize("entry", EXPECTED["seeds"], ids=lambda e: e["document"])
def test_seed_routes(entry: dict[str, Any]) -> None:
    doc = read_document(ROOT / entry["document"])
    routes = extract_routes(doc)
    got = {_key(r): r for r in routes}
    for expected in entry["routes"]:
        key = (expected["origin"], expected["destination"], expected["mode"])
        assert key in got, f"missing {key}; got {sorted(got)}"
        if "transits" in expected:
            candidates = [
                r
                for r in routes
                if _key(r) == key and [t.id for t in r.transits] == expected["transits"]
            ]
            assert candidates, f"{key} via {expected['transits']}"
    wanted = {(e["origin"], e["destination"], e["mode"]) for e in entry["routes"]}
    assert set(got) <= wanted, f"unexpected {set(got) - wanted}"


def test_own_examples_in_both_languages() -> None:
    right = extra = missed = 0
    for entry in EXPECTED["examples"]:
        got = {_key(r) for r in extract_routes(entry["text"])}
        want = {(e["origin"], e["destination"], e["mode"]) for e in entry["routes"]}
        right += len(got & want)
        extra += len(got - want)
        missed += len(want - got)
    precision, recall = right / (right + extra), right / (right + missed)
    assert precision >= 0.9 and recall >= 0.85, (precision, recall)


def test_every_route_cites_the_sentences_that_state_it() -> None:
    doc = read_document(ROOT / "seeds" / "003_aceaf8166e69cb16.txt")
    for route in extract_routes(doc):
        assert route.citations
        for citation in route.citations:
            assert citation.document == doc.id
            assert doc.text[citation.start : citation.end].strip() == citation.sentence
            assert not doc.in_chrome(citation.start)
        quoted = " ".join(c.sentence for c in route.citations)
        assert route.destination.name.split(" (")[0] in quoted or route.destination.kind.value in (
            "country",
            "continent",
        )


def test_quantity_period_and_commodity_attach_to_their_route() -> None:
    text = (
        "In 2019 police seized 350 kilos of cocaine in a truck that left Tumbes bound for "
        "Guayaquil. Separately, marijuana is sent from Paraguay to Brazil."
    )
    routes = {(r.origin.name, r.destination.name): r for r in extract_routes(text)}
    first = routes[("Tumbes", "Guayaquil")]
    assert first.mode is Mode.LAND and first.commodity == "cocaine"
    assert first.quantity is not None and first.quantity.value_kg == 350
    assert first.period is not None and first.period.start.year == 2019
    second = routes[("Paraguay", "Brazil")]
    assert second.commodity == "cannabis" and second.quantity is None


def test_explicit_routes_are_more_confident_than_inferred_ones() -> None:
    explicit = extract_routes("Cocaine is flown from the VRAEM to Bolivia by light aircraft.")
    inferred = extract_routes(
        "Peru's postal service is under pressure. Parcels of cocaine were destined for Spain."
    )
    assert explicit[0].confidence > inferred[0].confidence


@pytest.mark.parametrize(
    "text",
    [
        "The Policía Nacional del Perú met officials of the Spanish Civil Guard in Lima.",
        "Police seized 2 tons of cocaine in Callao on Monday.",
        "Lima, Cusco and Iquitos are cities in Peru.",
        "",
    ],
)
def test_no_route_without_movement(text: str) -> None:
    assert len(extract_routes(Document.from_text(text))) == 0


def test_chrome_never_yields_routes() -> None:
    body = "Authorities reported new seizures in the capital and several provinces this week."
    text = "\n".join(
        [body * 3, "Related Content", "Cocaine flown from Peru to Bolivia", "DONATE", "Tags"]
    )
    assert len(extract_routes(text)) == 0


def test_routes_merge_across_documents() -> None:
    a = Document.from_text("Cocaine is flown from the VRAEM to Bolivia.", id="a")
    b = Document.from_text("La droga sale del VRAEM en avionetas con destino a Bolivia.", id="b")
    routes = extract_routes([a, b])
    assert isinstance(routes, RouteSet) and len(routes) == 1
    assert {c.document for c in routes[0].citations} == {"a", "b"}


def test_seizure_site_is_where_the_drug_got_to() -> None:
    text = (
        "Marines seized 1.6 tonnes in containers at Manzanillo, cargo that had been shipped "
        "from Buenaventura, Colombia."
    )
    routes = extract_routes(text)
    assert [(r.origin.id, r.destination.id, r.mode.value) for r in routes] == [
        ("locode:COBUN", "locode:MXZLO", "maritime")
    ]


@pytest.mark.parametrize(
    "name",
    [
        "heldout.yaml",
        "heldout2.yaml",
        "heldout3.yaml",
        "heldout4.yaml",
        "heldout5.yaml",
        "heldout6.yaml",
    ],
)
def test_heldout_passages_never_crash(name: str) -> None:
    """Passages written without the extractor's output in view: it must not fail on any
    (their scores are measured by benchmarks/extract_routes.py, not asserted)."""
    path = Path(__file__).parent / "data" / "routes" / name
    for entry in yaml.safe_load(path.read_text(encoding="utf-8")):
        for route in extract_routes(entry["text"]):
            assert route.citations and 0 < route.confidence <= 1


def _scored(name: str) -> tuple[float, float]:
    """Precision and recall over one annotated set (origin, destination, mode)."""
    path = Path(__file__).parent / "data" / "routes" / name
    right = extra = missed = 0
    for entry in yaml.safe_load(path.read_text(encoding="utf-8")):
        got = {_key(r) for r in extract_routes(entry["text"])}
        want = {(e["origin"], e["destination"], e["mode"]) for e in entry["routes"]}
        right += len(got & want)
        extra += len(got - want)
        missed += len(want - got)
    return right / max(1, right + extra), right / max(1, right + missed)


def test_development_set_floor() -> None:
    """dev3.yaml (28 passages, en + es) was written for development: a floor below the
    figures at the end of the round that added it (P 0.81, R 0.76 by exact ids; 0.39 and
    0.26 before it), so that a change that loses much of it fails."""
    precision, recall = _scored("dev3.yaml")
    assert precision >= 0.65 and recall >= 0.65, (precision, recall)


def test_second_development_set_floor() -> None:
    """dev4.yaml (29 passages, en + es: stories told backwards, origins named a sentence
    later, border crossings, river legs, couriers, distractors) was written for the round
    that added it: P 0.82, R 0.73 by exact ids at its end (0.38 and 0.35 before it, by
    the benchmark's matching). The floor sits below, so that a change that loses much of
    it fails."""
    precision, recall = _scored("dev4.yaml")
    assert precision >= 0.7 and recall >= 0.6, (precision, recall)


def test_fifth_development_set_floor() -> None:
    """dev5.yaml (20 passages, en + es: wire copy, InSight Crime, press releases, UNODC
    prose) was written before the round that tuned on it: P 0.53, R 0.54 by exact ids
    before it, 0.84 and 0.84 at its end. The floor sits below, so that a change that
    loses much of it fails."""
    precision, recall = _scored("dev5.yaml")
    assert precision >= 0.7 and recall >= 0.7, (precision, recall)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (  # passive voice, seizure at the destination
            "Customs officers in Hamburg found 1.5 tonnes of cocaine in a container that had "
            "been shipped from the Ecuadorian port of Puerto Bolívar.",
            {("locode:ECPBO", "locode:DEHAM", "maritime")},
        ),
        (  # procedente de … con destino a, by truck
            "La droga, procedente de Aucayacu, era trasladada en un camión con destino a Chiclayo.",
            {("geonames:3699516", "geonames:3698350", "land")},
        ),
        (  # a courier arrested at the airport, not her nationality
            "Un ciudadano nigeriano fue detenido en el Aeropuerto Internacional Jorge Chávez "
            "cuando intentaba embarcar en un vuelo rumbo a Madrid con 3 kilos de cocaína.",
            {("icao:SPJC", "geonames:3117735", "air")},
        ),
        (  # a place name with "Puerto" in it names no mode: the river does
            "La embarcación navegaba por el río Putumayo desde Puerto Leguízamo en ruta a "
            "Puerto Asís con 200 kilos de marihuana.",
            {("geonames:3671437", "geonames:3671549", "river")},
        ),
        (  # the mode of each leg, around its own places
            "Según la Fiscalía, la droga salía por vía aérea desde el VRAEM hacia Bolivia y "
            "desde allí por tierra a Brasil.",
            {("routemap:vraem", "iso3166:BO", "air"), ("iso3166:BO", "iso3166:BR", "land")},
        ),
        (  # on from where the sentence before found the drug
            "La Policía decomisó 2 toneladas de cocaína en Tumbes. La droga iba a ser enviada "
            "a Ecuador.",
            {("geonames:3691148", "iso3166:EC", "unknown")},
        ),
        (  # a demonym naming a border stands for its country
            "Most flights land on ranches in Bolivia's Beni department, where the packages are "
            "unloaded and driven toward the Brazilian border.",
            {("iso3166-2:BO-B", "iso3166:BR", "land")},
        ),
        (  # leave X for Y; a demonym naming ports stands for its country
            "Drug shipments leave Bolivia by small plane for Paraguay, where they are "
            "transferred to trucks heading for Brazilian ports.",
            {("iso3166:BO", "iso3166:PY", "air"), ("iso3166:PY", "iso3166:BR", "land")},
        ),
        (  # "tiene como principales destinos": the port the drug passes is where it starts
            "La cocaína que sale por el Callao tiene como principales destinos Bélgica y España.",
            {("geonames:3946083", "iso3166:BE", "unknown")},
        ),
        (  # two places joined by a dash and named as a route
            "The Peru-Bolivia air bridge moved up to 200 tonnes a year.",
            {("iso3166:PE", "iso3166:BO", "air")},
        ),
        (  # the marker nearest the place wins: "por carretera al puerto de"
            "Desde Corumbá la droga sigue por carretera al puerto de Paranaguá.",
            {("geonames:3465342", "locode:BRPNG", "land")},
        ),
        (  # the mode changes at each hand-over within one sentence
            "La droga llegó desde Ecuador en lanchas rápidas a la costa de Tumaco y luego fue "
            "llevada por tierra hasta Cali, donde se cargó en avionetas con destino a Honduras.",
            {
                ("iso3166:EC", "locode:COTCO", "maritime"),
                ("geonames:3666640", "geonames:3687925", "land"),
                ("geonames:3687925", "iso3166:HN", "air"),
            },
        ),
    ],
)
def test_general_patterns(text: str, expected: set[tuple[str, str, str]]) -> None:
    assert {_key(r) for r in extract_routes(text)} >= expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (  # a place reached and then left again hands the drug on: no second origin
            "Las avionetas vuelan entre el VRAEM y Bolivia; desde Bolivia la droga sigue hacia "
            "Argentina.",
            {
                ("routemap:vraem", "iso3166:BO", "air"),
                ("routemap:vraem", "iso3166:AR", "air"),
            },
        ),
        (  # a country entered at a town: the town is the crossing point
            "Bolivian cocaine crosses into Chile at Colchane and is driven to Iquique.",
            {("iso3166:BO", "geonames:3887127", "land")},
        ),
        (  # "the US border at Laredo": the border town
            "Trucks carrying cocaine from Honduras drive north to the US border at Reynosa.",
            {("iso3166:HN", "geonames:3520339", "land")},
        ),
        (  # an adjective of position between the marker and the place; riverboats
            "From Iquitos, cocaine is sent on riverboats into neighbouring Brazil.",
            {("geonames:3696183", "iso3166:BR", "river")},
        ),
        (  # the seizure site named after the destination is where the drug was leaving
            "Police seized 300 kilos of cocaine in a container bound for Hamburg at the port "
            "of Paita.",
            {("locode:PEPAI", "locode:DEHAM", "maritime")},
        ),
        (  # the first mode named after a place tells how it was reached
            "Loads that reach Tumbes by road are later hidden in containers bound for Rotterdam.",
            {("geonames:3691148", "locode:NLRTM", "maritime")},
        ),
        (  # the origin a later sentence names details the leg of its own country
            "Shipments that reach Guayaquil by truck are put in containers bound for Spain. The "
            "cocaine comes from Colombia's Putumayo department and crosses the border at "
            "Tulcán.",
            {
                ("iso3166-2:CO-PUT", "geonames:3657509", "land"),
                ("locode:ECGYE", "iso3166:ES", "maritime"),
            },
        ),
        (  # barges are river craft; "shipped" on from a port is by sea, unless it says how
            "Cocaine from Paraguay travels on barges to the port of Rosario, and from there it "
            "is shipped to Antwerp. From Lima more was shipped by plane to Madrid.",
            {
                ("iso3166:PY", "locode:ARROS", "river"),
                ("locode:ARROS", "locode:BEANR", "maritime"),
                ("geonames:3936456", "geonames:3117735", "air"),
            },
        ),
        (  # "cargada en el valle": the valley named before is where the drug starts
            "La Policía halló 500 kilos de cocaína en el puerto del Callao. La droga fue "
            "acopiada en el VRAEM. Luego fue cargada en el valle y llevada por tierra hasta "
            "Huancayo.",
            {("routemap:vraem", "geonames:3939459", "land")},
        ),
        (  # a courier at an airport travels by air even when no cue word says so
            "La Policía capturó en el aeropuerto Jorge Chávez a una mujer que pretendía viajar "
            "a Madrid con cocaína.",
            {("icao:SPJC", "geonames:3117735", "air")},
        ),
    ],
)
def test_hand_overs_crossings_and_seizure_sites(
    text: str, expected: set[tuple[str, str, str]]
) -> None:
    assert {_key(r) for r in extract_routes(text)} >= expected


def test_chain_across_sentences_is_one_route() -> None:
    text = (
        "Cocaine travels down the Ucayali river from Pucallpa to Iquitos on cargo boats. "
        "From Iquitos, traffickers send it on by boat to Tabatinga."
    )
    routes = extract_routes(text)
    assert [(r.origin.name, [t.name for t in r.transits], r.destination.name) for r in routes] == [
        ("Pucallpa", ["Iquitos"], "Tabatinga")
    ]
    assert len(routes[0].citations) == 2


@pytest.mark.parametrize(
    "text",
    [
        "Police did not say whether the cocaine found in Tumbes was headed for Ecuador.",
        "The cocaine was not bound for Europe, officials said.",
        # "por la Policía en X": the agent of a passive, no way through X
        "Una narcoavioneta con cocaína fue destruida por la Policía en el distrito de Llochegua.",
        # passing through a place inside the goal starts no route there
        "Según la ONUDD, el 80 % de la cocaína que llega a Europa pasa por los puertos de "
        "Amberes y Rotterdam.",
        "La Policía descartó que la droga hallada en Desaguadero tuviera como destino Bolivia.",
        "The two suspects were arrested in Tumbes and taken to Piura for questioning.",
        "Los tripulantes fueron capturados y trasladados a Buenaventura.",
        "El narcotraficante fue extraditado a Estados Unidos desde Colombia.",
        "Colombia's coca crops grow along the border between Peru and Colombia.",
        "Durante 2022 se incautaron 30 toneladas en el puerto de Guayaquil, frente a 12 en Manta.",
        # a hub compared with another is no route between them
        "El puerto de Paita se ha convertido en una alternativa al Callao para los narcos.",
        "Compared to Callao, the port of Paita ships less cocaine.",
        # nothing illicit: exports, an official's trip
        "El puerto de Paita concentra las exportaciones de pota, seguido por el Callao.",
        "The interior minister flew to Brasilia to meet his Brazilian counterpart.",
    ],
)
def test_denied_movement_and_moved_detainees_give_no_route(text: str) -> None:
    assert len(extract_routes(text)) == 0


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (  # an adverb between the verb and the place of origin
            "Most of the heroin, produced largely in southern Mexico, is driven north to Tijuana.",
            {("iso3166:MX", "geonames:3981609", "land")},
        ),
        (  # a list whose items carry their article after the comma; "por carretera"
            "La marihuana, producida principalmente en el Paraguay, el Brasil y Bolivia, llega "
            "a Chile por carretera.",
            {
                ("iso3166:PY", "iso3166:CL", "land"),
                ("iso3166:BR", "iso3166:CL", "land"),
                ("iso3166:BO", "iso3166:CL", "land"),
            },
        ),
        (  # "and finally to": the places before are on the way
            "From Panama the cocaine moved overland through Costa Rica to Nicaragua and "
            "finally to Honduras.",
            {("iso3166:PA", "iso3166:HN", "land")},
        ),
        (  # "aseguró" is a seizure: the ship got as far as the port
            "La Marina aseguró 500 kilos de cocaína en el puerto de Lázaro Cárdenas, ocultos en "
            "un barco procedente de Guayaquil.",
            {("locode:ECGYE", "locode:MXLZC", "maritime")},
        ),
        (  # a sentence set in a region: the movement starts there
            "En la región de Ucayali, la pasta básica es llevada en camiones hasta Lima.",
            {("iso3166-2:PE-UCA", "geonames:3936456", "land")},
        ),
        (  # arrived one way, to leave another: handed over where it was found
            "Customs seized 300 kilos at the port of Montevideo. The drug had arrived by truck "
            "from Paraguay and was to be shipped in a container to Hamburg.",
            {("iso3166:PY", "locode:UYMVD", "land"), ("locode:UYMVD", "locode:DEHAM", "maritime")},
        ),
        (  # "from that airstrip": the place the strip was put in before
            "Police dismantled an airstrip near Puerto Maldonado last week. From that airstrip, "
            "light aircraft carried cocaine to Bolivia.",
            {("geonames:3931470", "iso3166:BO", "air")},
        ),
        (  # a load dropped from a plane, then driven on
            "A light aircraft from Bolivia dropped 300 kilos of cocaine on a ranch in Salta "
            "province. The packages were then driven to Córdoba.",
            {
                ("iso3166:BO", "iso3166-2:AR-A", "air"),
                ("iso3166-2:AR-A", "geonames:3860259", "land"),
            },
        ),
    ],
)
def test_reporting_patterns(text: str, expected: set[tuple[str, str, str]]) -> None:
    assert {_key(r) for r in extract_routes(text)} >= expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (  # "unloaded in": where the sea leg ends
            "The cocaine left Guayaquil in a container ship and was unloaded in Rotterdam.",
            {("locode:ECGYE", "locode:NLRTM", "maritime")},
        ),
        (  # a courier arrested at an airport is a person on a flight, not the post
            "A courier was arrested at Schiphol after arriving from Curaçao with cocaine in "
            "his luggage.",
            {("iso3166:CW", "icao:EHAM", "air")},
        ),
        (  # a country's stretch of a shared sea is that country
            "The drugs were transported by land from Venezuela to Colombia's Caribbean coast, "
            "and then by go-fast boats to the Dominican Republic.",
            {("iso3166:VE", "iso3166:CO", "land"), ("iso3166:CO", "iso3166:DO", "maritime")},
        ),
        (  # narcolanchas leaving the coast go by sea
            "Narcolanchas con cocaína salen de las costas de Sinaloa rumbo a Baja California.",
            {("iso3166-2:MX-SIN", "iso3166-2:MX-BCN", "maritime")},
        ),
        (  # "proviene de": where it comes from; the market it is sold in is where it goes
            "La mayor parte de la marihuana que se vende en Chile proviene del Paraguay.",
            {("iso3166:PY", "iso3166:CL", "unknown")},
        ),
        (  # "ends up in": the goal, after the region it was trafficked through
            "Much of the cocaine trafficked through Central America ends up in the United States.",
            {("routemap:central-america", "iso3166:US", "unknown")},
        ),
        (  # "import into": a movement word; each leg by the way its own words name
            "The defendants conspired to import cocaine into the United States from Colombia.",
            {("iso3166:CO", "iso3166:US", "unknown")},
        ),
        (
            "The cartel moved cocaine from Ecuador to Honduras by sea and then to the United "
            "States by land.",
            {("iso3166:EC", "iso3166:HN", "maritime"), ("iso3166:HN", "iso3166:US", "land")},
        ),
        (  # "desde donde": the place just named is where the next leg starts
            "El Ejército destruyó una pista clandestina en el distrito de Pichari, desde donde "
            "salían avionetas cargadas con cocaína hacia Bolivia.",
            {("geonames:3932418", "iso3166:BO", "air")},
        ),
        (  # boats bound for another continent go by sea, whatever the sentence says
            "La Policía incautó 7 toneladas de cocaína en Urabá, que iban a ser enviadas a "
            "Europa en lanchas.",
            {("routemap:uraba", "geonames:6255148", "maritime")},
        ),
        (  # no origin named: what is known starts at the first hand-over
            "Los cargamentos eran transportados por el río Amazonas hasta Manaos y de allí "
            "hacia Belém, desde donde partían en barcos hacia África.",
            {
                ("geonames:3663517", "geonames:3405870", "river"),
                ("locode:BRBEL", "geonames:6255146", "maritime"),
            },
        ),
        (  # "venía de X y pasaba por Y": came from X through Y to where it was seized
            "Agentes antinarcóticos interceptaron en Tumbes un vehículo con 150 kilos de "
            "marihuana. La carga venía de Colombia y pasaba por Ecuador.",
            {("iso3166:CO", "geonames:3691148", "land")},
        ),
        (  # one goal after "donde" is no chain: the airport is where the courier left
            "El decomiso se realizó en el aeropuerto de Guarulhos, en São Paulo, donde una "
            "mujer intentaba embarcar hacia Lisboa con cocaína en el estómago.",
            {("icao:SBGR", "geonames:2267057", "air")},
        ),
        (  # "arrive at X and are trucked to Y": a new verb starts a new leg at X
            "Precursor chemicals from China arrive at the port of Lázaro Cárdenas and are "
            "trucked to labs in Sinaloa.",
            {
                ("iso3166:CN", "locode:MXLZC", "maritime"),
                ("locode:MXLZC", "iso3166-2:MX-SIN", "land"),
            },
        ),
        (  # "picked up … in X and was taking it to Y"
            "Guatemalan police found 500 kilos of cocaine in a truck at a border crossing. The "
            "driver said he had picked up the load in Petén and was taking it to Tabasco.",
            {("iso3166-2:GT-PE", "iso3166-2:MX-TAB", "land")},
        ),
        (  # "loaded onto a fishing vessel in X"
            "Colombian authorities said the cocaine was loaded onto a fishing vessel in Tumaco "
            "and transferred at sea to a larger ship bound for Australia.",
            {("locode:COTCO", "iso3166:AU", "maritime")},
        ),
        (  # a continent named by its adjective: "el mercado europeo"
            "La droga incautada en el Callao tenía como destino el mercado europeo.",
            {("geonames:3946083", "geonames:6255148", "unknown")},
        ),
        (  # where a drug in transit was found is where its known route starts
            "La cocaína, que estaba en tránsito hacia Europa, fue hallada en Paramaribo.",
            {("geonames:3383330", "geonames:6255148", "unknown")},
        ),
        (  # flown in, then driven on: handed over where the sentence before landed it
            "Soldiers found a plane that had landed on a ranch in Petén. The aircraft had taken "
            "off from Venezuela's Zulia state with cocaine, which was unloaded and driven "
            "toward Mexico in trucks.",
            {
                ("iso3166-2:VE-V", "iso3166-2:GT-PE", "air"),
                ("iso3166-2:GT-PE", "iso3166:MX", "land"),
            },
        ),
        (  # where it is produced, a sentence before it moves
            "The cocaine was produced in Colombia. It was then smuggled into Ecuador by road.",
            {("iso3166:CO", "iso3166:EC", "land")},
        ),
        (
            "La droga se produce en el Chapare. Luego es llevada a Santa Cruz.",
            {("routemap:chapare", "iso3166-2:BO-S", "unknown")},
        ),
        (  # the ports it called at, a sentence later, say it went by sea
            "Police seized 2 tonnes of cocaine in Antwerp. The shipment had left Guayaquil in "
            "March. It had called at Cartagena and Kingston on the way.",
            {("locode:ECGYE", "locode:BEANR", "maritime")},
        ),
        (  # a port as goal is no sea leg from a country without ports
            "Brazil's Federal Police said the cocaine, which had entered Brazil from Bolivia, "
            "was headed for the port of Paranaguá.",
            {("iso3166:BO", "locode:BRPNG", "unknown")},
        ),
        (  # the coast of X is the region X, not the city of that name
            "Speedboats carry cocaine from Colombia to the coast of Esmeraldas.",
            {("iso3166:CO", "iso3166-2:EC-E", "maritime")},
        ),
        (
            "La lancha navegaba por el río Paraná desde el Paraguay hacia la costa de "
            "Corrientes con marihuana.",
            {("iso3166:PY", "iso3166-2:AR-W", "river")},
        ),
        (  # a leg that names its own origin starts there; "bought in" marks an origin
            "The network bought cocaine in Bolivia, moved it by truck to Chile and shipped it "
            "from the port of San Antonio to Spain.",
            {("iso3166:BO", "iso3166:CL", "land"), ("locode:CLSAI", "iso3166:ES", "maritime")},
        ),
        (  # the leg before a flown one is not flown
            "Investigators say the drugs were moved from Colombia into Venezuela and flown "
            "from there to Honduras.",
            {("iso3166:CO", "iso3166:VE", "unknown"), ("iso3166:VE", "iso3166:HN", "air")},
        ),
        (  # "descubierto en", "inspected in": where the drug got to
            "El cargamento de cocaína salió de Puerto Bolívar y fue descubierto en el puerto de "
            "Amberes.",
            {("locode:ECPBO", "locode:BEANR", "maritime")},
        ),
        (
            "The container with cocaine was inspected in Algeciras after arriving from Santos "
            "via Tangier.",
            {("locode:BRSSZ", "locode:ESALG", "maritime")},
        ),
        (  # seized on the high seas: by sea
            "Dos toneladas de cocaína procedentes de Colombia fueron incautadas en alta mar "
            "frente a las costas de Guatemala.",
            {("iso3166:CO", "iso3166:GT", "maritime")},
        ),
        (  # singular Spanish nouns name the mode too ("contenedor", "embarcación")
            "Un contenedor procedente de Guayaquil con destino a Amberes vía Panamá contenía "
            "900 kilos de cocaína.",
            {("locode:ECGYE", "locode:BEANR", "maritime")},
        ),
        (  # a ferry is a boat: on a river unless at sea
            "Traffickers ferry the cocaine from Caballococha to Tabatinga.",
            {("geonames:3699188", "geonames:3662075", "river")},
        ),
        (  # stored on the way in: where that leg ends
            "Según la Policía, la droga ingresó desde Colombia por tierra y fue acopiada en una "
            "bodega de Machala.",
            {("iso3166:CO", "geonames:3654533", "land")},
        ),
        (  # a courier company is the post
            "La droga fue enviada por DHL desde Bogotá a Madrid.",
            {("geonames:3688689", "geonames:3117735", "postal")},
        ),
        (  # "traced to": where the parcels left from
            "Investigators traced the parcels to a DHL office in Cali, from where they were "
            "sent to Sydney.",
            {("geonames:3687925", "geonames:2147714", "postal")},
        ),
        (  # the port named as a goal makes no sea leg from inland in the same country
            "Las 1,2 toneladas de cocaína halladas en el puerto del Callao procedían del VRAEM.",
            {("routemap:vraem", "locode:PECLL", "unknown")},
        ),
        (  # posted through a company in a city: the city is where the parcel starts
            "Cocaine was mailed through a courier company in Cali to Madrid.",
            {("geonames:3687925", "geonames:3117735", "postal")},
        ),
        (  # the origin narrowed two sentences on
            "Officers intercepted 38 parcels of cocaine mailed from Colombia. Most were "
            "addressed to Puerto Rico. The packages had been shipped through a courier company "
            "in Medellín.",
            {("geonames:3674962", "iso3166:PR", "postal")},
        ),
    ],
)
def test_more_reporting_patterns(text: str, expected: set[tuple[str, str, str]]) -> None:
    assert {_key(r) for r in extract_routes(text)} >= expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (  # a broad goal narrowed in the sentence after
            "Drug couriers were caught at El Dorado airport boarding flights to Europe with "
            "cocaine. Most were heading to Lisbon.",
            {("icao:SKBO", "geonames:2267057", "air")},
        ),
        (  # a broad goal narrowed in the same sentence
            "Los cargamentos de cocaína salen del puerto de Santos con destino a Europa, "
            "principalmente a Amberes y Rotterdam.",
            {
                ("locode:BRSSZ", "locode:BEANR", "maritime"),
                ("locode:BRSSZ", "locode:NLRTM", "maritime"),
            },
        ),
        (  # a further parcel: the flow traced before, from its stated origin; no narrowing
            "Brazilian police say the gang mailed cocaine from Recife to buyers in Europe. "
            "Another parcel, addressed to Dublin, was intercepted at the Curitiba sorting "
            "centre.",
            {
                ("geonames:3390760", "geonames:6255148", "postal"),
                ("geonames:3390760", "geonames:2964574", "postal"),
            },
        ),
        (  # "aprehendieron en el aeropuerto": the courier was leaving from there
            "Efectivos de la Felcn aprehendieron en el aeropuerto de El Alto a un hombre que "
            "iba a abordar un vuelo a Madrid con cocaína.",
            {("icao:SLLP", "geonames:3117735", "air")},
        ),
        (  # "islands such as Aruba and Curaçao": the islands named, not the sea
            "Cocaine shipments leave from Venezuela's Falcón state for Caribbean islands such "
            "as Aruba and Curaçao.",
            {
                ("iso3166-2:VE-I", "iso3166:AW", "unknown"),
                ("iso3166-2:VE-I", "iso3166:CW", "unknown"),
            },
        ),
        (  # "according to the U.S. Embassy" names no goal
            "The planes flew cocaine from Apure to Honduras, according to the U.S. Embassy.",
            {("iso3166-2:VE-C", "iso3166:HN", "air")},
        ),
    ],
)
def test_broad_goals_narrowed_and_attributions_dropped(
    text: str, expected: set[tuple[str, str, str]]
) -> None:
    assert {_key(r) for r in extract_routes(text)} == expected


def test_a_headline_the_body_details_adds_no_broad_route() -> None:
    text = (
        "Peru seizes cocaine bound for Belgium\n\n"
        "LIMA, March 3 (Reuters) - Police seized 1.2 tonnes of cocaine in a container of "
        "avocados at the port of Callao that was bound for Antwerp, officials said.\n"
        "The shipment had been trucked from the VRAEM to Lima."
    )
    goals = {r.destination.name for r in extract_routes(Document.from_text(text))}
    assert "Belgium" not in goals and "Antwerpen" in goals
    # A headline more precise than the body stays.
    text = (
        "Cocaine bound for Spain seized in Callao\n\nPolice in Lima said it was bound for Europe."
    )
    goals = {r.destination.name for r in extract_routes(Document.from_text(text))}
    assert "Spain" in goals


def test_an_inland_goal_borrows_no_sea_origin_from_the_ports_named() -> None:
    text = (
        "La droga salió del puerto de Guayaquil con destino a Amberes.\n"
        "Los Lobos controlan los puertos de Manta y Puerto Bolívar.\n"
        "La isla es también punto de tránsito hacia Puno, según la DEA."
    )
    for route in extract_routes(Document.from_text(text)):
        if route.destination.name == "Puno":
            assert route.mode is not Mode.MARITIME, route
            assert route.origin.kind.value != "port", route


@pytest.mark.parametrize(
    ("text", "ways"),
    [
        (
            "Cocaine leaves Ecuador through the ports of Guayaquil and Puerto Bolívar for Europe.",
            [["Guayaquil"], ["Puerto Bolivar"]],
        ),
        (
            "La cocaína sale de Colombia por los puertos de Buenaventura y Tumaco hacia "
            "Centroamérica.",
            [["Buenaventura"], ["Tumaco"]],
        ),
        # Transits not named as one plural feature stay a chain.
        (
            "The drugs are flown from Bolivia via Paraguay and Argentina to Europe.",
            [["Paraguay", "Argentina"]],
        ),
    ],
)
def test_ports_named_together_are_alternative_ways(text: str, ways: list[list[str]]) -> None:
    routes = extract_routes(Document.from_text(text))
    assert sorted([p.name for p in r.stops[1:-1]] for r in routes) == ways
