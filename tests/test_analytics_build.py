"""Building and publishing the analytics: offline extensions, atomic publish, lock, timeout, task, command."""

import os

import duckdb
import pytest
from celery.exceptions import Retry
from django.core.management import CommandError, call_command
from django.test import Client

from analytics import tasks
from analytics.build import BuildBusy, BuildError, app_source, build, build_lock, write_profiles
from analytics.extensions import OFFLINE_REPOSITORY, ensure_extension, installed_path, offline_config
from analytics.store import NotBuilt, team_table
from tests.factories import ActivityFactory

# Any Python-level HTTP(S) request in dbt's process would go to a closed local port and fail.
NO_NETWORK_ENV = {
    "HTTP_PROXY": OFFLINE_REPOSITORY,
    "HTTPS_PROXY": OFFLINE_REPOSITORY,
    "http_proxy": OFFLINE_REPOSITORY,
    "https_proxy": OFFLINE_REPOSITORY,
    "NO_PROXY": "",
}


@pytest.fixture
def output(settings, tmp_path):
    """Publish into a fresh place for each test."""
    settings.ANALYTICS_DUCKDB_PATH = tmp_path / "analytics.duckdb"
    return settings.ANALYTICS_DUCKDB_PATH


def leftovers(settings) -> list[str]:
    folder = settings.ANALYTICS_DUCKDB_PATH.parent
    return [p.name for p in folder.iterdir() if p.name.startswith(".analytics-build")]


def test_missing_extension_fails_fast_instead_of_downloading(output, tmp_path, settings, django_db_blocker):
    """No extension in the directory and downloads pointed at a dead local URL: a clear failure."""
    output.write_bytes(b"previous build")
    with django_db_blocker.unblock(), pytest.raises(BuildError) as caught:
        build(ext_dir=tmp_path / "empty-extensions", install_extensions=False, extra_env=NO_NETWORK_ENV)
    assert "127.0.0.1:9/offline" in str(caught.value)
    assert output.read_bytes() == b"previous build"  # the published file is untouched
    assert leftovers(settings) == []
    assert not (tmp_path / "empty-extensions").exists() or not any(
        (tmp_path / "empty-extensions").rglob("*.duckdb_extension")
    )


def test_extensions_are_installed_from_the_python_packages(tmp_path, django_db_blocker):
    ext_dir = tmp_path / "ext"
    for name in ("sqlite", "postgres"):
        path = ensure_extension(name, ext_dir)
        assert path == installed_path(name, ext_dir)
        assert f"v{duckdb.__version__}" in str(path)
    assert ensure_extension("sqlite", ext_dir) == path.parent / "sqlite_scanner.duckdb_extension"  # idempotent
    with django_db_blocker.unblock():
        source = app_source()
    if source.kind != "sqlite":
        return
    con = duckdb.connect(config=offline_config(ext_dir))
    con.execute(f"ATTACH '{source.location}' AS app (TYPE sqlite, READ_ONLY)")
    assert con.execute("select count(*) from app.main.crm_lead").fetchone()[0] >= 0
    mode = con.execute(
        "select install_mode from duckdb_extensions() where extension_name = 'sqlite_scanner' and loaded"
    ).fetchone()[0]
    assert mode != "REPOSITORY"  # installed from the wheel's file, never from a repository


def test_only_sqlite_files_and_postgresql_can_be_read(monkeypatch):
    from django.db import connections

    settings_dict = connections["default"].settings_dict
    monkeypatch.setitem(settings_dict, "ENGINE", "django.db.backends.mysql")
    with pytest.raises(BuildError, match=r"cannot read a django\.db\.backends\.mysql database"):
        app_source()
    monkeypatch.setitem(settings_dict, "ENGINE", "django.db.backends.sqlite3")
    monkeypatch.setitem(settings_dict, "NAME", ":memory:")
    with pytest.raises(BuildError, match="not in memory"):
        app_source()
    monkeypatch.setitem(settings_dict, "NAME", "/nowhere/outreach.sqlite3")
    with pytest.raises(BuildError, match=r"does not exist yet: run `python manage\.py migrate` first"):
        app_source()
    monkeypatch.setitem(settings_dict, "ENGINE", "django.db.backends.postgresql")
    monkeypatch.setitem(settings_dict, "NAME", "app db")
    monkeypatch.setitem(settings_dict, "PASSWORD", "it's")
    source = app_source()
    assert (source.kind, source.schema) == ("postgres", "public")
    assert "dbname='app db'" in source.location and "password='it\\'s'" in source.location


def test_profiles_forbid_downloads_and_keep_the_pg_password_out_of_the_file(tmp_path):
    from analytics.build import Source

    pg = Source("postgres", "host=db dbname=app user=app password=s3cret", "public")
    text = write_profiles(tmp_path, source=pg, duckdb_path=tmp_path / "a.duckdb", ext_dir=tmp_path / "x").read_text()
    assert "autoinstall_known_extensions: false" in text
    assert OFFLINE_REPOSITORY in text
    assert "s3cret" not in text and "DBT_ENV_SECRET_APP_DSN" in text


def test_a_build_never_overlaps_another(output, django_db_blocker):
    with django_db_blocker.unblock(), build_lock():
        with pytest.raises(BuildBusy):
            build()
        with pytest.raises(Retry):
            tasks.rebuild_analytics()  # called directly, the task's retry() raises instead of re-sending
    assert not output.exists()


def test_a_build_past_its_timeout_is_stopped_and_publishes_nothing(output, settings, django_db_blocker):
    with django_db_blocker.unblock(), pytest.raises(BuildError, match="longer than"):
        build(timeout=0.5)
    assert not output.exists()
    assert leftovers(settings) == []


def test_rebuild_task_reports_a_failure_without_raising(monkeypatch):
    def failing_build(**kwargs):
        raise BuildError("dbt run failed (exit 1): Binder Error: column x not found")

    monkeypatch.setattr(tasks, "build", failing_build)
    result = tasks.rebuild_analytics.apply().get()
    assert result == {"ok": False, "error": "dbt run failed (exit 1): Binder Error: column x not found"}


def test_error_summary_keeps_the_lines_that_say_what_failed():
    from analytics.build import error_summary

    output = "\n".join(
        [
            "12:00:00  Running with dbt=1.11.16",
            '  File "/x/dbt/task/run.py", line 1114, in before_run',
            "_duckdb.IOException: IO Error: Failed to download extension at URL http://127.0.0.1:9/offline/x",
            "12:00:01  Failure in test unique_campaign_funnel_funnel_key (models/marts/_marts.yml)",
            "12:00:01    Got 2 results, configured to fail if != 0",
            "12:00:02  Done. PASS=10 WARN=0 ERROR=1",
        ]
    )
    summary = error_summary(output)
    assert "Failed to download extension" in summary and "Failure in test unique_campaign_funnel" in summary
    assert "Got 2 results" in summary and "File " not in summary and "Running with" not in summary
    assert error_summary("just\nsome\nlines") == "just\nsome\nlines"
    runtime = "12:05:00  Encountered an error:\nRuntime Error\n  Unable to open database x\n"
    assert error_summary(runtime) == "Runtime Error\nUnable to open database x"


def test_management_command_passes_its_options_and_reports(monkeypatch, capsys, tmp_path):
    from analytics.build import BuildResult

    calls = []

    def fake_build(**kwargs):
        calls.append(kwargs)
        return BuildResult("build", 1.25, tmp_path / "analytics.duckdb", "dbt output")

    monkeypatch.setattr("analytics.management.commands.analytics_build.build", fake_build)
    call_command("analytics_build", "--test", "--timeout", "30")
    assert calls == [{"test": True, "timeout": 30.0}]
    assert "Analytics built and tested in 1.2 s" in capsys.readouterr().out


def test_management_command_reports_failure_clearly(output, django_db_blocker):
    with django_db_blocker.unblock(), pytest.raises(CommandError, match="longer than 0 s"):
        call_command("analytics_build", "--timeout", "0.01")


@pytest.fixture
def enqueued(monkeypatch, settings):
    settings.ANALYTICS_DEBOUNCE_SECONDS = 90
    tasks._release_pending()
    calls = []
    monkeypatch.setattr(tasks.rebuild_analytics, "apply_async", lambda **kw: calls.append(kw))
    yield calls
    tasks._release_pending()


@pytest.mark.django_db
def test_schedule_rebuild_is_debounced_until_the_task_starts(enqueued, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.schedule_rebuild() is True
        assert tasks.schedule_rebuild() is False
        assert tasks.schedule_rebuild() is False
    assert enqueued == [{"countdown": 90, "queue": "analytics"}]
    tasks._release_pending()  # what the task does first thing
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.schedule_rebuild() is True
        assert tasks.schedule_rebuild(delay=0, force=True) is True
    assert len(enqueued) == 3 and enqueued[-1]["countdown"] == 0


@pytest.mark.django_db
def test_schedule_rebuild_waits_for_the_commit_and_survives_a_dead_broker(
    monkeypatch, django_capture_on_commit_callbacks
):
    tasks._release_pending()

    def broker_down(**kw):
        raise ConnectionError("broker unreachable")

    monkeypatch.setattr(tasks.rebuild_analytics, "apply_async", broker_down)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert tasks.schedule_rebuild() is True
    assert len(callbacks) == 1  # nothing is sent before the transaction commits
    callbacks[0]()  # the broker fails: logged, and the next call may try again
    assert tasks._claim_pending() is True
    tasks._release_pending()


def test_schedule_rebuild_replaces_a_stale_marker(settings):
    marker = settings.DATA_DIR / "analytics-rebuild.pending"
    marker.touch()
    os.utime(marker, (0, 0))
    assert tasks._claim_pending() is True
    assert tasks._claim_pending() is False
    tasks._release_pending()


def test_the_periodic_rebuild_names_this_task_and_queue():
    from config.celery import app
    from outreach.engine.schedules import declared

    specs = [spec for spec in declared() if spec.task == tasks.rebuild_analytics.name]
    assert [spec.queue for spec in specs] == ["analytics"]
    assert specs[0].task in app.tasks


@pytest.mark.django_db
def test_screen_shows_an_empty_state_and_a_rebuild_button_before_the_first_build(output, owner_client):
    html = owner_client.get("/analytics/").content.decode()
    assert "No analytics yet" in html
    assert 'hx-post="/analytics/rebuild/"' in html
    assert owner_client.get("/analytics/campaign_funnel.csv").status_code == 404
    with pytest.raises(NotBuilt):
        team_table("campaign_funnel", 1)


@pytest.mark.django_db
def test_screen_schedules_one_debounced_rebuild_when_activity_is_newer_than_the_build(
    output, owner, owner_client, enqueued, django_capture_on_commit_callbacks
):
    output.write_bytes(b"stale")
    os.utime(output, (1_000_000_000, 1_000_000_000))  # built in 2001
    ActivityFactory(team=owner.membership.team, kind="connect")
    with django_capture_on_commit_callbacks(execute=True):
        first = owner_client.get("/analytics/").content.decode()
        second = owner_client.get("/analytics/").content.decode()
    assert "Newer activity since" in first and "Newer activity since" in second
    assert enqueued == [{"countdown": 90, "queue": "analytics"}]  # once, after the debounce window
    assert "the analytics file cannot be read" in first  # a damaged file: said so, with Rebuild at hand
    assert owner_client.get("/analytics/campaign_funnel.csv").status_code == 404


@pytest.mark.django_db
def test_rebuild_button_queues_a_rebuild_and_swaps_its_status(
    output, owner_client, enqueued, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = owner_client.post("/analytics/rebuild/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="rebuild-status"' in html and "Rebuild queued" in html and "<html" not in html
    assert enqueued == [{"countdown": 0, "queue": "analytics"}]
    assert owner_client.get("/analytics/rebuild/").status_code == 405
    assert Client().post("/analytics/rebuild/").status_code == 302  # anonymous: to the login page


@pytest.mark.redis
def test_a_worker_on_the_analytics_queue_rebuilds_after_schedule_rebuild(celery_stack, settings):
    published = settings.ANALYTICS_DUCKDB_PATH  # the worker's default path too
    published.write_bytes(b"previous build")
    before = published.stat().st_ino
    tasks._release_pending()
    stack = celery_stack()
    stack.worker("analytics", name="analytics")
    assert tasks.schedule_rebuild(delay=0) is True  # autocommit here: sent at once
    stack.wait_for(
        # renamed into place, and the build's working folder cleared
        lambda: published.exists() and published.stat().st_ino != before and not leftovers(settings),
        timeout=180,
        what="the worker to publish analytics.duckdb",
    )
    assert tasks._claim_pending() is True  # the task released the debounce marker when it started
    tasks._release_pending()
    assert team_table("campaign_funnel", 0).rows == []  # a complete, readable file
    assert not published.with_name(published.name + ".wal").exists()
