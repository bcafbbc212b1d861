"""Turn any failure of a command into one line ``mig: error: ...`` on stderr and exit status 1.

A :class:`mig.errors.MigError` already says what was wrong and what to do.
A few other failures users cause all the time get a message of their own
(a database that cannot be reached, a missing database driver, a URL
SQLAlchemy does not know, a script with bad syntax); anything else is
reported as unexpected, with a hint to run again with ``--traceback``.
"""

from __future__ import annotations

import re
import sys
import traceback as tb

import click

TRACEBACK_HINT = "run again with --traceback to see where it happened"


def one_line(text: str) -> str:
    """``text`` with its lines joined, so an error is always one line."""
    parts = [part.strip() for part in str(text).splitlines() if part.strip()]
    return "; ".join(parts) if parts else ""


def _is_sqlalchemy(exc: BaseException, name: str) -> bool:
    return any(cls.__module__.startswith("sqlalchemy") and cls.__name__ == name
               for cls in type(exc).__mro__)


def _hide_password(url: str) -> str:
    return re.sub(r"(://[^:/@]+:)[^@]*@", r"\1***@", url)


def _where() -> str:
    from mig_cli.state import CliState

    state = CliState.current
    config = state._config if state is not None else None
    if config is None:
        return "url in mig.toml, or MIG_URL"
    file = config.config_file.name if config.config_file is not None else "the configuration"
    return f"url in {file}, or MIG_URL"


def describe(exc: BaseException) -> tuple[str, bool]:
    """The one-line message for ``exc`` and whether it is an *unexpected* failure."""
    from mig.errors import MigError

    if isinstance(exc, MigError):
        return one_line(str(exc)) or type(exc).__name__, False
    if _is_sqlalchemy(exc, "DBAPIError"):
        orig = getattr(exc, "orig", None)
        cause = one_line(str(orig) if orig is not None else str(exc))
        statement = getattr(exc, "statement", None)
        if statement is None or (_is_sqlalchemy(exc, "OperationalError") and _looks_like_connect(cause)):
            return (f"cannot connect to the database: {cause}; check that the server is running "
                    f"and the {_where()}"), False
        return f"database error: {cause} (while running: {one_line(statement)[:200]})", False
    if _is_sqlalchemy(exc, "NoSuchModuleError"):
        return (f"SQLAlchemy does not know this database URL ({one_line(str(exc))}); check the "
                f"{_where()}, or install the SQLAlchemy dialect package for it"), False
    if _is_sqlalchemy(exc, "ArgumentError"):
        return f"invalid database URL: {one_line(str(exc))}; check the {_where()}", False
    if isinstance(exc, ModuleNotFoundError) and exc.name and exc.name.split(".")[0] in (
            "mig", "mig_cli", "mig_autogen", "mig_postgresql", "mig_mysql", "mig_sqlite_batch"):
        return (f"mig is installed incompletely: cannot import {exc.name!r}; reinstall its "
                f"distributions (pip install --force-reinstall mig-core mig-cli)"), False
    if isinstance(exc, ModuleNotFoundError) and exc.name:
        return (f"cannot import {exc.name!r} ({exc}); if it is the database driver named in the "
                f"url, install it (pip install {exc.name.split('.')[0]}), or check the {_where()}"), False
    if isinstance(exc, SyntaxError):
        where = f"{exc.filename}:{exc.lineno}" if exc.filename else "a script"
        return f"{where}: invalid Python syntax ({exc.msg}); fix the file", False
    text = one_line(str(exc))
    return f"unexpected {type(exc).__name__}{': ' + text if text else ''}", True


def _looks_like_connect(cause: str) -> bool:
    lowered = cause.lower()
    return any(word in lowered for word in (
        "connection refused", "could not connect", "can't connect", "connection failed",
        "unable to open database", "timeout", "timed out", "name or service not known",
        "no route to host", "authentication failed", "access denied", "unknown database",
        "does not exist",
    ))


def report(exc: BaseException, *, traceback: bool) -> int:
    """Print ``exc`` for a person and return the exit status (1)."""
    from mig_cli.state import CliState

    state = CliState.current
    if state is not None and state._status is not None:
        state._status.stop_ticking()
        state._status.clear()
    message, unexpected = describe(exc)
    if traceback:
        tb.print_exception(type(exc), exc, exc.__traceback__, file=sys.stderr)
    elif unexpected:
        message = f"{message} ({TRACEBACK_HINT})"
    click.echo(f"mig: error: {_hide_password(message)}", err=True)
    return 1
