"""The Qualifier on synthetic data: cold start, selection, calibration, gate, refit reuse."""

import numpy as np
import pytest

from bench.synthetic import vectors
from qualifier.gp_core import calibrated
from qualifier.gpr import Qualifier, Thresholds, decide


@pytest.fixture(scope="module")
def data():
    return vectors(1400, seed=3)


@pytest.fixture(scope="module")
def trained(data):
    X, y = data
    return Qualifier().fit(X[:300], y[:300])


def test_cold_start_gives_no_prediction():
    X, _y = vectors(5, seed=1)
    for n, labels in [(0, []), (1, [1]), (3, [0, 0, 0])]:
        q = Qualifier().fit(X[:n], np.array(labels))
        assert not q.ready
        assert q.predict(X[0]) is None and q.bald_scores(X) is None and q.predicted_probs(X) is None
        assert q.rank_profiles(X) == [] and q.explain(X[0]) is None
    assert Qualifier().fit(X[:2], np.array([0, 1])).ready


def test_bad_input_is_refused_clearly():
    X, _ = vectors(4)
    with pytest.raises(ValueError, match="one label per row"):
        Qualifier().fit(X, np.array([0, 1]))
    with pytest.raises(ValueError, match="0 or 1"):
        Qualifier().fit(X, np.array([0, 1, 2, 1]))


def test_predictions_are_accurate_and_calibrated(trained, data):
    X, y = data
    p, ent, std = trained.predict_many(X[300:])
    truth = y[300:]
    assert ((p >= 0.5) == truth).mean() > 0.95
    # Calibration: in each probability bin the observed positive rate is near the mean prediction.
    for lo, hi in [(0.0, 0.1), (0.9, 1.0)]:
        sel = (p >= lo) & (p < hi + 1e-9)
        assert sel.sum() > 20
        assert abs(truth[sel].mean() - p[sel].mean()) < 0.08
    assert np.all((ent >= 0) & (ent <= np.log(2) + 1e-9)) and np.all(std >= 0)
    one = trained.predict(X[301])
    assert isinstance(one, tuple) and len(one) == 3 and 0.0 <= one[0] <= 1.0


def test_far_from_the_data_is_not_confidently_rejected(trained):
    """The reference's failure: unknown leads at p = 0.0 with tiny std. Here they stay uncertain."""
    rng = np.random.default_rng(0)
    far = rng.standard_normal((50, 384)).astype(np.float32) * 5
    p, ent, std = trained.predict_many(far)
    verdicts = [decide(p[i], ent[i], std[i], Thresholds()) for i in range(50)]
    assert verdicts.count("reject") == 0, verdicts
    _mu, sd = trained.latent(far)
    assert np.all(sd > 0.2)  # latent uncertainty is large away from the labels


def test_selection_exploits_with_more_negatives_and_explores_otherwise(data):
    X, y = data
    neg_heavy = Qualifier().fit(X[:120], y[:120])
    assert neg_heavy.mode() == "exploit"
    ranked = neg_heavy.rank_profiles(X[300:600], ids=list(range(300, 600)), top=5)
    probs = neg_heavy.predicted_probs(X[[i for i, _ in ranked]])
    assert np.allclose([s for _, s in ranked], probs) and probs[0] == neg_heavy.predicted_probs(X[300:600]).max()

    pos = np.flatnonzero(y == 1)[:40]
    neg = np.flatnonzero(y == 0)[:30]
    balanced = Qualifier().fit(X[np.r_[pos, neg]], y[np.r_[pos, neg]])
    assert balanced.mode() == "explore"
    scores = balanced.bald_scores(X[300:600])
    ranked = balanced.rank_profiles(X[300:600], top=3)
    assert ranked[0][1] == pytest.approx(scores.max())
    assert np.all(scores >= -1e-9)


def test_bald_is_highest_where_the_model_is_unsure(trained, data):
    X, _ = data
    scores = trained.bald_scores(X[300:700])
    p = trained.predicted_probs(X[300:700])
    unsure = np.abs(p - 0.5) < 0.3
    if unsure.any():
        assert scores[unsure].mean() > scores[~unsure].mean()


def test_refit_reuses_kernel_until_labels_grow(data):
    X, y = data
    q = Qualifier().fit(X[:200], y[:200])
    assert q.info.kind == "full"
    k, theta = q.k, q.theta.copy()
    q.refit(X[:201], y[:201])
    assert q.info.kind == "cheap" and not q.info.optimised and q.k == k and np.allclose(q.theta, theta)
    q.refit(X[:260], y[:260])
    assert q.info.optimised and not q.info.chose_dim  # +30 %: kernel re-optimised, dimension kept
    q.refit(X[:400], y[:400])
    assert q.info.chose_dim  # doubled: dimension re-chosen


def test_human_labels_weigh_more(data):
    X, y = data
    base = Qualifier().fit(X[:100], y[:100])
    human = Qualifier().fit(X[:100], y[:100], human=np.ones(100, bool))
    assert (human.posterior.noise < base.posterior.noise).all()


def test_gate_needs_held_out_accuracy_and_says_why(data):
    X, y = data
    good = Qualifier().fit(X[:300], y[:300]).gate_report(Thresholds())
    assert good.enabled and good.accuracy >= 0.95 and "Gate on" in good.note

    few = Qualifier().fit(X[:20], y[:20]).gate_report(Thresholds())
    assert not few.enabled and "needs 30" in few.note

    rng = np.random.default_rng(1)
    noisy = rng.integers(0, 2, 300)  # labels unrelated to the profiles: the model must not auto-decide
    report = Qualifier().fit(X[:300], noisy).gate_report(Thresholds())
    assert not report.enabled and "Gate off" in report.note


def test_decide_uses_campaign_thresholds():
    t = Thresholds(entropy=0.3, max_std=0.05, min_accept=0.9)
    assert decide(0.97, 0.13, 0.01, t) == "accept"
    assert decide(0.02, 0.1, 0.01, t) == "reject"
    assert decide(0.97, 0.13, 0.2, t) == "ask"
    assert decide(0.5, 0.69, 0.01, t) == "ask"
    assert decide(0.95, 0.2, 0.01, Thresholds(min_accept=0.99)) == "ask"


def test_probability_std_matches_monte_carlo():
    rng = np.random.default_rng(0)
    mu, sd = np.array([0.2, 0.6, -0.1]), np.array([0.3, 0.1, 0.5])
    p, std = calibrated(mu, sd, 4.0, -2.0)
    from scipy.special import ndtr

    draws = ndtr(4.0 * (mu[:, None] + sd[:, None] * rng.standard_normal((3, 200000))) - 2.0)
    assert np.allclose(p, draws.mean(axis=1), atol=3e-3)
    assert np.allclose(std, draws.std(axis=1), atol=3e-3)


def test_explain_lists_nearest_labelled_leads(trained, data):
    X, _ = data
    out = trained.explain(X[1000])
    assert set(out) == {"probability", "entropy", "std", "neighbours", "text"}
    assert len(out["neighbours"]) == 5 and "likely to qualify" in out["text"]
    sims = [s for _, _, s in out["neighbours"]]
    assert sims == sorted(sims, reverse=True)


def test_a_model_that_fell_back_to_cold_start_stays_cold_after_pickling(data):
    import pickle

    X, y = data
    q = Qualifier().fit(X[:50], y[:50])
    q.refit(X[:3], np.zeros(3))
    assert not q.ready
    assert not pickle.loads(pickle.dumps(q)).ready
    fresh = Qualifier().fit(X[:50], y[:50])
    again = pickle.loads(pickle.dumps(fresh))
    assert again.ready and np.allclose(again.predicted_probs(X[:5]), fresh.predicted_probs(X[:5]))
