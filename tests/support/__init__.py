"""Helpers the tests share; no tests here. Fixtures live in the ``conftest.py`` files, which use these."""
