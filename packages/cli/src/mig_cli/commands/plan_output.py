"""How ``upgrade --plan`` / ``downgrade --plan`` / ``stamp --plan`` print a :class:`mig.runtime.plan.Plan` (text and ``--json``)."""

from __future__ import annotations

import os
from typing import Any

import click

from mig_cli.output import echo_json

_TRANSACTIONS = {
    "per-run": "one for the whole run (BEGIN before the first step, COMMIT after the last)",
    "per-migration": "one per migration (BEGIN and COMMIT around each step with its version row)",
}


def plan_options(fn: Any) -> Any:
    """``--plan`` (show what the run would do, read from the database, change nothing) and ``--json``."""
    fn = click.option("--json", "as_json", is_flag=True,
                      help="With --plan: print the plan as JSON (shape in docs/safety.md).")(fn)
    return click.option("--plan", "plan", is_flag=True,
                        help="Show the steps, SQL and transactions the run would execute from the "
                             "database's current version, and change nothing.")(fn)


def show_plan(config: Any, revision: str, *, upgrade: bool, sql: bool, as_json: bool, plan: bool,
              tag: str | None = None) -> None:
    """Plan ``upgrade``/``downgrade`` to ``revision`` and print it (text, or ``--json``)."""
    from mig import command

    check_plan_options(sql=sql, plan=plan)
    fn = command.plan_upgrade if upgrade else command.plan_downgrade
    print_plan(fn(config, revision, tag=tag), as_json=as_json)


def show_stamp_plan(config: Any, revisions: list[str], *, sql: bool, as_json: bool, plan: bool,
                    tag: str | None = None, purge: bool = False) -> None:
    """Plan ``stamp REVISIONS`` and print it (text, or ``--json``)."""
    from mig import command

    check_plan_options(sql=sql, plan=plan)
    print_plan(command.plan_stamp(config, revisions, tag=tag, purge=purge), as_json=as_json)


def check_plan_options(*, sql: bool, plan: bool) -> None:
    """``--json`` needs ``--plan``; ``--plan`` and ``--sql`` exclude each other (usage errors)."""
    if not plan:
        raise click.UsageError("--json goes with --plan (the plan as JSON)")
    if sql:
        raise click.UsageError("--plan and --sql exclude each other: --plan reads the current version "
                               "from the database, --sql writes a range's SQL without reading it")


def print_plan(result: Any, *, as_json: bool) -> None:
    """A plan on stdout, as text or (``--json``) as JSON."""
    if as_json:
        echo_json(result.as_json())
        return
    click.echo(format_plan(result), nl=False)


def format_plan(plan: Any) -> str:
    """The text of a plan (docs/safety.md shows an example)."""
    parts = [_format_run(plan, run) for run in plan.runs]
    return "\n".join(parts)


def _format_run(plan: Any, run: Any) -> str:
    current = ", ".join(run.current) or "base"
    where = f"database {run.engine_name!r}" if run.engine_name else "database"
    if not run.steps:
        return f"nothing to do: {where} is at {current}\n"
    lines = [f"Plan: {plan.command} {plan.target} on {run.dialect}; {where} at {current}"]
    lines.append("Lock: " + ("held while planning" if run.locked else "not taken"))
    if run.transactions == "none":
        lines.append(f"Transactions: none: DDL on {run.dialect} is not transactional (MySQL/MariaDB: "
                     f"each DDL statement commits implicitly); a step that fails halfway leaves its "
                     f"earlier statements applied, and the version table names the last step completed")
    else:
        lines.append(f"Transactions: {_TRANSACTIONS[run.transactions]}")
    if not run.version_table_exists:
        lines.append("Version table: does not exist yet; the run creates it")
    if not run.log_table_exists:
        line = f"Log table: {run.log_table} does not exist yet; the run creates it"
        if run.baseline:
            line += (f", then records the current files of {len(run.baseline)} applied migration(s) "
                     f"as the baseline ({', '.join(run.baseline)})")
        lines.append(line)
    lines.append("")
    if run.before:
        lines.append("Before the first step:")
        lines.extend(_statements(run.before))
        lines.append("")
    total = len(run.steps)
    for step in run.steps:
        lines.append(f"Step {step.index + 1}/{total}: {_describe(step)}")
        if step.autocommit:
            lines.append("  cannot run in a transaction: autocommit_block() (the statements marked "
                         "[autocommit]; the open transaction is committed first)")
        lines.extend(_statements(step.statements))
        if step.incomplete:
            lines.append("  (the rest of this step is not known without running it)")
        lines.append("")
    if run.after:
        lines.append("After the last step:")
        lines.extend(_statements(run.after))
        lines.append("")
    if run.stopped:
        lines.append(f"Plan stopped: {run.stopped}; the steps after it are not shown")
        lines.append("")
    return "\n".join(lines) + "\n"


def _describe(step: Any) -> str:
    if step.direction == "stamp":
        before = ", ".join(step.heads_before) or "base"
        after = ", ".join(step.heads_after) or "base"
        return f"stamp {before} -> {after} (version rows only, no migration runs)"
    parents = ", ".join(step.down_revisions) or "base"
    if step.direction == "upgrade":
        move = f"upgrade {parents} -> {step.revision}"
    else:
        move = f"{step.direction} {step.revision} -> {parents}"
    name = os.path.basename(step.file) if step.file else ""
    message = f" {step.message}" if step.message else ""
    return f"{move} ({name}){message}" if name else f"{move}{message}"


def _statements(statements: Any) -> list[str]:
    lines = []
    for statement in statements:
        text = statement.sql
        if statement.kind == "needs_database":
            lines.append(f"    -- needs the database: {text}")
            continue
        text += ";"
        prefix = "    [autocommit] " if statement.autocommit else "    "
        body = text.splitlines() or [""]
        lines.append(prefix + body[0])
        lines.extend("    " + line for line in body[1:])
    return lines


__all__ = ["check_plan_options", "format_plan", "plan_options", "print_plan", "show_plan", "show_stamp_plan"]
