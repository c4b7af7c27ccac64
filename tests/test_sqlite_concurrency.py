"""SQLite (the embedded default) under several writer processes: no "database is locked"."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent

WRITER = """
import os, sys, django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()
from django.db import transaction
from crm.models import Activity, Team
team = Team.objects.get(name="t")
for i in range(int(sys.argv[1])):
    with transaction.atomic():
        n = Activity.objects.filter(team=team).count()  # a read, then a write, in one transaction
        Activity.objects.create(team=team, kind="probe", detail=f"{os.getpid()}:{i}:{n}")
"""


@pytest.mark.skipif(connection.vendor != "sqlite", reason="this checks the SQLite configuration only")
def test_four_processes_writing_at_once_lose_nothing(tmp_path):
    env = {**os.environ, "DATA_DIR": str(tmp_path)}
    env.pop("DATABASE_URL", None)
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True, timeout=180)
    subprocess.run(
        [
            sys.executable,
            "-c",
            "import django,os;os.environ['DJANGO_SETTINGS_MODULE']='config.settings';"
            "django.setup();from crm.models import Team;Team.objects.create(name='t')",
        ],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=60,
    )
    procs = [
        subprocess.Popen([sys.executable, "-c", WRITER, "60"], cwd=ROOT, env=env, stderr=subprocess.PIPE, text=True)
        for _ in range(4)
    ]
    errors = [p.communicate(timeout=180)[1] for p in procs]
    assert all(p.returncode == 0 for p in procs), errors
    count = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django,os;os.environ['DJANGO_SETTINGS_MODULE']='config.settings';"
            "django.setup();from crm.models import Activity;print(Activity.objects.count())",
        ],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=60,
        capture_output=True,
        text=True,
    ).stdout.strip()
    assert count == "240"
