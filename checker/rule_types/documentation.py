"""Each rule type's documentation, as ``omnicheck rules TYPE`` prints it and docs/rules.md holds it.

The docstring of a rule type's module says What it checks, Why it matters and an Example; the
Options part is written here from the options the type declares (its ``Options`` model), so the
two cannot disagree. ``python -m checker.rule_types.documentation`` rewrites docs/rules.md below
its marker line; a test fails while the page is out of date.
"""

from __future__ import annotations

import sys
import textwrap
import typing
from pathlib import Path
from typing import Any

from pydantic.fields import FieldInfo

from checker.config.problems import plain_type
from checker.rule_types import load_rule_types
from checker.rule_types.base import RuleType
from rules import RULES_DIR

PAGE = Path(__file__).resolve().parents[2] / "docs" / "rules.md"
MARKER = (
    "<!-- Written by `python -m checker.rule_types.documentation` from rules/default.yml and the"
    " rule types: change those, not the text below. -->"
)
KINDS = {bool: "true/false", int: "number", float: "number", str: "text", list: "list"}


def documentation(rule_type: type[RuleType]) -> str:
    """What it checks, Why it matters, Example (the module's docstring) and Options."""
    described = (sys.modules[rule_type.__module__].__doc__ or "").strip()
    options = [_option(name, info) for name, info in rule_type.Options.model_fields.items()]
    return f"{described}\n\n**Options**:\n" + ("\n".join(options) or "none")


def _option(name: str, info: FieldInfo) -> str:
    kind = plain_type(info.annotation)
    kind = KINDS.get(typing.get_origin(kind) or kind, "value")
    line = f"- `{name}` ({kind}, {_default(info.default)}): {info.description}"
    return textwrap.fill(line, width=100, subsequent_indent="  ", break_on_hyphens=False)


def _default(value: Any) -> str:
    if value is None:
        return "optional"
    if isinstance(value, bool):
        return f"default {str(value).lower()}"
    if isinstance(value, list):
        return f"default [{', '.join(map(str, value))}]"
    return f"default {value}"


def rules_page(registry: dict[str, type[RuleType]]) -> str:
    """The part of docs/rules.md below the marker: the default pack and every rule type."""
    default_pack = (RULES_DIR / "default.yml").read_text(encoding="utf-8").strip()
    sections = [f"## {documentation(registry[name])}" for name in sorted(registry)]
    parts = ["## The default pack", f"`rules/default.yml`:\n\n```yaml\n{default_pack}\n```"]
    return "\n\n".join([*parts, *sections]) + "\n"


def page_as_written(registry: dict[str, type[RuleType]], page: str) -> str:
    """``page`` (docs/rules.md) with everything below its marker written anew."""
    above = page.split(MARKER, 1)[0].rstrip("\n")
    return f"{above}\n\n{MARKER}\n\n{rules_page(registry)}"


if __name__ == "__main__":
    PAGE.write_text(
        page_as_written(load_rule_types(), PAGE.read_text(encoding="utf-8")), encoding="utf-8"
    )
    sys.stdout.write(f"wrote {PAGE}\n")
