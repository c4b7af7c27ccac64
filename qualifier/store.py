"""Per-campaign model files under MODELS_DIR, shared by every process.

A file is a joblib dump of {"format", "campaign_id", "fingerprint", "saved_at", "model"}. It is
written to a temporary file in the same folder, fsynced and renamed over the old one, so a reader
sees the old file or the new one, never half of one, and two processes writing at once leave one
whole file (the later rename wins). `load` returns None for a missing, corrupt, foreign-format,
other-campaign or stale (labels changed since) file: the caller then refits from the DB labels.
A per-campaign `flock` serialises refits across processes so they do not duplicate work.
"""

import contextlib
import fcntl
import hashlib
import io
import logging
import os
import tempfile
import time
from pathlib import Path

import joblib
from django.conf import settings

from qualifier.gpr import Qualifier

log = logging.getLogger(__name__)
FORMAT = "outreach-qualifier-1"


def models_dir() -> Path:
    path = Path(settings.MODELS_DIR)
    path.mkdir(parents=True, exist_ok=True)
    return path


def model_path(campaign_id: int, kind: str = "model") -> Path:
    return models_dir() / f"campaign-{int(campaign_id)}.{kind}.joblib"


def fingerprint(rows, model_name: str = "") -> str:
    """Hash of the training labels: [(lead_id, qualified, human)] in any order, and the embedder."""
    h = hashlib.sha256(model_name.encode())
    for lead_id, qualified, human in sorted((int(a), bool(b), bool(c)) for a, b, c in rows):
        h.update(f"{lead_id}:{int(qualified)}:{int(human)};".encode())
    return h.hexdigest()


def dumps(campaign_id: int, model: Qualifier, fp: str) -> bytes:
    buf = io.BytesIO()
    payload = {"format": FORMAT, "campaign_id": campaign_id, "fingerprint": fp, "saved_at": time.time(), "model": model}
    joblib.dump(payload, buf, compress=3)
    return buf.getvalue()


def loads(blob: bytes) -> dict | None:
    """The payload of a model file, or None when it is not one of ours (any error)."""
    try:
        payload = joblib.load(io.BytesIO(blob))
    except Exception as exc:  # corrupt, truncated, pickled classes that no longer exist, ...
        log.warning("model file unreadable: %s: %s", type(exc).__name__, exc)
        return None
    if not isinstance(payload, dict) or payload.get("format") != FORMAT:
        log.warning("model file has a foreign format: %r", payload.get("format") if isinstance(payload, dict) else None)
        return None
    if not isinstance(payload.get("model"), Qualifier):
        return None
    return payload


def write_atomic(path: Path, blob: bytes) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(blob)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def save(campaign_id: int, model: Qualifier, fp: str, kind: str = "model") -> Path:
    path = model_path(campaign_id, kind)
    write_atomic(path, dumps(campaign_id, model, fp))
    return path


def read(campaign_id: int, kind: str = "model") -> dict | None:
    """Whatever valid payload is on disk for the campaign (any fingerprint), else None."""
    path = model_path(campaign_id, kind)
    try:
        blob = path.read_bytes()
    except FileNotFoundError:
        return None
    payload = loads(blob)
    if payload is None or payload.get("campaign_id") != campaign_id:
        return None
    return payload


def load(campaign_id: int, fp: str) -> Qualifier | None:
    """The campaign's model if the file is whole, ours, for this campaign and for these labels."""
    payload = read(campaign_id)
    if payload is None or payload["fingerprint"] != fp:
        return None
    return payload["model"]


@contextlib.contextmanager
def refit_lock(campaign_id: int):
    """Exclusive across processes (flock on a side file; released if the process dies)."""
    with open(models_dir() / f"campaign-{int(campaign_id)}.lock", "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)
