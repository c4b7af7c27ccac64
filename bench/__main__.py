"""`make bench`: run every area's benchmark and print labelled numbers.

`python -m bench` runs them all; `python -m bench qualifier ui` runs some.
"""

import importlib
import os
import sys
import tempfile
import time
import traceback

from cryptography.fernet import Fernet

AREAS = ["browser", "qualifier", "engine", "ui", "analytics"]


def main(argv: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    # Benchmarks never touch the app's own data: a scratch data dir and a throw-away key.
    os.environ["DATA_DIR"] = tempfile.mkdtemp(prefix="outreach-bench-")
    os.environ.setdefault("FIELD_ENCRYPTION_KEY", Fernet.generate_key().decode())
    chosen = argv or AREAS
    failed = []
    for area in chosen:
        print(f"\n=== bench: {area} ===", flush=True)
        started = time.perf_counter()
        try:
            importlib.import_module(f"bench.{area}").run()
        except Exception:
            traceback.print_exc()
            failed.append(area)
        print(f"--- {area} took {time.perf_counter() - started:.1f} s", flush=True)
    if failed:
        print(f"\nbenchmarks that failed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
