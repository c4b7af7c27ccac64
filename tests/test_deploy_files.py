"""The production shape (`docker compose up`) is described correctly: no Docker engine runs here,
so the compose file and Dockerfile are checked structurally."""

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_has_the_production_services():
    services = compose()["services"]
    assert {"web", "worker", "analytics", "beat", "browsers", "redis", "postgres"} <= set(services)


def test_app_services_share_env_and_data_volume():
    doc = compose()
    services = doc["services"]
    for name in ("web", "worker", "analytics", "beat", "browsers"):
        svc = services[name]
        env = svc["environment"]
        assert env["DATABASE_URL"].startswith("postgres://") and "@postgres:5432/" in env["DATABASE_URL"], name
        assert env["REDIS_URL"].startswith("redis://redis:6379"), name
        assert env["DATA_DIR"] == "/data", name
        assert "appdata:/data" in svc["volumes"], name
        assert svc["env_file"] == ".env", name
        assert set(svc["depends_on"]) == {"postgres", "redis"}, name
    assert {"appdata", "pgdata", "redisdata"} <= set(doc["volumes"])
    assert "pgdata:/var/lib/postgresql/data" in services["postgres"]["volumes"]


def test_web_serves_with_gunicorn_after_migrating():
    cmd = compose()["services"]["web"]["command"]
    assert cmd.index("migrate") < cmd.index("setup_schedules") < cmd.index("gunicorn")
    assert "config.wsgi:application" in cmd
    assert compose()["services"]["web"]["ports"] == ["8000:8000"]


def test_workers_consume_every_non_browser_queue_and_beat_runs():
    services = compose()["services"]
    assert "-Q default,qualifier,llm " in services["worker"]["command"]
    assert "-Q analytics " in services["analytics"]["command"]  # a dbt build never holds up the LLM
    assert services["beat"]["command"].startswith("celery -A config beat")
    assert services["browsers"]["command"] == "python manage.py run_browser_workers"


def test_compose_commands_match_existing_management_commands():
    """Every `manage.py <command>` the deploy runs exists in the project."""
    from django.core.management import get_commands

    known = set(get_commands())
    for svc in compose()["services"].values():
        words = str(svc.get("command", "")).replace("&&", " ").split()
        for i, word in enumerate(words):
            if word == "manage.py":
                assert words[i + 1] in known, words[i + 1]


def test_dockerfile_installs_chromium_and_requirements():
    text = (ROOT / "Dockerfile").read_text()
    assert "chromium" in text and "requirements/base.txt" in text and "collectstatic" in text
    assert "FROM python:3.12" in text
