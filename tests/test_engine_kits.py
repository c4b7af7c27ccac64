"""Kits: export/import round trip, from a file or a URL, atomic on any error; the CLI."""

import io
import json
import os
import threading
import zipfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.management import CommandError, call_command

from outreach.engine.kits import KitError, export_kit, import_kit
from outreach.models import Campaign, SearchKeyword
from tests.factories import CampaignFactory, SearchKeywordFactory, TeamFactory

pytestmark = pytest.mark.django_db


def _kit(**campaign) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("kit.json", json.dumps({"format": 1, "campaign": {"name": "Kit", **campaign}, "keywords": ["a"]}))
    return buf.getvalue()


def test_export_then_import_makes_an_inactive_partner_campaign_in_another_team():
    source = CampaignFactory(name="Logistics", min_action_interval=90, booking_link="https://cal.example.com/x")
    SearchKeywordFactory(campaign=source, keyword="fleet manager")
    other = TeamFactory()
    imported = import_kit(other, export_kit(source))
    assert (imported.team, imported.name, imported.is_partner, imported.active) == (other, "Logistics", True, False)
    assert imported.min_action_interval == 90 and imported.booking_link == "https://cal.example.com/x"
    assert imported.action_fraction == source.action_fraction
    assert list(imported.keywords.values_list("keyword", flat=True)) == ["fleet manager"]


@pytest.mark.parametrize(
    ("blob", "message"),
    [
        (b"not a kit", "neither a zip nor JSON"),
        (json.dumps({"format": 9, "campaign": {"name": "x"}}).encode(), "unsupported kit format 9"),
        (json.dumps({"format": 1, "campaign": {}}).encode(), "no campaign name"),
        (_kit(action_fraction=3), "between 0 and 1"),
        (_kit(min_action_interval=-5), "invalid campaign settings"),
    ],
)
def test_bad_kits_are_refused_and_leave_nothing(blob, message):
    team = TeamFactory()
    with pytest.raises(KitError, match=message):
        import_kit(team, blob)
    assert not Campaign.objects.filter(team=team).exists() and not SearchKeyword.objects.exists()


def test_a_model_that_does_not_load_rolls_the_whole_import_back():
    import joblib

    raw = io.BytesIO()
    joblib.dump({"format": 1}, raw)  # harmless content that passes the safety check
    model = raw.getvalue()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("kit.json", json.dumps({"format": 1, "campaign": {"name": "M"}, "keywords": ["k"]}))
        zf.writestr("model.bin", model)
    team = TeamFactory()
    with pytest.raises(KitError, match="model could not be loaded: the kit's model file is not a qualifier model"):
        import_kit(team, buf.getvalue())
    assert not Campaign.objects.filter(team=team).exists() and not SearchKeyword.objects.exists()


@pytest.fixture
def kit_server():
    served: dict[str, tuple[int, bytes]] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            status, body = served.get(self.path, (404, b"nope"))
            self.send_response(status)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}", served
    server.shutdown()
    server.server_close()


def test_import_from_a_url_and_from_a_file(kit_server, tmp_path):
    base, served = kit_server
    served["/kit.zip"] = (200, _kit(name="From URL"))
    team = TeamFactory()
    assert import_kit(team, f"{base}/kit.zip").name == "From URL"
    with pytest.raises(KitError, match="HTTP 404"):
        import_kit(team, f"{base}/missing.zip")
    path = tmp_path / "k.zip"
    path.write_bytes(_kit(name="From file"))
    assert import_kit(team, str(path)).name == "From file"
    with pytest.raises(KitError, match="no kit file"):
        import_kit(team, str(tmp_path / "nope.zip"))


def test_kit_command_exports_and_imports(tmp_path, capsys):
    source = CampaignFactory(name="CLI")
    team = TeamFactory()
    path = tmp_path / "cli.zip"
    call_command("kit", "export", str(source.pk), str(path))
    call_command("kit", "import", str(team.pk), str(path))
    assert Campaign.objects.get(team=team).name == "CLI"
    with pytest.raises(CommandError, match="kit not imported: no kit file"):
        call_command("kit", "import", str(team.pk), str(tmp_path / "missing.zip"))


def test_a_trained_model_travels_with_the_kit(tmp_path, settings):
    import numpy as np

    from qualifier import service, store
    from qualifier.gpr import Qualifier

    source = CampaignFactory(name="Trained")
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(30, 384)).astype("float32"), (rng.random(30) > 0.5).astype(float)
    store.save(source.pk, Qualifier().fit(X, y), "")
    kit = export_kit(source)
    assert "model.bin" in zipfile.ZipFile(io.BytesIO(kit)).namelist()
    imported = import_kit(TeamFactory(), kit)
    assert store.read(imported.pk)["model"].ready
    assert service.export_model(imported) is not None


@pytest.mark.parametrize("garbage", [False, True])
def test_a_kit_whose_model_would_run_code_is_refused_before_loading(tmp_path, garbage):
    import pickle

    marker = tmp_path / "pwned"

    class Evil:
        def __reduce__(self):
            return (os.system, (f"touch {marker}",))

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("kit.json", json.dumps({"format": 1, "campaign": {"name": "Evil"}}))
        zf.writestr("model.bin", b"\x00garbage" if garbage else pickle.dumps({"format": 1, "model": Evil()}))
    team = TeamFactory()
    with pytest.raises(KitError, match=r"could not be read" if garbage else r"refers to posix.system"):
        import_kit(team, buf.getvalue())
    assert not marker.exists() and not Campaign.objects.filter(team=team).exists()
