"""Build the analytics: run the dbt project against the app's database, publish the DuckDB file.

`build()` writes profiles.yml at run time so dbt reads the database Django uses (the SQLite file,
or PostgreSQL when DATABASE_URL says so), runs dbt in a subprocess with a timeout, and publishes
`DATA_DIR/analytics.duckdb` by renaming a finished file over the old one: readers see either the
old or the new marts, never a half-built file. A file lock keeps two builds from overlapping.
"""

import fcntl
import json
import logging
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import yaml
from django.conf import settings
from django.db import connections

from analytics.extensions import ensure_extension, offline_config

logger = logging.getLogger(__name__)
MARTS = ("campaign_funnel", "account_activity", "ml_connection_accepted", "qualifier_daily")
OUTPUT_TAIL_CHARS = 4000
# Lines of dbt's output that say what went wrong (dbt's own errors, DuckDB's, failing tests).
ERROR_LINE = re.compile(r"(\w+ Error\b|Error:|Exception:|Failure in test|ERROR creating|Got \d+ results?)")


class BuildError(RuntimeError):
    """dbt failed or timed out; the previous analytics file is untouched. `output` is dbt's log tail."""

    def __init__(self, message: str, output: str = "") -> None:
        super().__init__(message)
        self.output = output


class BuildBusy(BuildError):
    """Another build holds the lock."""


@dataclass(frozen=True)
class BuildResult:
    command: str
    seconds: float
    path: Path
    output: str


@dataclass(frozen=True)
class Source:
    """The app database as DuckDB attaches it."""

    kind: str  # "sqlite" or "postgres"
    location: str  # a file path or a libpq DSN
    schema: str


def project_dir() -> Path:
    return Path(settings.ANALYTICS_DIR) / "dbt"


def output_path() -> Path:
    return Path(settings.ANALYTICS_DUCKDB_PATH)


def work_dir() -> Path:
    return Path(settings.DATA_DIR) / "analytics-dbt"


def app_source(alias: str = "default") -> Source:
    """Describe the Django database (the test database under pytest) for DuckDB."""
    db = connections[alias].settings_dict
    engine = db["ENGINE"]
    if engine.endswith("sqlite3"):
        name = str(db["NAME"])
        if name == ":memory:" or name.startswith("file:"):
            raise BuildError("analytics need the app's SQLite database in a file, not in memory")
        if not Path(name).exists():
            raise BuildError(f"the app database {name} does not exist yet: run `python manage.py migrate` first")
        return Source("sqlite", str(Path(name).resolve()), "main")
    if engine.endswith("postgresql"):
        parts = {
            "host": db.get("HOST") or "127.0.0.1",
            "port": str(db.get("PORT") or 5432),
            "dbname": db["NAME"],
            "user": db.get("USER") or "",
            "password": db.get("PASSWORD") or "",
            "sslmode": (db.get("OPTIONS") or {}).get("sslmode", ""),
        }
        dsn = " ".join(f"{k}={_dsn_quote(v)}" for k, v in parts.items() if v)
        return Source("postgres", dsn, "public")
    raise BuildError(f"analytics cannot read a {engine} database (SQLite or PostgreSQL only)")


def _dsn_quote(value: str) -> str:
    value = str(value)
    if value and not any(c in value for c in " '\\"):
        return value
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def write_profiles(directory: Path, *, source: Source, duckdb_path: Path, ext_dir: Path) -> Path:
    """profiles.yml for one build. The PostgreSQL DSN stays in a DBT_ENV_SECRET_ variable, not on disk."""
    location = source.location if source.kind == "sqlite" else "{{ env_var('DBT_ENV_SECRET_APP_DSN') }}"
    profile = {
        "outreach_analytics": {
            "target": "app",
            "outputs": {
                "app": {
                    "type": "duckdb",
                    "path": str(duckdb_path),
                    "threads": 1,
                    # connect-time config: in force before dbt-duckdb installs/loads and attaches.
                    "config_options": offline_config(ext_dir),
                    "extensions": [source.kind],
                    "attach": [{"path": location, "alias": "app", "type": source.kind, "read_only": True}],
                }
            },
        }
    }
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "profiles.yml"
    path.write_text(yaml.safe_dump(profile, sort_keys=False))
    return path


@contextmanager
def build_lock() -> Iterator[None]:
    """Hold the single build lock (a file lock: works across web, worker and command processes)."""
    path = Path(settings.DATA_DIR) / "analytics-build.lock"
    with path.open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise BuildBusy("an analytics build is already running") from exc
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def build(
    *,
    test: bool = False,
    timeout: float | None = None,
    extra_env: Mapping[str, str] | None = None,
    ext_dir: Path | None = None,
    install_extensions: bool = True,
) -> BuildResult:
    """Run the dbt models (and with `test`, their schema tests) and publish the result.

    Raises BuildBusy when a build is running, BuildError when dbt fails or times out.
    """
    from analytics.extensions import extension_dir

    timeout = timeout or float(getattr(settings, "ANALYTICS_BUILD_TIMEOUT", 600))
    ext_dir = ext_dir or extension_dir()
    source = app_source()
    with build_lock():
        if install_extensions:
            ensure_extension(source.kind, ext_dir)
        work = work_dir()
        # Next to the published file (same filesystem: the rename is atomic), at a fixed path so
        # the profile stays the same between builds and dbt can reuse its partial parse.
        staging = output_path().parent / ".analytics-build"
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir(parents=True)
        try:
            # Same file name as the published one: DuckDB names the catalog after the file.
            staged = staging / output_path().name
            write_profiles(work, source=source, duckdb_path=staged, ext_dir=ext_dir)
            command = "build" if test else "run"
            started, snapshot_at = time.perf_counter(), time.time()
            output = _run_dbt(command, work=work, source=source, timeout=timeout, extra_env=extra_env)
            _finish(staged)
            os.replace(staged, output_path())
            # The file's time is when dbt began reading: activity after it is not in these marts.
            os.utime(output_path(), (snapshot_at, snapshot_at))
            return BuildResult(command, time.perf_counter() - started, output_path(), output)
        finally:
            shutil.rmtree(staging, ignore_errors=True)


def _run_dbt(command: str, *, work: Path, source: Source, timeout: float, extra_env: Mapping[str, str] | None) -> str:
    env = {
        **os.environ,
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "DO_NOT_TRACK": "1",
        "DBT_USE_COLORS": "false",
        "DBT_PRINTER_WIDTH": "120",
        **(extra_env or {}),
    }
    if source.kind == "postgres":
        env["DBT_ENV_SECRET_APP_DSN"] = source.location
    args = [
        sys.executable,
        "-m",
        "dbt.cli.main",
        command,
        "--project-dir",
        str(project_dir()),
        "--profiles-dir",
        str(work),
        "--target-path",
        str(work / "target"),
        "--log-path",
        str(work / "logs"),
        "--vars",
        json.dumps({"app_schema": source.schema}),
    ]
    proc = subprocess.Popen(
        args,
        cwd=str(work),
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # a timeout kills dbt and anything it started
    )
    try:
        output, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired as exc:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        raise BuildError(f"dbt {command} took longer than {timeout:.0f} s and was stopped") from exc
    if proc.returncode != 0:
        tail = output[-OUTPUT_TAIL_CHARS:]
        logger.warning("dbt %s failed (exit %s):\n%s", command, proc.returncode, tail)
        raise BuildError(f"dbt {command} failed (exit {proc.returncode}): {error_summary(output)}", tail)
    return output


def error_summary(output: str, limit: int = 6) -> str:
    """The few lines of dbt's output that say what failed (else its last lines)."""
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    errors: list[str] = []
    for i, line in enumerate(lines):
        if ERROR_LINE.search(line) and not line.startswith("File "):
            errors.append(line)
            # dbt puts the message under a bare heading ("Runtime Error", "Compilation Error in ...").
            if i + 1 < len(lines) and not ERROR_LINE.search(lines[i + 1]) and ":" not in line:
                errors.append(lines[i + 1])
    picked = list(dict.fromkeys(errors))[-limit:] or lines[-limit:]
    return "\n".join(picked)


def _finish(staged: Path) -> None:
    """Fold the WAL into the file and check every mart is there before publishing."""
    import duckdb

    if not staged.exists():
        raise BuildError("dbt finished but wrote no analytics file")
    con = duckdb.connect(str(staged))
    try:
        con.execute("CHECKPOINT")
        rows = con.execute("select table_name from duckdb_tables() where schema_name = 'main'").fetchall()
        tables = {row[0] for row in rows}
    finally:
        con.close()
    missing = [m for m in MARTS if m not in tables]
    if missing:
        raise BuildError(f"the analytics build is missing marts: {', '.join(missing)}")
