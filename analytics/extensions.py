"""DuckDB extensions from installed packages, never from the network.

The `duckdb-extension-sqlite` / `-postgres` wheels (pinned to DuckDB's exact version in
requirements/base.txt) carry the extension binaries. `ensure_extension` installs one from its wheel
into a local extension directory once; DuckDB connections then load it from there with
`autoinstall_known_extensions` off and the extension repository pointed at an unreachable local
address, so a missing extension fails fast with a clear error instead of downloading.
"""

import os
from pathlib import Path

from django.conf import settings

# Nothing listens on port 9 (discard) locally: any download attempt fails at once.
OFFLINE_REPOSITORY = "http://127.0.0.1:9/offline"
# DuckDB's canonical name of each packaged extension, as installed on disk.
INSTALLED_NAMES = {"sqlite": "sqlite_scanner", "postgres": "postgres_scanner"}


def extension_dir() -> Path:
    """Where DuckDB keeps its extensions for this app (DUCKDB_EXTENSION_DIR or DATA_DIR/duckdb_extensions)."""
    configured = os.environ.get("DUCKDB_EXTENSION_DIR") or getattr(settings, "DUCKDB_EXTENSION_DIR", "")
    return Path(configured or settings.DATA_DIR / "duckdb_extensions").resolve()


def offline_config(ext_dir: Path | None = None) -> dict[str, object]:
    """DuckDB connection settings that forbid any extension download."""
    return {
        "extension_directory": str(ext_dir or extension_dir()),
        "autoinstall_known_extensions": False,
        "autoload_known_extensions": True,
        "custom_extension_repository": OFFLINE_REPOSITORY,
        "allow_community_extensions": False,
    }


def installed_path(name: str, ext_dir: Path | None = None) -> Path | None:
    """The installed binary of extension `name` for the running DuckDB, or None."""
    import duckdb

    base = ext_dir or extension_dir()
    version = duckdb.__version__
    matches = sorted(base.glob(f"v{version}/*/{INSTALLED_NAMES[name]}.duckdb_extension"))
    return matches[0] if matches else None


def ensure_extension(name: str, ext_dir: Path | None = None) -> Path:
    """Install extension `name` ("sqlite" or "postgres") from its Python package if not there yet.

    Raises RuntimeError with the package to install when the wheel is missing.
    """
    import duckdb

    if name not in INSTALLED_NAMES:
        raise ValueError(f"unknown DuckDB extension {name!r}")
    base = ext_dir or extension_dir()
    found = installed_path(name, base)
    if found is not None:
        return found
    try:
        from duckdb_extensions import import_extension
    except ImportError as exc:
        raise RuntimeError("the duckdb-extensions package is missing: pip install -r requirements/base.txt") from exc
    base.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(config=offline_config(base))
    try:
        import_extension(name, con=con)
    except ModuleNotFoundError as exc:
        raise RuntimeError(
            f"the DuckDB {name} extension package is missing: pip install duckdb-extension-{name}=={duckdb.__version__}"
        ) from exc
    finally:
        con.close()
    found = installed_path(name, base)
    if found is None:
        raise RuntimeError(f"installing the DuckDB {name} extension into {base} left no extension file")
    return found
