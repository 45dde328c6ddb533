"""Tests of camchar.results (a package, so that its conftest does not shadow tests/conftest.py)."""
