"""qualify_next / record_label / ranking / refits against the database (vectors from the synthetic set)."""

import numpy as np
import pytest
from django.utils import timezone

from bench.synthetic import vectors
from crm.models import Deal, Lead, Stage
from qualifier import embeddings, service, store
from qualifier.models import Embedding, Label, LabelSource, ModelState, ReviewItem
from tests.factories import CampaignFactory


@pytest.fixture
def eager(settings):
    from config.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


@pytest.fixture
def queued(monkeypatch):
    """Refit requests that reached the broker (the task itself is not run)."""
    from qualifier.tasks import refit_campaign

    calls = []
    monkeypatch.setattr(refit_campaign, "delay", lambda cid: calls.append(cid))
    return calls


@pytest.fixture
def campaign(team):
    return CampaignFactory(team=team)


def make_leads(team, n, seed=0):
    """n enriched leads with stored synthetic vectors; returns (leads, truth)."""
    X, y = vectors(n, seed=seed)
    now = timezone.now()
    Lead.objects.bulk_create(
        [
            Lead(team=team, public_id=f"s{seed}-{i}", linkedin_url=f"https://www.linkedin.com/in/s{seed}-{i}/",
                 first_name="P", last_name=str(i), headline=f"person {i}", enriched_at=now, profile={"headline": "x"})
            for i in range(n)
        ]
    )  # fmt: skip
    leads = list(Lead.objects.filter(team=team, public_id__startswith=f"s{seed}-").order_by("id"))
    name = embeddings.model_name()
    rows = [Embedding(lead=ld, model_name=name, vector=embeddings.to_bytes(x)) for ld, x in zip(leads, X, strict=True)]
    Embedding.objects.bulk_create(rows)
    return leads, y


def label_many(campaign, leads, y, source=LabelSource.LLM):
    Label.objects.bulk_create(
        [
            Label(campaign=campaign, lead=lead, qualified=bool(v), source=source)
            for lead, v in zip(leads, y, strict=True)
        ]
    )


def test_without_llm_undecided_leads_go_to_review(campaign, settings):
    settings.LLM_API_KEY = ""
    leads, _ = make_leads(campaign.team, 3)
    assert service.count_qualifiable(campaign) == 3
    out = service.qualify_next(campaign)
    assert out.decision == "review" and out.mode == "fifo" and out.lead == leads[0]
    assert ReviewItem.objects.get(campaign=campaign, lead=leads[0]).why == "no LLM is configured"
    assert not Label.objects.exists()
    assert service.count_qualifiable(campaign) == 2
    # A lead a human skipped is not asked about again.
    ReviewItem.objects.filter(lead=leads[0]).update(status="skipped")
    assert service.count_qualifiable(campaign) == 2
    assert service.qualify_next(campaign).lead == leads[1]


def test_campaign_can_require_human_review_even_with_an_llm(llm_settings, team):
    campaign = CampaignFactory(team=team, require_human_review=True)
    make_leads(team, 2)
    assert service.qualify_next(campaign).decision == "review"
    assert llm_settings.requests == []


def test_llm_label_creates_deal_and_queues_one_refit(
    llm_settings, campaign, queued, django_capture_on_commit_callbacks
):
    _leads, _ = make_leads(campaign.team, 3)
    llm_settings.decide = lambda prompt: (True, "fits")
    with django_capture_on_commit_callbacks(execute=True):
        out = service.qualify_next(campaign)
        service.qualify_next(campaign)
    assert out.decision == "llm" and out.qualified is True and out.reason == "fits"
    label = Label.objects.get(campaign=campaign, lead=out.lead)
    assert label.source == LabelSource.LLM and label.reason == "fits"
    assert Deal.objects.get(campaign=campaign, lead=out.lead).stage == Stage.NEW
    assert queued == [campaign.pk]  # two labels, one queued refit
    assert ModelState.objects.get(campaign=campaign).refit_queued


def test_human_overrides_and_others_cannot_undo_it(campaign, queued, django_capture_on_commit_callbacks, owner):
    leads, _ = make_leads(campaign.team, 1)
    lead = leads[0]
    service.record_label(campaign, lead, True, LabelSource.LLM, "llm says yes")
    assert Deal.objects.filter(lead=lead, campaign=campaign).exists()
    service.record_label(campaign, lead, False, LabelSource.HUMAN, "not our market", user=owner)
    assert not Deal.objects.filter(lead=lead, campaign=campaign).exists()
    service.record_label(campaign, lead, True, LabelSource.LLM, "llm again")
    service.record_label(campaign, lead, True, LabelSource.AUTO, "model")
    label = Label.objects.get(campaign=campaign, lead=lead)
    assert (label.qualified, label.source, label.reason, label.user) == (False, "human", "not our market", owner)
    service.record_label(campaign, lead, True, LabelSource.HUMAN, "changed my mind", user=owner)
    assert Label.objects.get(campaign=campaign, lead=lead).qualified
    assert Deal.objects.filter(lead=lead, campaign=campaign).exists()


def test_refit_enables_gate_and_model_decides_alone(campaign, eager, django_capture_on_commit_callbacks):
    leads, y = make_leads(campaign.team, 700, seed=5)
    label_many(campaign, leads[:300], y[:300])
    assert service.get_model(campaign) is None  # no file yet: a refit is queued, nobody waits
    with django_capture_on_commit_callbacks(execute=True):
        service.enqueue_refit(campaign.pk)
    state = ModelState.objects.get(campaign=campaign)
    assert state.n_labels == 300 and state.gate_enabled and state.holdout_accuracy >= 0.95
    assert not state.refit_queued

    fp_before = service.current_fingerprint(campaign)
    decisions = [service.qualify_next(campaign) for _ in range(5)]  # no LLM configured in tests
    auto = [d for d in decisions if d.source == LabelSource.AUTO]
    assert auto, [d.decision for d in decisions]
    truth = dict(zip([lead.pk for lead in leads], y, strict=True))
    assert all(d.qualified == bool(truth[d.lead.pk]) for d in auto)
    assert service.current_fingerprint(campaign) == fp_before  # auto labels are not training data

    deals = [Deal.objects.create(team=campaign.team, lead=lead, campaign=campaign) for lead in leads[400:420]]
    ranked = service.rank_for_connect(campaign, deals)
    probs = service.get_model(campaign).predicted_probs(
        np.vstack([embeddings.vectors_for([d.lead_id])[d.lead_id] for d in ranked])
    )
    assert list(probs) == sorted(probs, reverse=True)

    info = service.explain(campaign, leads[500])
    assert 0 <= info["probability"] <= 1 and len(info["neighbours"]) == 5
    assert all(isinstance(n[0], Lead) and n[0].team_id == campaign.team_id for n in info["neighbours"])


def test_gate_stays_off_when_held_out_accuracy_is_too_low(campaign, eager, settings):
    settings.LLM_API_KEY = ""
    leads, _ = make_leads(campaign.team, 120, seed=6)
    rng = np.random.default_rng(0)
    label_many(campaign, leads[:100], rng.integers(0, 2, 100))  # labels that the profiles do not explain
    service.fit_now(campaign)
    state = ModelState.objects.get(campaign=campaign)
    assert not state.gate_enabled and state.gate_note.startswith("Gate off")
    out = service.qualify_next(campaign)
    assert out.decision == "review" and out.probability is not None  # scored, but not trusted


def test_corrupt_or_stale_model_file_means_refit_not_crash(campaign, queued, django_capture_on_commit_callbacks):
    leads, y = make_leads(campaign.team, 60, seed=7)
    label_many(campaign, leads[:40], y[:40] if y[:40].any() else np.r_[1, y[1:40]])
    model = service.fit_now(campaign)
    assert service.get_model(campaign) is model
    service._cache.clear()
    store.model_path(campaign.pk).write_bytes(b"not a joblib file")
    with django_capture_on_commit_callbacks(execute=True):
        assert service.get_model(campaign) is None
    assert queued == [campaign.pk]
    service.fit_now(campaign)
    service._cache.clear()
    assert service.get_model(campaign) is not None
    Label.objects.filter(campaign=campaign, lead=leads[0]).update(qualified=not bool(y[0]), source="human")
    service._cache.clear()
    assert service.get_model(campaign) is None  # stale: labels changed since the fit


def test_kit_model_round_trip(campaign, team):
    leads, y = make_leads(team, 40, seed=8)
    label_many(campaign, leads, np.r_[1, 1, y[2:]])
    service.fit_now(campaign)
    blob = service.export_model(campaign)
    other = CampaignFactory(team=team)
    service.import_model(other, blob)
    assert service.get_model(other) is not None
    with pytest.raises(ValueError, match="not a qualifier model"):
        service.import_model(other, b"garbage")
