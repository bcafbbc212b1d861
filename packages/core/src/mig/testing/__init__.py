"""Testing support for mig plugin authors (opt-in; needs pytest).

* :mod:`mig.testing.servers`: URLs of the test database servers
  (``MIG_TEST_POSTGRESQL_URL``, ``MIG_TEST_MYSQL_URL``) and the one
  skip-or-fail rule: outside CI a server that is down skips with a one-line
  reason; under CI (``CI`` set to ``true``, ``1``, ``yes`` or ``on``) it is a
  failure with a one-line reason.
* :mod:`mig.testing.project`: :class:`~mig.testing.project.MigrationRunner`, a
  throw-away mig project (``env.py`` + ``versions/``) whose migrations are
  plain Python callables, run through ``mig.command.upgrade`` like any
  user's scripts.
* :mod:`mig.testing.fixtures`: pytest fixtures over the two
  (``mig_postgresql_url``, ``mig_mysql_database``, ``mig_sqlite_url``,
  ``mig_run`` ...); load them with ``-p mig.testing.plugin``,
  ``pytest_plugins = ["mig.testing.plugin"]`` in the root ``conftest.py``, or
  ``from mig.testing.fixtures import *`` in a ``conftest.py``.
* :mod:`mig.testing.suite`: the dialect conformance suite every dialect
  package runs against its real database (see ``docs/conformance.md``).

Nothing here is imported by ``import mig``.
"""

import pytest

# Plain ``assert`` in the suite reports its values like in a test module.
pytest.register_assert_rewrite("mig.testing.suite", "mig.testing.conformance")
