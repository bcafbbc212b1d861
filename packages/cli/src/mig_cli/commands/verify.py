"""``mig verify``: list the applied migrations whose file changed or vanished (the work is
:mod:`mig.command.verify`)."""

from __future__ import annotations

from typing import Any

import click

from mig_cli.state import CliState


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON (shape in docs/cli.md).")
@click.option("--baseline", is_flag=True,
              help="Record the current files of the applied migrations that have no checksum yet "
                   "or whose file changed (accept them), then report.")
@click.pass_obj
def verify(state: CliState, as_json: bool, baseline: bool) -> None:
    """Check that every applied migration still matches its file.

    Lists each applied migration whose script changed since it was applied
    (line endings and trailing blanks do not count) or whose script is gone,
    and exits 1; exits 0 when all match.
    """
    from mig import command
    from mig.errors import VerifyError
    from mig.runtime.drift import shown

    config = state.config(cmd_opts=click.get_current_context().params)
    result = command.verify(config, baseline=baseline)
    total = len(result.applied)
    if as_json:
        from mig_cli.output import echo_json

        echo_json(_document(result, config))
    else:
        for rev in result.baselined:
            click.echo(f"baseline: {rev}: recorded the current file's checksum")
        for item in result.changed:
            click.echo(f"changed: {item.revision} ({shown(item.path)}): the file differs from the one "
                       f"applied ({item.direction} at {_when(item.recorded_at)})")
        for gone in result.vanished:
            click.echo(f"vanished: {gone.revision}: applied, but no script declares it any more")
        for rev in result.unrecorded:
            click.echo(f"unrecorded: {rev}: applied without a checksum (by Alembic, or before the log "
                       f"table existed)")
    bad = len(result.changed) + len(result.vanished)
    if bad:
        raise VerifyError(f"{bad} of {total} applied migration(s) differ from their files; restore "
                          f"the files, or review the changes and accept them with `mig verify --baseline`")
    if as_json:
        return
    if result.unrecorded:
        click.echo(f"{total - len(result.unrecorded)} of {total} applied migrations match their files; "
                   f"{len(result.unrecorded)} have no checksum recorded: `mig verify --baseline` "
                   f"records their current files")
    else:
        click.echo(f"all {total} applied migrations match their files")


def _when(value: Any) -> str:
    return value.isoformat(sep=" ", timespec="seconds") if value is not None else "an unknown time"


def _document(result: Any, config: Any) -> dict[str, Any]:
    def when(value: Any) -> str | None:
        return value.isoformat(sep=" ", timespec="seconds") if value is not None else None

    return {
        "ok": result.ok,
        "log_table": config.log_table,
        "applied": list(result.applied),
        "changed": [{"revision": c.revision, "path": c.path, "recorded_checksum": c.recorded,
                     "current_checksum": c.current, "recorded_direction": c.direction,
                     "recorded_at": when(c.recorded_at)} for c in result.changed],
        "vanished": [{"revision": v.revision, "recorded_checksum": v.recorded,
                      "recorded_at": when(v.recorded_at)} for v in result.vanished],
        "unrecorded": list(result.unrecorded),
        "baselined": list(result.baselined),
    }
