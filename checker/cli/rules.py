"""``omnicheck rules``: the rule types and their documentation."""

from __future__ import annotations

import sys

import click

from checker.cli.common import UsageProblem
from checker.rule_types import load_rule_types
from checker.rule_types.documentation import documentation


@click.command(name="rules")
@click.argument("rule_type", required=False)
def rules_command(rule_type: str | None) -> None:
    """List the rule types, or show one's documentation.

    Exit codes: 0 shown, 2 no such rule type, 4 an internal error.

    \b
    Example:
      omnicheck rules
      omnicheck rules price_mismatch
    """
    registry = load_rule_types()
    if rule_type is None:
        for _, cls in sorted(registry.items()):
            first = (
                (cls.__module__ and sys.modules[cls.__module__].__doc__ or "")
                .strip()
                .splitlines()[0]
            )
            click.echo(first)
        return
    if rule_type not in registry:
        raise UsageProblem(f"no rule type {rule_type!r} (have: {', '.join(sorted(registry))})")
    click.echo(documentation(registry[rule_type]))
