"""Extraction: the trafficking routes an article states, each with the sentences that say so.

Routes are read from the geoparsed mentions of each sentence: cue words give the mode
("air bridge", "parcels", "contenedor", "río", "camión"), markers around each place give
its role — origin ("from", "desde", "sale de", "shipped out of"), transit ("via",
"through", "a través de"), destination ("to", "bound for", "con destino a", "rumbo a",
"X-bound") — and patterns span clauses and sentences ("the air bridge between X and Y",
"directed toward X and sometimes Y, from where it is sent on to Z", "this zone"). Where
the text leaves the origin implicit it is inferred (the area or country the story is
about), at a lower confidence, and the route cites every sentence it rests on. Nothing in
site chrome, and no place inside an organisation's name, becomes a stop.

>>> routes = extract_routes("Cocaine is shipped from the port of Callao to Antwerp.")
>>> [(r.origin.id, r.destination.id, r.mode.value) for r in routes]
[('locode:PECLL', 'locode:BEANR', 'maritime')]
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from routemap.gazetteer import Gazetteer
from routemap.geoparse import Mention, find_country_cues, find_demonyms, geoparse
from routemap.normalize import fold_for_scan
from routemap.places import Place, PlaceKind
from routemap.routes import Citation, Mode, Route, RouteSet, parse_period
from routemap.text import Document

__all__ = ["document_routes", "extract_routes"]


def _cues(*pairs: tuple[str, str]) -> list[tuple[re.Pattern[str], str]]:
    return [(re.compile(rf"\b(?:{pattern})\b"), value) for pattern, value in pairs]


# Cue words of each mode, matched on folded text (lower case, no accents). Order matters:
# the first mode whose cue occurs in a sentence wins ("mule on a flight" is air).
_MODE_CUES = _cues(
    # A "drug courier" swallows capsules and boards a plane; a courier company is post.
    (r"drug couriers?|human couriers?|correos? humanos?|burriers?|drug mules?", "air"),
    (
        r"parcels?|packages?|mail(?:ing|ed)?|postal|courier|encomiendas?|correo|"
        r"serpost|paquetes? postal(?:es)?|envios? postal(?:es)?",
        "postal",
    ),
    (
        r"air ?bridge|puente aereo|airstrips?|landing strips?|pistas? de aterrizaje|"
        r"pistas? clandestinas?|narcoavionetas?|avionetas?|light aircraft|aircraft|aeronaves?|"
        r"planes?|flights?|flying|flew|flown|fly|flies|vuelos?|aerial|by air|por via aerea|"
        r"aereo|airport|"
        r"aeropuerto|drug mules?|burriers?|mulas?",
        "air",
    ),
    (
        r"rivers?|rios?|fluvial|boats?|embarcaciones?|lanchas?|peque ?peques?|"
        r"deslizadores?|river ports?|puertos? fluvial(?:es)?|chalupas?",
        "river",
    ),
    (
        r"ports?|puertos?|containers?|contenedores?|ships?|shipping|buques?|vessels?|"
        r"naviera|maritime|maritimo|by sea|por mar|sea|cargo ships?|barcos?|"
        r"semi ?submersibles?|semisumergibles?|go ?fast",
        "maritime",
    ),
    (
        r"trucks?|camion(?:es)?|roads?|carreteras?|highways?|border crossings?|"
        r"pasos? fronterizos?|on foot|a pie|mochileros?|backpackers?|vehicles?|vehiculos?|"
        r"cars?|autos?|buses?|overland|por tierra|by land|frontera|border",
        "land",
    ),
)

# Words that say something moves. A sentence without one states no route.
_MOVEMENT = re.compile(
    r"\b(?:traffick\w*|smuggl\w*|ship(?:ped|ping|ment|ments|s)?|send|sent|sending|mov\w*|"
    r"transport\w*|export\w*|flow\w*|outflow|route\w*|bridge|destined|bound|headed|"
    r"directed|arriv\w*|carr\w*|flown|fly|flying|flew|enter\w*|leav\w*|left|reach\w*|"
    r"came|come|coming|brought|bring\w*|mail\w*|dispatch\w*|transit\w*|"
    r"trafic\w*|narcotrafic\w*|contraband\w*|envi\w*|enviad\w*|traslad\w*|exporta\w*|"
    r"llev\w*|lleg\w*|destino|rumbo|salid\w*|sal(?:e|en|io|ieron)|sacad\w*|transita\w*|"
    r"ingres\w*|trajer\w*|trae\w*|cruz\w*|pasa\w*|circula\w*|desvi\w*|puente aereo)\b"
)

# Markers read backwards from a place: the last one before it sets its role.
_ORIGIN = re.compile(
    r"(?:\bfrom|\bout of|\bleaving|\bleft|\bdeparting|\boriginating in|\bproduced in|"
    r"\bcoming from|\bshipped out of|\bdesde|\bsale(?:n)? de(?:l)?|\bsalio de(?:l)?|"
    r"\bsalieron de(?:l)?|\bsalida de(?:l)?|\bprocedente(?:s)? de(?:l)?|"
    r"\bproveniente(?:s)? de(?:l)?|\bprocedencia de(?:l)?|\boriginari[ao]s? de(?:l)?|"
    r"\bproducida en|\bproducido en|\bdespega\w* (?:de|desde)(?: \w+){0,3} en|"
    r"\b(?:tak(?:e|es|ing)|took) off from(?: \w+){0,3} (?:in|near)|"
    r"\bfrom (?:\w+ ){0,3}(?:in|at|near)|\bdesde (?:\w+ ){0,3}(?:en|de)|"
    r"\bsal\w* de (?:\w+ ){0,3}en)"
    r"(?:\s+(?:the|el|la|los|las))?\s*$"
)
_TRANSIT = re.compile(
    r"(?:\bvia|\bthrough|\bthru|\bpassing through|\btransiting|\bin transit through|"
    r"\ba traves de(?:l)?|\bpor|\ben transito por|\bpasando por|\bcruzando|"
    r"\bcon escala en|\bhaciendo escala en|\bstopover in|\blayover in|\bby way of)"
    r"(?:\s+(?:the|el|la|los|las|the city of|la ciudad de))?\s*$"
)
_DESTINATION = re.compile(
    r"(?:\bto|\btoward|\btowards|\binto|\bbound for|\bdestined for|\bdestined to|"
    r"\bheaded for|\bheaded to|\ben route to|\barriv\w* in|\barriv\w* at|\breach\w*|"
    r"\bsent on to|\bon to|\bonward to|\bcon destino a(?:l)?|\bcon destino final a(?:l)?|"
    r"\brumbo a(?:l)?|\bhacia|\bllega(?:n|r|ron|ba)? a(?:l)?|\bllego a(?:l)?|"
    r"\benviad[ao]s? a(?:l)?|\benvia(?:n|ba|ron|r)? a(?:l)?|\bexportad[ao]s? a(?:l)?|"
    r"\bexporta(?:n|r|ron)? a(?:l)?|\btrasladad[ao]s? a(?:l)?|\bllevad[ao]s? a(?:l)?|"
    r"\bingresad[ao]s? a(?:l)?|\bingres(?:a|an|o|aron|ar) a(?:l)?|"
    r"\bland(?:s|ed|ing)? (?:on|at|in)(?: \w+){0,3} (?:in|near)|\baterriz\w* en(?: \w+){0,3} en|"
    r"\bviaj\w* (?:a|hacia)|\btravel\w* to|\bfl(?:y|ying|ew|own|ies|ight|ights) to|\bvolar a|"
    r"\bcomo destino(?: \w+){0,2} (?:en|a)|\bdestinad[ao]s? a(?:l)?|\baddressed to|"
    r"\bdirigid[ao]s? a(?:l)?|\bremitid[ao]s? a(?:l)?|\bheading (?:for|to)|"
    r"\bto (?:\w+ ){0,3}(?:in|at|near)(?: (?:northern|southern|eastern|western|central))?|"
    r"\bhacia (?:\w+ ){0,3}en)"
    r"(?:\s+(?:the|el|la|los|las|the port of|el puerto de(?:l)?|the city of))?\s*$"
)
# "the plane had taken off empty from Cobija": where a plane leaves empty is no origin.
_EMPTY = re.compile(r"\b(?:empty|unloaded|vaci[ao]s?|sin carga|without (?:any )?cargo)\b")
_BETWEEN = re.compile(r"(?:\bbetween|\bentre)(?:\s+(?:the|el|la))?\s*$")
_LIST_GLUE = re.compile(
    r"^\s*$|^\s*(?:,|and|y|e|or|o|as well as|asi como|and sometimes|y a veces|and occasionally|"
    r"and then|, and|, or|and also|y tambien|,? and to|,? y a|,? y hacia|,? and toward)"
    r"(?:\s+(?:the|el|la|los|las|to|a))?\s*$"
)
_FROM_WHERE = re.compile(
    r"\b(?:from where|from there|from which|whence|desde donde|de donde|desde alli|"
    r"desde ahi|de alli|de ahi|then|luego|after which|before being|tras lo cual|"
    r"posteriormente|y despues|and later|later)\b"
)
# "this zone", "the airport": a place named before, found by its kind.
_ANAPHORS = (
    (
        re.compile(
            r"\b(?:this|that|the) (?:zone|region|area|valley)\b|\b(?:esta|esa|dicha) "
            r"(?:zona|region|area)\b|\b(?:este|ese|dicho) valle\b"
        ),
        (PlaceKind.AREA, PlaceKind.REGION),
    ),
    (
        re.compile(
            r"\b(?:this|that|the) airport\b(?! of)|\b(?:el|ese|este|dicho) aeropuerto\b(?! de)"
        ),
        (PlaceKind.AIRPORT,),
    ),
    (
        re.compile(r"\b(?:this|that|the) port\b(?! of)|\b(?:el|ese|este|dicho) puerto\b(?! de)"),
        (PlaceKind.PORT,),
    ),
)
# A demonym names where a route starts only when it qualifies the traffickers themselves
# ("Mexican cartels", "the Aztec cartel", "narcos colombianos" is not handled).
_ACTOR_AFTER = re.compile(
    r"\s+(?:\w+\s+)?(?:cartels?|traffickers?|gangs?|mafias?|clans?|organi[sz]ations?|"
    r"narcos|emissaries|carteles|c[aá]rteles|bandas|clanes|traficantes|narcotraficantes|"
    r"organizaciones|emisarios|cocaine|coca paste|marijuana|heroin|drugs?)\b",
    re.IGNORECASE,
)
# "cocaína peruana", "droga boliviana": the commodity before its demonym, in Spanish.
_COMMODITY_BEFORE = re.compile(
    r"(?:coca[ií]na|droga|marihuana|pasta b[aá]sica|hero[ií]na)\s+$", re.IGNORECASE
)
# Words of a seizure or a departure: the place they happen at is where the drug was leaving.
_FOUND = re.compile(
    r"\b(?:seiz\w*|confiscat\w*|intercept\w*|detain\w*|arrest\w*|captur\w*|found|discover\w*|"
    r"board\w*|depart\w*|incaut\w*|decomis\w*|detenid\w*|detuv\w*|hall\w*|encontr\w*|"
    r"embarc\w*|despeg\w*|intervin\w*|interven\w*)\b"
)
_BOUND_AFTER = re.compile(r"^[-‐–]bound\b")
_POSSESSIVE_SOURCE = re.compile(
    r"^['’]s\s+(?:air ?bridge|cocaine|drug|route|exports?|coca|production|heroin)"
)

_COMMODITIES = _cues(
    (r"cocaine paste|pasta basica(?: de cocaina)?|pbc", "cocaine paste"),
    (r"cocaine|cocaina|clorhidrato de cocaina|coke", "cocaine"),
    (r"marijuana|marihuana|cannabis|hashish|hachis", "cannabis"),
    (r"heroin|heroina|opium|opio", "heroin"),
    (r"methamphetamine|metanfetamina|meth", "methamphetamine"),
    (r"fentanyl|fentanilo", "fentanyl"),
    (r"precursors?|precursores?", "chemical precursors"),
)
_QUANTITY = re.compile(
    r"\b\d[\d.,]*\s*(?:metric\s+)?(?:kilos?|kilograms?|kilogrammes?|kg|kilogramos?|tons?|"
    r"tonnes?|toneladas?)\b|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|dos|tres|"
    r"cuatro|cinco|seis|siete|ocho|nueve|diez)\s+(?:metric\s+)?(?:tons?|tonnes?|toneladas?|"
    r"kilos?)\b",
    re.IGNORECASE,
)
_PERIOD = re.compile(
    r"\b(?:in|during|since|en|durante|desde) (?:the )?(?:(?:early |late |mid-?)?(?:1[89]|20)"
    r"\d0s|los (?:anos )?(?:noventa|ochenta|setenta|2000)|(?:19|20)\d\d)\b"
    r"|\bbetween (?:19|20)\d\d and (?:19|20)\d\d\b|\bentre (?:19|20)\d\d y (?:19|20)\d\d\b"
    r"|\b(?:the )?first (?:\w+ )?months of (?:19|20)\d\d\b",
    re.IGNORECASE,
)

_STOP_KINDS = frozenset(PlaceKind) - {PlaceKind.RIVER}


@dataclass
class _Role:
    mention: Mention
    role: str  # origin, transit, destination, context
    chained_from: bool = False
    leg_mode: str | None = None  # the mode the words around this stop name


@dataclass
class _Claim:
    origins: list[Place]
    transits: list[Place]
    destinations: list[Place]
    mode: Mode
    sentences: list[int]
    confidence: float
    context: list[Place] = field(default_factory=list)  # unmarked places before the goal
    mode_hint: str | None = None  # the mode the words around this leg name
    commodity: str | None = None
    quantity: str | None = None
    period: str | None = None
    notes: list[str] = field(default_factory=list)


def extract_routes(
    doc_or_docs: Document | str | Iterable[Document | str],
    *,
    gazetteer: Gazetteer | None = None,
) -> RouteSet:
    """The routes one or more documents state, merged across documents.

    Parameters
    ----------
    doc_or_docs : Document, str, or an iterable of them
    gazetteer : Gazetteer, optional
    """
    if isinstance(doc_or_docs, (Document, str)):
        documents: Iterable[Document | str] = [doc_or_docs]
    else:
        documents = doc_or_docs
    gaz = gazetteer or Gazetteer.default()
    routes: list[Route] = []
    for item in documents:
        document = Document.coerce(item)
        routes.extend(_document_routes(document, gaz))
    return RouteSet(routes).merge()


def _sentence_text(document: Document, index: int) -> str:
    start, end = document.sentences[index]
    return (document.flow or document.text)[start:end]


def document_routes(
    document: Document, mentions: Sequence[Mention], *, gazetteer: Gazetteer | None = None
) -> RouteSet:
    """:func:`extract_routes` of one document whose ``mentions`` (:func:`geoparse` of it
    with the same gazetteer) are already known: the batch build geoparses once for both."""
    gaz = gazetteer or Gazetteer.default()
    return RouteSet(_document_routes(document, gaz, mentions)).merge()


def _document_routes(
    document: Document, gaz: Gazetteer, found: Sequence[Mention] | None = None
) -> list[Route]:
    if found is None:
        found = geoparse(document, gazetteer=gaz)
    mentions = [m for m in found if not m.in_chrome and m.place]
    if not mentions:
        return []
    demonyms = find_demonyms(document, gazetteer=gaz)
    by_sentence: dict[int, list[Mention]] = {}
    for mention in mentions:
        by_sentence.setdefault(mention.sentence, []).append(mention)
    folded_sentences = {
        i: fold_for_scan(_sentence_text(document, i)) for i in range(len(document.sentences))
    }
    document_commodity = _dominant_commodity(folded_sentences.values())
    focus = _focus_country(mentions, find_country_cues(document, gazetteer=gaz))
    claims: list[_Claim] = []
    previous_destinations: list[Place] = []
    stated_origins: dict[int, list[Place]] = {}  # sentence → places marked as origins
    for index in sorted(by_sentence):
        if document.in_chrome(document.sentences[index][0]):
            continue
        folded = folded_sentences[index]
        if not (_MOVEMENT.search(folded) or _sentence_mode(folded)):
            continue  # nothing moves: no route (a destination marker needs a carrier)
        stated_origins[index] = _marked_origins(document, index, by_sentence[index])
        for claim in _sentence_claim(
            document, index, by_sentence[index], folded, previous_destinations, demonyms
        ):
            _carry_origin(claim, document, index, stated_origins)
            _fill_origin(claim, document, index, mentions, focus, folded, demonyms, gaz)
            _refine_origin(claim, document, index, mentions)
            mode = (
                claim.mode_hint
                or _sentence_mode(folded)
                or _previous_mode(document, folded_sentences, index)
            )
            if not mode and claim.origins and all(p.kind is PlaceKind.PORT for p in claim.origins):
                mode = "maritime"  # leaving a port, by sea unless the text says otherwise
            claim.mode = Mode(mode) if mode else Mode.UNKNOWN
            if not _sentence_mode(folded):
                claim.confidence -= 0.1
            claim.commodity = _first(_COMMODITIES, folded) or document_commodity
            sentence = _sentence_text(document, index)
            quantity = _QUANTITY.search(sentence)
            claim.quantity = quantity.group() if quantity else None
            period = _PERIOD.search(sentence)
            claim.period = period.group() if period else None
            claims.append(claim)
            previous_destinations = claim.destinations or previous_destinations
    for claim in claims:
        if claim.mode is Mode.MARITIME:
            claim.origins = [_as_port(p, gaz) for p in claim.origins]
            claim.transits = [_as_port(p, gaz) for p in claim.transits]
            claim.destinations = [_as_port(p, gaz) for p in claim.destinations]
    return [route for claim in claims for route in _routes(claim, document)]


_PORT_RADIUS_KM = 25.0


@functools.lru_cache(maxsize=512)
def _ports(gaz: Gazetteer, country: str) -> tuple[Place, ...]:
    return tuple(gaz.places(kind=PlaceKind.PORT, country=country))


def _as_port(place: Place, gaz: Gazetteer) -> Place:
    """A city on a sea route is its port, where one of the same name exists (Guayaquil →
    locode:ECGYE): sea lanes start and end at ports."""
    if place.kind is not PlaceKind.CITY:
        return place
    from routemap.normalize import scan_key

    for candidate in gaz._scan_candidates(scan_key(place.name)):
        if candidate.kind is PlaceKind.PORT and candidate.country == place.country:
            return gaz._place(candidate.pk)
    if place.country:  # "Antwerp" the city, "Antwerpen" its port: the port beside the city
        from geopy.distance import great_circle

        ports = _ports(gaz, place.country)
        near = [(great_circle(place.latlon, p.latlon).km, p.id, p) for p in ports]
        near = [item for item in near if item[0] <= _PORT_RADIUS_KM]
        if near:
            return min(near)[2]
    return place


def _sentence_claim(
    document: Document,
    index: int,
    mentions: Sequence[Mention],
    folded: str,
    previous_destinations: Sequence[Place],
    demonyms: Sequence[tuple[int, int, str]],
) -> list[_Claim]:
    sentence_start = document.sentences[index][0]
    text = document.flow or document.text
    roles: list[_Role] = []
    cursor = sentence_start
    between = False
    qualifier: int | None = None
    for number, mention in enumerate(mentions):
        following = mentions[number + 1] if number + 1 < len(mentions) else None
        if following and re.match(r"^['’]s\s+$", text[mention.end : following.start]):
            qualifier = mention.start
            continue  # "Bolivia's Beni": the qualifier gives way to the place it qualifies
        previous = mentions[number - 1] if number else None
        if (
            previous is not None
            and mention.place is not None
            and previous.place is not None
            and mention.place.kind is PlaceKind.COUNTRY
            and previous.place.country == mention.place.country
            and re.match(r"^\s*,\s*$", text[previous.end : mention.start])
        ):
            continue  # "Buenaventura, Colombia": the country only says where the town is
        lead_end = qualifier if qualifier is not None else mention.start
        qualifier = None
        lead = fold_for_scan(text[max(cursor, lead_end - 60) : lead_end])
        lead = re.sub(r"\s+", " ", lead)
        tail = text[mention.end : mention.end + 40]
        role = "context"
        if _ORIGIN.search(lead) and not _EMPTY.search(lead):
            role = "origin"
        elif _TRANSIT.search(lead):
            role = "transit"
        elif _DESTINATION.search(lead):
            role = "destination"
        elif _BETWEEN.search(lead):
            role, between = "origin", True  # "the air bridge between Peru and Bolivia"
        elif roles and _LIST_GLUE.search(lead) and roles[-1].role != "context":
            role = "destination" if between else roles[-1].role
            between = False
        if _BOUND_AFTER.search(tail):
            role = "destination"
        elif role == "context" and _POSSESSIVE_SOURCE.search(tail):
            role = "origin"
        sent_on = bool(_FROM_WHERE.search(lead)) and role == "destination"
        # The mode of the leg that reaches this place: cue words just before it, or in its
        # own clause after it ("trucked to Paita, then shipped to Rotterdam in containers").
        after_end = following.start if following else document.sentences[index][1]
        clause = re.split(r"[,;]|\bthen\b|\bluego\b", text[mention.end : after_end], maxsplit=1)[0]
        leg_mode = _sentence_mode(lead) or _sentence_mode(fold_for_scan(clause))
        roles.append(_Role(mention, role, sent_on, leg_mode))
        cursor = mention.end
    origins = [r.mention.place for r in roles if r.role == "origin" and r.mention.place]
    transits = [r.mention.place for r in roles if r.role == "transit" and r.mention.place]
    destinations = [r.mention.place for r in roles if r.role == "destination" and r.mention.place]
    # "…toward Bolivia and sometimes Paraguay, from where it is sent on to Brazil": the
    # places before "from where" become transits of a chain to the places after it.
    chained = [r for r in roles if r.chained_from]
    if chained:
        first_chain = roles.index(chained[0])
        before = [
            r.mention.place
            for r in roles[:first_chain]
            if r.role == "destination" and r.mention.place
        ]
        after = [
            r.mention.place
            for r in roles[first_chain:]
            if r.role == "destination" and r.mention.place
        ]
        first_mode = next((r.leg_mode for r in roles[:first_chain] if r.leg_mode), None)
        then_mode = next((r.leg_mode for r in roles[first_chain:] if r.leg_mode), None)
        # The route reaches each intermediate place, and goes on from each of them: as one
        # route through it, or, where the mode changes there, as a second route from it.
        claims = [
            _Claim([*origins], [], before, Mode.UNKNOWN, [index], 0.8, mode_hint=first_mode),
        ]
        for hub in before:
            if then_mode and first_mode and then_mode != first_mode:
                claims.append(
                    _Claim(
                        [hub],
                        [],
                        after,
                        Mode.UNKNOWN,
                        [index],
                        0.75,
                        mode_hint=then_mode,
                        notes=[f"handed over at {hub.name}"],
                    )
                )
            else:
                claims.append(
                    _Claim(
                        [*origins],
                        [hub],
                        after,
                        Mode.UNKNOWN,
                        [index],
                        0.75,
                        mode_hint=first_mode,
                        notes=[f"sent on from {hub.name}"],
                    )
                )
        return claims
    if not destinations and origins and _FOUND.search(folded):
        # "seized at Manzanillo … cargo that had been shipped from Buenaventura": the drug
        # got as far as where it was found.
        found_at = [
            r.mention.place
            for r in roles
            if r.role == "context" and r.mention.place and r.mention.place not in origins
        ]
        destinations = [p for p in found_at if p.kind is not PlaceKind.COUNTRY] or found_at
    if not destinations and transits and origins:
        destinations, transits = transits[-1:], transits[:-1]  # "from VRAEM through Cusco"
    if not destinations and transits and not origins:
        destinations, transits = transits[-1:], transits[:-1]
    if not destinations:
        return []
    explicit = bool(origins)
    first_goal = next(
        (i for i, r in enumerate(roles) if r.role in ("destination", "transit")), len(roles)
    )
    context = [
        r.mention.place for r in roles[:first_goal] if r.role == "context" and r.mention.place
    ]
    modes = {r.leg_mode for r in roles if r.role == "destination" and r.leg_mode}
    return [
        _Claim(
            origins=[p for p in origins if p is not None],
            transits=[p for p in transits if p is not None],
            destinations=[p for p in destinations if p is not None],
            mode=Mode.UNKNOWN,
            sentences=[index],
            confidence=0.9 if explicit else 0.7,
            context=context,
            mode_hint=modes.pop() if len(modes) == 1 else None,
        )
    ]


def _marked_origins(document: Document, index: int, mentions: Sequence[Mention]) -> list[Place]:
    """Places a sentence marks as where something leaves from, route or not."""
    text = document.flow or document.text
    start = document.sentences[index][0]
    found = []
    for mention in mentions:
        lead = re.sub(
            r"\s+", " ", fold_for_scan(text[max(start, mention.start - 60) : mention.start])
        )
        if mention.place and _ORIGIN.search(lead) and not _EMPTY.search(lead):
            found.append(mention.place)
    return found


def _carry_origin(
    claim: _Claim, document: Document, index: int, stated: dict[int, list[Place]]
) -> None:
    """ "Planes take off from airstrips in the VRAEM. Most land in Beni": the origin the
    sentence before stated, in the same paragraph."""
    if claim.origins or index - 1 not in stated or not stated[index - 1]:
        return
    previous_end = document.sentences[index - 1][1]
    if "\n" in (document.flow or document.text)[previous_end : document.sentences[index][0]]:
        return
    goals = {p.id for p in claim.destinations + claim.transits}
    carried = [p for p in stated[index - 1] if p.id not in goals]
    if carried:
        claim.origins = carried
        claim.sentences.insert(0, index - 1)
        claim.confidence -= 0.15
        claim.notes.append("origin stated in the sentence before")


def _fill_origin(
    claim: _Claim,
    document: Document,
    index: int,
    mentions: Sequence[Mention],
    focus: str | None,
    folded: str,
    demonyms: Sequence[tuple[int, int, str]],
    gaz: Gazetteer,
) -> None:
    """Infer the origin the sentence leaves implicit, citing where it comes from."""
    if claim.origins:
        return
    # "representatives of the Aztec cartel come to Peru": the cartel's country.
    start, end = document.sentences[index]
    targets = {p.country for p in claim.destinations + claim.transits}
    flow = document.flow or document.text
    for d_start, d_end, code in demonyms:
        actor = _ACTOR_AFTER.match(flow[d_end : d_end + 40]) or _COMMODITY_BEFORE.search(
            flow[max(0, d_start - 30) : d_start]
        )
        if start <= d_start < end and code not in targets and actor:
            try:
                claim.origins = [gaz.get(f"iso3166:{code}")]
            except LookupError:
                continue
            claim.confidence -= 0.2
            claim.notes.append("origin from a demonym")
            return
    # "cocaine moving out of this zone", "arrested at the airport": named before, by kind.
    for anaphor, kinds in _ANAPHORS:
        if not anaphor.search(folded):
            continue
        for mention in reversed([m for m in mentions if m.sentence < index]):
            if mention.place and mention.place.kind in kinds:
                claim.origins = [mention.place]
                claim.sentences.insert(0, mention.sentence)
                claim.confidence -= 0.15
                claim.notes.append(f"origin from '{anaphor.pattern[:20]}…'")
                return
    # "seized at the port of Paita … bound for Rotterdam", "detained at Jorge Chávez
    # airport … about to board a flight to Madrid": the place the drug was leaving.
    goals = {p.id for p in claim.destinations + claim.transits}
    leaving = [p for p in claim.context if p.id not in goals] if _FOUND.search(folded) else []
    if leaving:
        rank = {PlaceKind.AIRPORT: 0, PlaceKind.PORT: 0, PlaceKind.CITY: 1, PlaceKind.AREA: 2}
        leaving.sort(key=lambda p: rank.get(p.kind, 3))
        claim.origins = [leaving[0]]
        claim.confidence -= 0.15
        claim.notes.append("origin: the place the drug was leaving when found")
        return
    # A story about a country's ports, airstrips or parcels: that country (or its ports).
    if focus:
        targets = {p.id for p in claim.destinations + claim.transits}
        country_places = [
            m.place
            for m in mentions
            if m.place and m.place.kind is PlaceKind.COUNTRY and m.place.country == focus
        ]
        ports = []
        if _sentence_mode(folded) in (None, "maritime", "river"):
            seen = set()
            for m in mentions:
                if (
                    m.place
                    and m.place.kind is PlaceKind.PORT
                    and m.place.country == focus
                    and m.place.id not in seen
                ):
                    seen.add(m.place.id)
                    ports.append(m)
        if ports:
            claim.origins = [m.place for m in ports if m.place and m.place.id not in targets]
            claim.sentences = sorted({*claim.sentences, *(m.sentence for m in ports)})
            claim.confidence -= 0.25
            claim.notes.append("origin: the ports the article names")
        else:
            country = country_places[0] if country_places else _country(gaz, focus)
            if (
                country is not None
                and country.id not in targets
                and country.country not in {p.country for p in claim.destinations}
            ):
                claim.origins = [country]
                claim.confidence -= 0.25
                claim.notes.append("origin: the country the article is about")


def _country(gaz: Gazetteer, code: str) -> Place | None:
    try:
        return gaz.get(f"iso3166:{code}")
    except LookupError:
        return None


def _refine_origin(
    claim: _Claim, document: Document, index: int, mentions: Sequence[Mention]
) -> None:
    """A country as origin is refined to the production area the article names in it
    nearby ("Peru's air bridge … The VRAEM … is a major hub of aerial trafficking")."""
    refined = []
    for origin in claim.origins:
        if origin.kind is PlaceKind.COUNTRY:
            areas = [
                m
                for m in mentions
                if m.place
                and m.place.kind is PlaceKind.AREA
                and m.place.country == origin.country
                and abs(m.sentence - index) <= 5
            ]
            area = areas[0].place if areas else None
            if area is not None:
                refined.append(area)
                if areas[0].sentence not in claim.sentences:
                    claim.sentences.append(areas[0].sentence)
                claim.notes.append(f"origin {origin.name} narrowed to {area.name}")
                continue
        refined.append(origin)
    claim.origins = [p for p in refined if p is not None]


def _routes(claim: _Claim, document: Document) -> list[Route]:
    routes = []
    for origin in claim.origins:
        for destination in claim.destinations:
            stops = [origin, *claim.transits, destination]
            ids = [p.id for p in stops]
            if len(set(ids)) != len(ids):
                continue  # a place cannot be its own transit or destination
            citations = tuple(_citation(document, i) for i in sorted(set(claim.sentences)))
            routes.append(
                Route.build(
                    stops,
                    claim.mode,
                    commodity=claim.commodity,
                    quantity=claim.quantity,
                    period=parse_period(claim.period) if claim.period else None,
                    confidence=round(max(0.1, min(1.0, claim.confidence)), 2),
                    citations=citations,
                )
            )
    return routes


def _citation(document: Document, index: int) -> Citation:
    start, end = document.sentences[index]
    return Citation(
        document=document.id,
        title=document.title,
        date=document.date,
        source=document.source,
        sentence=document.text[start:end].strip(),
        start=start,
        end=end,
    )


def _first(cues: Sequence[tuple[re.Pattern[str], str]], folded: str) -> str | None:
    for pattern, value in cues:
        if pattern.search(folded):
            return value
    return None


def _sentence_mode(folded: str) -> str | None:
    return _first(_MODE_CUES, folded)


def _previous_mode(document: Document, folded_sentences: dict[int, str], index: int) -> str | None:
    """The mode of the sentence before, when it is in the same paragraph."""
    if index == 0:
        return None
    start = document.sentences[index][0]
    previous_end = document.sentences[index - 1][1]
    if "\n" in (document.flow or document.text)[previous_end:start]:
        return None
    modes = {value for pattern, value in _MODE_CUES if pattern.search(folded_sentences[index - 1])}
    return modes.pop() if len(modes) == 1 else None  # "river and maritime ports": unclear


def _dominant_commodity(folded: Iterable[str]) -> str | None:
    counts = Counter(value for text in folded if (value := _first(_COMMODITIES, text)))
    return counts.most_common(1)[0][0] if counts else None


def _focus_country(
    mentions: Sequence[Mention], demonyms: Sequence[tuple[int, int, str]]
) -> str | None:
    """The country the article is most about: its places, demonyms and institutions."""
    counts: dict[str, float] = {}
    for mention in mentions:
        if mention.place and mention.place.country:
            weight = 2.0 if mention.place.kind is PlaceKind.COUNTRY else 1.0
            counts[mention.place.country] = counts.get(mention.place.country, 0.0) + weight
    for _, _, code in demonyms:  # demonyms and institutions ("Serpost", "Dirandro")
        counts[code] = counts.get(code, 0.0) + 1.5
    return max(counts, key=lambda code: counts[code]) if counts else None  # ties: first seen
