"""What ``op.get_bind()`` returns in ``--sql`` mode.

Scripts written for Alembic branch on the bind's dialect
(``if op.get_bind().dialect.name == "postgresql": ...``) and read
``op.get_bind().engine.name``; offline those must answer as online. What
would read the database through the bind (``execute``, ``connect``,
``sa.inspect(bind)``, ``Enum.create(bind, checkfirst=True)`` ...) cannot: it
raises :class:`mig.errors.OfflineError` naming the migration step.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any, NoReturn

from sqlalchemy.engine import Engine

from mig.errors import OfflineError

if TYPE_CHECKING:
    from mig.ddl.impl import DialectImpl

__all__ = ["OfflineBind"]


class OfflineBind(Engine):
    """An engine without a pool: ``.dialect``, ``.name``, ``.engine`` (itself) and ``.url`` answer;
    everything that would connect or execute raises :class:`mig.errors.OfflineError`.

    It is an :class:`sqlalchemy.engine.Engine`, so ``sa.inspect(bind)`` and DDL run against it
    (``metadata.create_all(bind)``, ``Enum.create(bind)``) take SQLAlchemy's own path, which
    begins by connecting: that is where they are refused.
    """

    def __init__(self, impl: DialectImpl, name: str = "op.get_bind()") -> None:
        from sqlalchemy.engine import make_url

        configured = impl.context_opts.get("url")
        url = make_url(configured) if configured is not None else make_url(f"{impl.dialect.name}://")
        no_pool: Any = None
        super().__init__(no_pool, impl.dialect, url, query_cache_size=0)
        self._mig_impl = impl
        self._mig_name = name

    def _refuse(self, what: str) -> NoReturn:
        step = self._mig_impl.current_step
        where = ""
        if step is not None and step.revision is not None:
            where = f" in {step.direction} {step.revision} ({os.path.basename(step.path or '')})"
        raise OfflineError(
            f"{self._mig_name}.{what}{where} would read the database, which --sql mode cannot do; "
            f"offline {self._mig_name} answers only .dialect and .engine.name: branch on "
            f"context.is_offline_mode(), or run online")

    def connect(self) -> NoReturn:
        self._refuse("connect()")

    def begin(self) -> NoReturn:
        self._refuse("begin()")

    def raw_connection(self) -> NoReturn:
        self._refuse("raw_connection()")

    def execute(self, *args: Any, **kw: Any) -> NoReturn:
        self._refuse("execute()")

    def exec_driver_sql(self, *args: Any, **kw: Any) -> NoReturn:
        self._refuse("exec_driver_sql()")

    def scalar(self, *args: Any, **kw: Any) -> NoReturn:
        self._refuse("scalar()")

    def scalars(self, *args: Any, **kw: Any) -> NoReturn:
        self._refuse("scalars()")

    def dispose(self, close: bool = True) -> None:
        """Nothing to dispose of: there is no pool."""

    def __repr__(self) -> str:
        return f"OfflineBind({self.dialect.name})"
