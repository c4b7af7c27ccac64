"""Pytest fixtures (a plugin loaded by tests/conftest.py)."""
