"""One hierarchy for every failure a user can cause.

Each error's message says what was wrong and what to do about it. The CLI
prints ``mig: error: <message>`` and exits with status 1.
"""

from __future__ import annotations


class MigError(Exception):
    """Base of every error mig raises on purpose."""


class ConfigError(MigError):
    """The configuration (mig.toml, pyproject.toml, -c, env.py settings) is wrong or missing."""


class PluginError(MigError):
    """A plugin failed to load, is missing, or conflicts with another one."""


class PluginConflictError(PluginError):
    """Two plugins registered something under the same name."""


class DialectNotFoundError(PluginError):
    """No registered dialect handles the connection's database."""


class RevisionError(MigError):
    """Something about the revision graph or a revision identifier is wrong."""


class ScriptError(RevisionError):
    """A migration script cannot be read: bad Python, missing identifiers."""


class GraphError(RevisionError):
    """The revision graph is broken: a cycle, a missing parent, a duplicate id or label."""


class ResolutionError(RevisionError):
    """A revision identifier does not name exactly what the command needs."""


class AmbiguousRevisionError(ResolutionError):
    """A prefix matches more than one revision."""


class MultipleHeadsError(ResolutionError):
    """An operation needs one head but the graph (or the database) has several."""


class RangeNotAncestorError(ResolutionError):
    """Two revisions given as a range are not on one line of descent."""


class CommandError(MigError):
    """A command was asked for something it cannot do as asked."""


class OperationError(MigError):
    """An operation cannot be carried out (on this database, or offline)."""


class NotSupportedError(OperationError):
    """The database cannot do what the operation asks; the message names the alternative."""


class OfflineError(OperationError):
    """The operation needs to read the database, which --sql mode cannot do."""


class NotReversibleError(OperationError):
    """The operation has no reverse."""


class NoContextError(MigError):
    """``op`` or ``context`` was used outside a running migration."""


class MigrationFailedError(MigError):
    """A migration script raised; the message names the revision and the file."""

    def __init__(self, message: str, *, revision: str | None = None, path: str | None = None) -> None:
        super().__init__(message)
        self.revision = revision
        self.path = path


class LockError(MigError):
    """Another process holds the migration lock."""


class VerifyError(MigError):
    """Applied migrations differ from their files (``verify = "strict"``, ``mig verify``)."""
