"""Environment for the test suite, set before Django loads its settings."""

import os
import tempfile

os.environ.setdefault("FIELD_ENCRYPTION_KEY", "q1Xc3c7sJ2lQ2Jc2oYpZ9d9J8Sx0Xx8U5l8m3oVb0wE=")
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop
os.environ.setdefault("DATA_DIR", tempfile.mkdtemp(prefix="outreach-test-data-"))
os.environ.setdefault("DEBUG", "true")
os.environ.setdefault("ANALYTICS_REBUILD_AFTER_ACTIVITY", "false")  # tests of it turn it on
# Tests never talk to a real LLM unless a test points LLM_API_BASE at the local stub.
os.environ["LLM_API_KEY"] = os.environ.get("TEST_LLM_API_KEY", "")
