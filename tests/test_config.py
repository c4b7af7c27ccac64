"""Start-up configuration: bad settings stop the process with one clear message."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from crm.fields import PREFIX
from tests.factories import LinkedInAccountFactory

ROOT = Path(__file__).resolve().parent.parent


def run_check(**env_overrides: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "FIELD_ENCRYPTION_KEY"}}
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_missing_encryption_key_stops_start_up_with_a_hint(tmp_path):
    result = run_check(DATA_DIR=str(tmp_path), FIELD_ENCRYPTION_KEY="")
    assert result.returncode != 0
    assert "FIELD_ENCRYPTION_KEY is not set" in result.stderr
    assert "Fernet.generate_key" in result.stderr


def test_malformed_encryption_key_stops_start_up(tmp_path):
    result = run_check(DATA_DIR=str(tmp_path), FIELD_ENCRYPTION_KEY="not-a-key")
    assert result.returncode != 0
    assert "FIELD_ENCRYPTION_KEY is not a valid Fernet key" in result.stderr


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("mysql://u@h/db", "DATABASE_URL must start with postgres:// or sqlite://"),
        ("postgres://user@host", "DATABASE_URL names no database"),
        ("postgres://user@host:notaport/db", "DATABASE_URL is malformed"),
    ],
)
def test_malformed_database_url_stops_start_up(tmp_path, url, message):
    result = run_check(
        DATA_DIR=str(tmp_path), FIELD_ENCRYPTION_KEY=os.environ["FIELD_ENCRYPTION_KEY"], DATABASE_URL=url
    )
    assert result.returncode != 0
    assert message in result.stderr


def test_good_configuration_passes_the_check(tmp_path):
    result = run_check(DATA_DIR=str(tmp_path), FIELD_ENCRYPTION_KEY=os.environ["FIELD_ENCRYPTION_KEY"])
    assert result.returncode == 0, result.stderr


@pytest.mark.django_db
def test_secrets_are_encrypted_at_rest_and_read_back_in_plaintext():
    account = LinkedInAccountFactory(password="hunter2-linkedin", session_state='{"cookies": [{"name": "li_at"}]}')
    with connection.cursor() as cur:
        cur.execute("SELECT password, session_state FROM outreach_linkedinaccount WHERE id = %s", [account.pk])
        raw_password, raw_state = cur.fetchone()
    assert raw_password.startswith(PREFIX) and "hunter2" not in raw_password
    assert raw_state.startswith(PREFIX) and "li_at" not in raw_state
    account.refresh_from_db()
    assert account.password == "hunter2-linkedin"


@pytest.mark.django_db
def test_a_secret_written_under_another_key_is_a_clear_error(settings):
    from crm.crypto import DecryptionError, _fernet

    account = LinkedInAccountFactory(password="secret")
    settings.FIELD_ENCRYPTION_KEY = "Zm9vYmFyYmF6cXV4Zm9vYmFyYmF6cXV4Zm9vYmFyYmE="
    _fernet.cache_clear()
    with pytest.raises(DecryptionError, match="cannot be decrypted"):
        account.refresh_from_db()
