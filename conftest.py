"""Fixtures shared by every test tree of the workspace.

The database fixtures (``mig_postgresql_url``, ``mig_mysql_database``,
``mig_sqlite_url`` ...) and the one rule for a server that is down (skip with
a one-line reason; under CI a failure) come from mig's opt-in pytest plugin,
loaded here exactly as a plugin author would load it.
"""

pytest_plugins = ["mig.testing.plugin"]
