"""What the fuzzer (benchmarks/fuzz_pipeline.py) found, kept as regression tests.

Each finding is here twice: the input the fuzzer saved (``benchmarks/fuzz_corpus/``, also
a seed corpus for later runs) checked against every invariant of the fuzz target, and a
small hand-made case that shows the bug in a reader's terms.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

import routemap
from routemap.routes import Citation, Route, RouteSet

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "benchmarks" / "fuzz_corpus"


def _fuzz_target() -> ModuleType:
    """benchmarks/fuzz_pipeline.py (its invariants need no atheris)."""
    name = "routemap_fuzz_pipeline"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, ROOT / "benchmarks/fuzz_pipeline.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


fuzz = _fuzz_target()


@pytest.mark.parametrize("name", sorted(p.name for p in CORPUS.glob("*.bin")))
def test_saved_fuzz_inputs_hold_every_invariant(tmp_path: Path, name: str) -> None:
    fuzz.check_file((CORPUS / name).read_bytes(), tmp_path)


def test_there_are_saved_fuzz_inputs() -> None:
    assert len(list(CORPUS.glob("*.bin"))) >= 2


@pytest.mark.parametrize("path", sorted((ROOT / "seeds").glob("*.txt")), ids=lambda p: p.stem)
def test_the_seed_articles_hold_every_invariant(path: Path) -> None:
    assert fuzz.check_pipeline(path.read_text(encoding="utf-8"), twice=False) >= 1


# -- finding 1: a demonym in site chrome chose the origin ------------------------------------
# The fuzzer's input: a Spanish article whose second half the chrome detector marks as
# site chrome, with "ciudad brasileña" in it. The country cues of the whole page, chrome
# included, set the country the story is about (Brazil), and a sentence of the body with
# destinations but no origin got Brazil as its inferred origin: a route from the chrome.
# Fixed in extract._document_routes: cues in site chrome do not count towards the focus.

TEASERS = (
    "Port police seize cocaine\n\n"
    "Customs officers found cocaine in containers bound for Hamburg and Le Havre, "
    "the prosecutor said on Monday after a long investigation into the network.\n\n"
    "Related stories\n"
    "Brazilian police seize cocaine\n"
    "Brazilian gangs expand\n"
    "Share\n"
    "Comments\n"
)


def test_a_demonym_in_site_chrome_sets_no_origin(gaz: routemap.Gazetteer) -> None:
    document = routemap.Document.from_text(TEASERS, id="teasers.txt")
    assert [b.chrome for b in document.blocks][-4:] == [True] * 4  # the teasers are chrome
    routes = routemap.extract_routes(document, gazetteer=gaz)
    assert all(r.origin.country != "BR" for r in routes)
    fuzz.check_pipeline(TEASERS)


def test_a_demonym_in_the_body_still_sets_the_origin(gaz: routemap.Gazetteer) -> None:
    body = TEASERS.replace("the prosecutor said", "Brazilian police said")
    routes = routemap.extract_routes(body, gazetteer=gaz)
    assert {r.origin.id for r in routes} == {"iso3166:BR"}


# -- the invariants can fail --------------------------------------------------------------------


def test_the_invariants_catch_a_route_citing_text_that_is_not_there(
    gaz: routemap.Gazetteer,
) -> None:
    text = "Cocaine is flown from Peru to Bolivia by light aircraft.\n"
    document = routemap.Document.from_text(text, id="a.txt")
    mentions = routemap.geoparse(document, gazetteer=gaz)
    good = routemap.extract_routes(document, gazetteer=gaz)
    fuzz.check_routes(document, mentions, good, [])
    route = next(iter(good))
    forged = Citation("a.txt", sentence="Cocaine is flown from Peru to Chile.", start=0, end=36)
    bad = RouteSet([Route.build(route.stops, route.mode, citations=[forged])])
    with pytest.raises(fuzz.InvariantError, match="not in the text"):
        fuzz.check_routes(document, mentions, bad, [])
    elsewhere = Route.build([route.origin, gaz.get("iso3166:MX")], citations=route.citations)
    with pytest.raises(fuzz.InvariantError, match="named nowhere"):
        fuzz.check_routes(document, mentions, RouteSet([elsewhere]), [])


def test_the_invariants_catch_a_mention_off_its_text(gaz: routemap.Gazetteer) -> None:
    document = routemap.Document.from_text("Cocaine left Callao for Antwerp.", id="b.txt")
    mentions = routemap.geoparse(document, gazetteer=gaz)
    fuzz.check_mentions(document, mentions)
    shifted = [type(m)(m.start + 1, m.end + 1, m.text, m.place) for m in mentions]
    with pytest.raises(fuzz.InvariantError, match="is not its span"):
        fuzz.check_mentions(document, shifted)
