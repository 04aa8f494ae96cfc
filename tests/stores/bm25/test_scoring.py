"""The BM25 variants: rank_bm25's quirks, Okapi's idf floor, parameters and their checks, one function per variant."""

from __future__ import annotations

import inspect

import numpy as np
import pytest
import rank_bm25

from hayrick.stores.bm25 import ALGORITHMS, VARIANTS, BM25Index
from hayrick.stores.bm25 import index as index_module
from hayrick.stores.bm25.scoring import check_parameters
from tests.stores.bm25.helpers import assert_same_scores


def test_bm25l_and_plus_quirks(squad):
    docs, _ = squad
    plus, okapi, bm25l = BM25Index("BM25Plus"), BM25Index("BM25Okapi"), BM25Index("BM25L")
    for index in (plus, okapi, bm25l):
        index.add_many(range(300), docs[:300])
    without = next(key for key in range(300) if "river" not in docs[key])
    assert plus.scores(["river"])[without] > 0  # BM25Plus: idf * delta for a document without the term
    assert okapi.scores(["river"])[without] == 0
    assert bm25l.scores(["river"])[without] == 0  # rank_bm25's BM25L multiplies by tf, so 0 here
    assert [key for key, _ in plus.top_k(["river"], 300)] == [k for k, _ in okapi.top_k(["river"], 300)] != []
    assert plus.scores(["river", "zzzunknownzzz"]) == plus.scores(["river"])  # unknown terms add 0
    twice = okapi.scores(["river", "river"])
    assert all(twice[key] == pytest.approx(2 * s, rel=1e-12) for key, s in okapi.scores(["river"]).items())


def test_okapi_negative_idf_uses_epsilon_times_mean_idf():
    docs = [["common", "a1"], ["common", "b1"], ["common", "c1"], ["rare", "d1"]]
    index = BM25Index("BM25Okapi", epsilon=0.5)
    index.add_many("abcd", docs)
    ref = rank_bm25.BM25Okapi(docs, epsilon=0.5)
    assert ref.idf["common"] == pytest.approx(0.5 * ref.average_idf)  # the quirk is exercised
    assert_same_scores(index, list("abcd"), ref, [["common"], ["common", "rare"], ["a1"]])


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"algorithm": "BM25"}, ValueError, "BM25Okapi, BM25L, BM25Plus"),
        ({"k1": -1.0}, ValueError, "k1"),
        ({"b": 1.5}, ValueError, "b must be in [0, 1]"),
        ({"k1": float("nan")}, ValueError, "k1"),
        ({"k1": "1.2"}, TypeError, "must be a number"),
        ({"algorithm": "BM25L", "epsilon": 0.3}, ValueError, "epsilon applies to BM25Okapi only"),
        ({"algorithm": "BM25Okapi", "delta": 1.0}, ValueError, "delta applies to BM25L and BM25Plus only"),
        ({"algorithm": "BM25Plus", "delta": -1.0}, ValueError, "delta"),
    ],
)
def test_invalid_parameters(kwargs, error, message):
    with pytest.raises(error, match=message.replace("[", r"\[").replace("]", r"\]")):
        BM25Index(**kwargs)


def test_defaults_match_rank_bm25():
    assert BM25Index().params == {"k1": 1.5, "b": 0.75, "epsilon": 0.25}
    assert BM25Index("BM25L").params == {"k1": 1.5, "b": 0.75, "delta": 0.5}
    assert BM25Index("BM25Plus").params == {"k1": 1.5, "b": 0.75, "delta": 1.0}


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_variant_functions_alone_give_rank_bm25s_scores(algorithm):
    """idf, weight and absent, called by hand on one term, give what rank_bm25 gives for that term."""
    docs = [["bass", "deep", "bass"], ["bass", "weak"], ["battery", "lasts", "week"], ["reading", "at", "night"],
            ["great", "for", "reading"], ["sound", "great"]]
    variant, params = check_parameters(algorithm)
    ref = getattr(rank_bm25, algorithm)(docs)
    n, lens = len(docs), np.array([len(doc) for doc in docs], np.float64)
    lnorm = 1 - params["b"] + params["b"] * lens / lens.mean()
    live_df = np.array([sum(term in doc for doc in docs) for term in sorted({t for doc in docs for t in doc})])
    for term in ["bass", "reading", "great", "week"]:
        tf = np.array([doc.count(term) for doc in docs], np.float64)
        idf = variant.idf(int((tf > 0).sum()), n, lambda: variant.floor(live_df, n, params[variant.extra]))
        held = variant.weight(tf, lnorm, idf, params["k1"], params[variant.extra])
        absent = variant.absent(idf, params[variant.extra])
        expected = np.where(tf > 0, held + absent, absent)
        np.testing.assert_allclose(expected, ref.get_scores([term]), rtol=1e-12, err_msg=term)


def test_only_okapi_has_an_idf_floor():
    live_df = np.array([3, 3, 1])
    assert VARIANTS["BM25Okapi"].idf(3, 4, lambda: 0.123) == 0.123  # log(1.5) - log(3.5) < 0: the floor
    assert VARIANTS["BM25Okapi"].idf(1, 4, lambda: 0.123) == pytest.approx(np.log(3.5) - np.log(1.5))
    assert VARIANTS["BM25Okapi"].floor(live_df, 4, 0.5) == pytest.approx(
        0.5 * np.mean(np.log(4 - live_df + 0.5) - np.log(live_df + 0.5))
    )
    for name in ("BM25L", "BM25Plus"):
        assert VARIANTS[name].idf(3, 4, lambda: pytest.fail("only Okapi asks for a floor")) > 0


def test_check_parameters_completes_and_converts():
    variant, params = check_parameters("BM25Plus", k1=2, b=0)
    assert variant is VARIANTS["BM25Plus"] and params == {"k1": 2.0, "b": 0.0, "delta": 1.0}
    assert all(type(value) is float for value in params.values())
    assert check_parameters("BM25Okapi", epsilon=np.float32(0.5))[1]["epsilon"] == 0.5
    with pytest.raises(TypeError, match=r"BM25L: parameter delta must be a number, got bool: True"):
        check_parameters("BM25L", delta=True)


def test_the_index_picks_its_variant_once():
    code = [line for line in inspect.getsource(index_module).splitlines() if not line.lstrip().startswith("#")]
    assert not [line for line in code if "self.algorithm" in line and "==" in line]  # no per-variant branches
    assert BM25Index("BM25L")._variant is VARIANTS["BM25L"]
