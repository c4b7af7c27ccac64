"""What the engine and the UI call: pick the next lead to qualify, label it, rank and explain.

Training labels are the LLM's and humans' (humans weigh more, see gpr.HUMAN_ALPHA). The model's
own auto-labels are not fed back, so it never learns from itself. A human label overrides any
other label of the same lead and can be changed again by a human; an LLM or auto label never
replaces a human one.
"""

import logging
from dataclasses import dataclass

import numpy as np
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from crm.models import Deal, Lead
from crm.services import activity_log, lead_qualify, lead_unqualify
from qualifier import embeddings, store
from qualifier.gpr import Qualifier, Thresholds, decide
from qualifier.models import Embedding, Label, LabelSource, ModelState, ReviewItem, ReviewStatus

log = logging.getLogger(__name__)
MAX_CANDIDATES = 5000  # leads scored per selection (the most recently discovered)
TRAINING_SOURCES = (LabelSource.LLM, LabelSource.HUMAN)
_cache: dict[int, tuple[str, Qualifier]] = {}  # campaign id -> (fingerprint, model), per process


@dataclass
class QualifyOutcome:
    lead: Lead
    decision: str  # "accept", "reject" (auto), "llm", "review"
    qualified: bool | None
    source: str | None
    probability: float | None = None
    entropy: float | None = None
    std: float | None = None
    reason: str = ""
    mode: str = ""  # "exploit", "explore" or "fifo"


# --- training data and the model -----------------------------------------------------------
def training_rows(campaign) -> list[tuple[int, bool, bool]]:
    rows = Label.objects.filter(campaign=campaign, source__in=TRAINING_SOURCES).values_list(
        "lead_id", "qualified", "source"
    )
    return [(lead_id, qualified, source == LabelSource.HUMAN) for lead_id, qualified, source in rows]


def training_set(campaign):
    """(fingerprint, ids, X, y, human) of the labels that have an embedding."""
    rows = training_rows(campaign)
    fp = store.fingerprint(rows, embeddings.model_name())
    ids, X = embeddings.matrix_for([r[0] for r in rows])
    by_id = {r[0]: r for r in rows}
    y = np.array([float(by_id[i][1]) for i in ids])
    human = np.array([by_id[i][2] for i in ids], dtype=bool)
    return fp, ids, X, y, human


def current_fingerprint(campaign) -> str:
    return store.fingerprint(training_rows(campaign), embeddings.model_name())


def get_model(campaign) -> Qualifier | None:
    """The campaign's fitted model for its current labels, or None (cold start or refit pending).

    Never fits here: a missing, corrupt or stale file enqueues a refit instead, so browser workers
    never wait on a fit.
    """
    fp = current_fingerprint(campaign)
    cached = _cache.get(campaign.pk)
    if cached and cached[0] == fp:
        return cached[1] if cached[1].ready else None
    model = store.load(campaign.pk, fp)
    if model is None:
        enqueue_refit(campaign.pk)
        return None
    _cache[campaign.pk] = (fp, model)
    return model if model.ready else None


def fit_now(campaign) -> Qualifier:
    """Refit from the DB labels (the Celery task's body); reuses the previous model's kernel."""
    with store.refit_lock(campaign.pk):
        fp, ids, X, y, human = training_set(campaign)
        previous = store.read(campaign.pk)
        if previous and previous["fingerprint"] == fp:
            model = previous["model"]
        else:
            model = previous["model"] if previous else Qualifier(n_mc_samples=campaign.n_mc_samples)
            model.n_mc_samples = campaign.n_mc_samples
            model.refit(X, y, ids=ids, human=human)
            store.save(campaign.pk, model, fp)
        _cache[campaign.pk] = (fp, model)
        _update_state(campaign, model, fp)
    return model


def _update_state(campaign, model: Qualifier, fp: str) -> ModelState:
    report = model.gate_report(Thresholds.of(campaign))
    state, _ = ModelState.objects.get_or_create(campaign=campaign)
    state.fingerprint = fp
    state.n_labels = model.n_labels
    state.n_positive = model.n_positive
    state.fitted_at = timezone.now()
    state.fit_seconds = model.info.seconds
    state.gate_enabled = report.enabled
    state.gate_note = report.note[:300]
    state.holdout_accuracy = report.accuracy
    state.save()
    return state


def enqueue_refit(campaign_id: int) -> None:
    """Queue one refit for the campaign after the current transaction commits (de-duplicated)."""

    def _send():
        ModelState.objects.get_or_create(campaign_id=campaign_id)
        if ModelState.objects.filter(campaign_id=campaign_id, refit_queued=False).update(refit_queued=True):
            from qualifier.tasks import refit_campaign

            try:
                refit_campaign.delay(campaign_id)
            except Exception:  # broker down: let the next label try again
                ModelState.objects.filter(campaign_id=campaign_id).update(refit_queued=False)
                log.exception("could not queue a refit of campaign %s", campaign_id)

    transaction.on_commit(_send)


# --- labels --------------------------------------------------------------------------------
def record_label(campaign, lead, qualified: bool, source: str, reason: str = "", user=None, **scores) -> Label:
    """Store a decision. A human label overrides any other; others never replace a human's."""
    source = LabelSource(source)
    fields = {k: scores.get(k) for k in ("probability", "entropy", "std")}
    with transaction.atomic():
        label = Label.objects.select_for_update().filter(campaign=campaign, lead=lead).first()
        if label and label.source == LabelSource.HUMAN and source != LabelSource.HUMAN:
            return label
        changed = label is None or label.qualified != bool(qualified) or label.source != source
        values = {"qualified": bool(qualified), "source": source, "reason": reason[:5000], "user": user, **fields}
        if label is None:
            label = Label.objects.create(campaign=campaign, lead=lead, **values)
        else:
            for key, value in values.items():
                setattr(label, key, value)
            label.created_at = timezone.now()
            label.save()
        if qualified:
            lead_qualify(lead=lead, campaign=campaign, score=fields["probability"])
        else:
            lead_unqualify(lead=lead, campaign=campaign)
        if source != LabelSource.AUTO:
            ReviewItem.objects.filter(campaign=campaign, lead=lead, status=ReviewStatus.PENDING, is_audit=False).update(
                status=ReviewStatus.DONE, decided_at=timezone.now()
            )
        if changed and source in TRAINING_SOURCES:
            enqueue_refit(campaign.pk)
    return label


def queue_for_review(campaign, lead, why: str, pred=None, llm_reason: str = "") -> ReviewItem:
    p, ent, std = pred or (None, None, None)
    item, created = ReviewItem.objects.get_or_create(
        campaign=campaign,
        lead=lead,
        defaults={"why": why[:200], "probability": p, "entropy": ent, "std": std, "llm_reason": llm_reason},
    )
    if not created and item.status != ReviewStatus.PENDING:
        item.status, item.why, item.decided_at = ReviewStatus.PENDING, why[:200], None
        item.probability, item.entropy, item.std = p, ent, std
        item.save()
    return item


# --- selection -----------------------------------------------------------------------------
def candidates(campaign):
    """Enriched leads of the team, not disqualified, not labelled, queued or skipped in this campaign."""
    labelled = Label.objects.filter(campaign=campaign, lead=OuterRef("pk"))
    # pending: waiting for a human; skipped: a human chose not to decide, so do not ask again
    queued = ReviewItem.objects.filter(
        campaign=campaign, lead=OuterRef("pk"), status__in=(ReviewStatus.PENDING, ReviewStatus.SKIPPED)
    )
    return (
        Lead.objects.filter(team=campaign.team, enriched_at__isnull=False, disqualified=False)
        .exclude(Exists(labelled))
        .exclude(Exists(queued))
    )


def count_qualifiable(campaign) -> int:
    return candidates(campaign).count()


def _select(campaign, model: Qualifier | None):
    """(lead id, its vector or None, mode): ranked by the model, else the oldest candidate."""
    pool = candidates(campaign)
    if model is not None:
        embedded = Embedding.objects.filter(lead=OuterRef("pk"), model_name=embeddings.model_name())
        ids = list(
            pool.filter(Exists(embedded))
            .order_by("-discovered_at", "-id")
            .values_list("id", flat=True)[:MAX_CANDIDATES]
        )
        ids, X = embeddings.matrix_for(ids)
        if ids:
            best_id, _ = model.rank_profiles(X, ids=ids, top=1)[0]
            return best_id, X[ids.index(best_id)], model.mode()
    first = pool.order_by("discovered_at", "id").values_list("id", flat=True).first()
    return first, None, "fifo"


def qualify_next(campaign) -> QualifyOutcome | None:
    """Decide one lead: auto (model, gate on), LLM, or the human review queue. None if none left."""
    from qualifier import llm

    model = get_model(campaign)
    lead_id, x, mode = _select(campaign, model)
    if lead_id is None:
        return None
    lead = Lead.objects.get(pk=lead_id)
    pred = model.predict(x) if model is not None and x is not None else None
    state = ModelState.objects.filter(campaign=campaign).first()
    if pred is not None and state is not None and state.gate_enabled:
        verdict = decide(*pred, Thresholds.of(campaign))
        if verdict != "ask":
            p = pred[0]
            reason = f"Model: {p:.0%} likely to qualify (±{pred[2]:.1%})."
            scores = dict(zip(("probability", "entropy", "std"), pred, strict=True))
            record_label(campaign, lead, verdict == "accept", LabelSource.AUTO, reason, **scores)
            return QualifyOutcome(lead, verdict, verdict == "accept", LabelSource.AUTO, *pred, reason, mode)
    why = ""
    if campaign.require_human_review:
        why = "the campaign asks for human review"
    elif not llm.llm_configured(campaign.team):
        why = "no LLM is configured"
    if not why:
        try:
            qualified, reason = llm.qualify_with_llm(campaign, lead)
        except llm.LLMError as exc:
            why = f"LLM failed: {exc}"
            activity_log(team=campaign.team, kind="qualify", lead=lead, campaign=campaign, result="error", detail=why)
        else:
            scores = dict(zip(("probability", "entropy", "std"), pred, strict=True)) if pred else {}
            record_label(campaign, lead, qualified, LabelSource.LLM, reason, **scores)
            return QualifyOutcome(lead, "llm", qualified, LabelSource.LLM, *(pred or (None,) * 3), reason, mode)
    queue_for_review(campaign, lead, why, pred)
    return QualifyOutcome(lead, "review", None, None, *(pred or (None,) * 3), why, mode)


# --- ranking and explanation ---------------------------------------------------------------
def rank_for_connect(campaign, deals) -> list[Deal]:
    """Deals by predicted probability, highest first; without a model the given order is kept."""
    deals = list(deals)
    model = get_model(campaign)
    if model is None or len(deals) < 2:
        return deals
    ids, X = embeddings.matrix_for([d.lead_id for d in deals])
    if not ids:
        return deals
    probs = dict(zip(ids, model.predicted_probs(X), strict=True))
    return sorted(deals, key=lambda d: -probs.get(d.lead_id, -1.0))


def explain(campaign, lead) -> dict:
    """Probability, entropy, std, the most similar labelled leads [(lead, qualified, similarity)], text."""
    empty = {"probability": None, "entropy": None, "std": None, "neighbours": []}
    model = get_model(campaign)
    if model is None:
        return {**empty, "text": "No model yet: it needs labels of both kinds (qualified and not)."}
    vec = embeddings.vectors_for([lead.pk]).get(lead.pk)
    if vec is None:
        return {**empty, "text": "This lead has no embedding yet (it is made after the profile is read)."}
    out = model.explain(vec)
    leads = Lead.objects.filter(team=campaign.team).in_bulk([n[0] for n in out["neighbours"]])
    out["neighbours"] = [(leads[i], lab, sim) for i, lab, sim in out["neighbours"] if i in leads]
    return out


# --- kits ----------------------------------------------------------------------------------
def export_model(campaign) -> bytes | None:
    payload = store.read(campaign.pk)
    return store.dumps(campaign.pk, payload["model"], "") if payload else None


def import_model(campaign, blob: bytes) -> None:
    """Install a kit's model as this campaign's starting model until its own labels arrive."""
    payload = store.loads(blob)
    if payload is None:
        raise ValueError("the kit's model file is not a qualifier model of this version")
    store.save(campaign.pk, payload["model"], current_fingerprint(campaign))
    _cache.pop(campaign.pk, None)
