"""Model files: atomic, versioned, fingerprinted, safe across processes."""

import multiprocessing
import time

import joblib
import numpy as np
import pytest

from bench.synthetic import vectors
from qualifier import store
from qualifier.gpr import Qualifier


@pytest.fixture(autouse=True)
def models_dir(settings, tmp_path):
    settings.MODELS_DIR = tmp_path / "models"
    return settings.MODELS_DIR


@pytest.fixture(scope="module")
def model():
    X, y = vectors(80, seed=2)
    return Qualifier().fit(X, y)


def test_round_trip_keeps_predictions(model):
    X, _ = vectors(10, seed=9)
    store.save(7, model, "fp-a")
    loaded = store.load(7, "fp-a")
    assert loaded is not None and loaded.ready
    assert np.allclose(loaded.predicted_probs(X), model.predicted_probs(X))
    assert list(store.models_dir().glob("*.tmp")) == []


def test_fingerprint_is_order_independent_and_label_sensitive():
    a = store.fingerprint([(1, True, False), (2, False, True)], "m")
    assert a == store.fingerprint([(2, False, True), (1, True, False)], "m")
    assert a != store.fingerprint([(1, False, False), (2, False, True)], "m")
    assert a != store.fingerprint([(1, True, False), (2, False, True)], "other-embedder")


def test_corrupt_foreign_other_campaign_and_stale_files_load_as_none(model):
    path = store.save(3, model, "fp")
    assert store.load(3, "other-fp") is None  # stale
    assert store.load(4, "fp") is None  # missing
    path.write_bytes(path.read_bytes()[:100])  # truncated
    assert store.load(3, "fp") is None
    joblib.dump({"format": "outreach-qualifier-0", "campaign_id": 3, "fingerprint": "fp", "model": model}, path)
    assert store.load(3, "fp") is None  # foreign version
    store.model_path(5).write_bytes(path.read_bytes())
    store.save(3, model, "fp")
    store.model_path(5).write_bytes(path.read_bytes())  # campaign 3's file under campaign 5's name
    assert store.load(5, "fp") is None
    assert store.loads(b"\x80\x04junk") is None


def _writer(campaign_id, tag, rounds, model):
    for i in range(rounds):
        store.save(campaign_id, model, f"{tag}-{i}")


def test_two_processes_writing_at_once_never_leave_a_broken_file(model):
    ctx = multiprocessing.get_context("fork")
    procs = [ctx.Process(target=_writer, args=(1, tag, 15, model)) for tag in ("a", "b")]
    for p in procs:
        p.start()
    seen = 0
    while any(p.is_alive() for p in procs):
        try:
            blob = store.model_path(1).read_bytes()  # one read: either no file yet, or a whole one
        except FileNotFoundError:
            continue
        payload = store.loads(blob)
        if payload is None:
            pytest.fail("a reader saw a broken model file")
        assert payload["model"].ready
        seen += 1
    for p in procs:
        p.join()
        assert p.exitcode == 0
    final = store.read(1)
    assert final is not None and final["fingerprint"] in {"a-14", "b-14"}
    assert list(store.models_dir().glob("*.tmp")) == []


def _hold_lock(campaign_id, marker, seconds):
    with store.refit_lock(campaign_id):
        marker.write_text("locked")
        time.sleep(seconds)


def test_refit_lock_is_exclusive_across_processes(tmp_path):
    marker = tmp_path / "marker"
    proc = multiprocessing.get_context("fork").Process(target=_hold_lock, args=(9, marker, 1.0))
    proc.start()
    while not marker.exists():
        time.sleep(0.01)
    started = time.monotonic()
    with store.refit_lock(9):
        waited = time.monotonic() - started
    proc.join()
    assert waited > 0.5
