"""Campaign kits: a campaign's configuration (and its trained model, when the qualifier has one)
in one zip file, to share a trained campaign with another team or import a partner campaign.

Layout: `kit.json` ({"format": 1, "campaign": {...}, "keywords": [...]}) and optionally
`model.bin` (the qualifier's own serialisation, via `qualifier.service.export_model` /
`import_model`). Import accepts bytes, a local path, or an http(s) URL; it is atomic:
any error (bad zip, bad JSON, wrong format, a model that does not load) leaves nothing behind.
An imported kit becomes a *partner* campaign (inactive until started), gated by `action_fraction`.
"""

import io
import json
import zipfile
from pathlib import Path
from urllib.parse import urlparse

from django.db import transaction

from outreach.models import Campaign, SearchKeyword

FORMAT = 1
MAX_BYTES = 50 * 1024 * 1024
FIELDS = (
    "name", "product_docs", "objective", "followup_template", "booking_link", "action_fraction",
    "min_action_interval", "check_pending_after_hours", "min_qualifiable_leads", "entropy_threshold",
    "max_auto_std", "min_accept_prob", "n_mc_samples", "require_human_review", "require_message_approval",
)  # fmt: skip
DEFAULT_PARTNER_FRACTION = 0.2


class KitError(ValueError):
    """The kit cannot be exported or imported; the message says why."""


def qualifier_service():
    from qualifier import service  # imported late: the qualifier imports outreach's models

    return service


def export_kit(campaign: Campaign) -> bytes:
    """The campaign as a kit (zip bytes)."""
    config = {f: getattr(campaign, f) for f in FIELDS}
    keywords = list(SearchKeyword.objects.filter(campaign=campaign).values_list("keyword", flat=True))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("kit.json", json.dumps({"format": FORMAT, "campaign": config, "keywords": keywords}, indent=2))
        if blob := qualifier_service().export_model(campaign):
            zf.writestr("model.bin", blob)
    return buf.getvalue()


def _fetch(url: str) -> bytes:
    import httpx

    try:
        with httpx.stream("GET", url, timeout=30, follow_redirects=True) as response:
            if response.status_code != 200:
                raise KitError(f"the URL answered HTTP {response.status_code}")
            chunks, size = [], 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > MAX_BYTES:
                    raise KitError(f"the kit is larger than {MAX_BYTES // (1024 * 1024)} MB")
                chunks.append(chunk)
    except httpx.HTTPError as exc:
        raise KitError(f"could not download the kit: {exc}") from exc
    return b"".join(chunks)


def _read_source(data_or_url: bytes | str | Path) -> bytes:
    if isinstance(data_or_url, bytes | bytearray):
        return bytes(data_or_url)
    source = str(data_or_url).strip()
    if urlparse(source).scheme in ("http", "https"):
        return _fetch(source)
    path = Path(source)
    if not path.is_file():
        raise KitError(f"no kit file at {source}")
    if path.stat().st_size > MAX_BYTES:
        raise KitError(f"the kit is larger than {MAX_BYTES // (1024 * 1024)} MB")
    return path.read_bytes()


def _parse(blob: bytes) -> tuple[dict, bytes | None]:
    try:
        with zipfile.ZipFile(io.BytesIO(blob)) as zf:
            names = set(zf.namelist())
            if "kit.json" not in names:
                raise KitError("the zip has no kit.json")
            manifest = json.loads(zf.read("kit.json"))
            model = zf.read("model.bin") if "model.bin" in names else None
    except zipfile.BadZipFile:
        try:
            manifest, model = json.loads(blob), None  # a bare kit.json is accepted too
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise KitError("not a kit: neither a zip nor JSON") from exc
    except json.JSONDecodeError as exc:
        raise KitError(f"kit.json is not valid JSON: {exc}") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise KitError(f"unsupported kit format {manifest.get('format') if isinstance(manifest, dict) else None!r}")
    if not isinstance(manifest.get("campaign"), dict) or not str(manifest["campaign"].get("name", "")).strip():
        raise KitError("the kit has no campaign name")
    return manifest, model


# What a kit's model may contain. The qualifier's model file is a joblib pickle, and unpickling
# runs whatever callables it names, so a kit from a URL is checked first: only these classes and
# functions may appear; anything else (os.system, builtins.eval, ...) refuses the kit.
SAFE_GLOBALS = {
    ("joblib.numpy_pickle", "NumpyArrayWrapper"),
    ("numpy", "dtype"),
    ("numpy", "ndarray"),
    ("numpy.core.multiarray", "_reconstruct"),
    ("numpy._core.multiarray", "_reconstruct"),
    ("numpy.core.multiarray", "scalar"),
    ("numpy._core.multiarray", "scalar"),
}
SAFE_MODULES = ("qualifier.gpr", "qualifier.gp_core", "numpy.dtypes", "numpy.random")


def check_model_blob(blob: bytes) -> None:
    """Refuse a model file that names anything outside the allow-list (without running it)."""
    from joblib.numpy_pickle import NumpyUnpickler
    from joblib.numpy_pickle_utils import _validate_fileobject_and_memmap

    class Guarded(NumpyUnpickler):
        def find_class(self, module: str, name: str):
            if (module, name) not in SAFE_GLOBALS and not module.startswith(SAFE_MODULES):
                raise KitError(f"the kit's model refers to {module}.{name}, which a kit may not load")
            return super().find_class(module, name)

    try:
        with _validate_fileobject_and_memmap(io.BytesIO(blob), "kit", None) as (fobj, _):
            Guarded("kit", fobj, True).load()
    except KitError:
        raise
    except Exception as exc:  # truncated, not a pickle, ...
        raise KitError(f"the kit's model could not be read: {type(exc).__name__}: {exc}") from exc


def import_kit(team, data_or_url: bytes | str | Path) -> Campaign:
    """Create a partner campaign in `team` from a kit (bytes, file path or URL). Atomic."""
    manifest, model = _parse(_read_source(data_or_url))
    config = {k: v for k, v in manifest["campaign"].items() if k in FIELDS}
    config.setdefault("action_fraction", DEFAULT_PARTNER_FRACTION)
    if not 0.0 <= float(config["action_fraction"]) <= 1.0:
        raise KitError("action_fraction must be between 0 and 1")
    keywords = [str(k)[:200] for k in manifest.get("keywords") or [] if str(k).strip()]
    with transaction.atomic():
        campaign = Campaign(team=team, is_partner=True, active=False, **config)
        try:
            campaign.full_clean(exclude=["team", "created_by"])
        except Exception as exc:  # ValidationError: say which field
            raise KitError(f"invalid campaign settings: {exc}") from exc
        campaign.save()
        SearchKeyword.objects.bulk_create(
            [SearchKeyword(campaign=campaign, keyword=k) for k in dict.fromkeys(keywords)], ignore_conflicts=True
        )
        if model is not None:
            check_model_blob(model)
            try:
                qualifier_service().import_model(campaign, model)
            except Exception as exc:  # whatever the model loader raises: nothing is kept
                raise KitError(f"the kit's model could not be loaded: {exc}") from exc
    return campaign
