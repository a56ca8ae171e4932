"""YAML as omnicheck reads it: safely (no tags, no code), with the line of every key, so that each
error can say where it stands (``channels[2].kind`` is on line 14)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from checker.config.errors import ConfigError


class _CheckedLoader(yaml.SafeLoader):
    """SafeLoader whose values that cannot be built (``until: 2026-13-45``, ``!!int x``) fail
    as a YAML error at their line, not as a bare ValueError from deep inside PyYAML."""

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep)
        except (ValueError, TypeError, OverflowError) as error:
            tag = node.tag.rsplit(":", 1)[-1]
            kind = {"timestamp": "date", "int": "number", "float": "number"}.get(tag, tag)
            raise yaml.constructor.ConstructorError(
                None, None, f"{node.value!r} is not a valid {kind} ({error})", node.start_mark
            ) from None


def parse_lines(text: str, path: Path) -> tuple[Any, dict[str, int]]:
    """Safe-load YAML, and the line of every key path ("channels[2].kind") for error messages."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.load(text, Loader=_CheckedLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else None
        problem = error.problem or str(error)
        raise ConfigError(path, line, "", f"malformed YAML: {problem}") from None
    except yaml.YAMLError as error:
        raise ConfigError(path, None, "", f"malformed YAML: {error}") from None
    lines: dict[str, int] = {}
    if node is not None:
        _record_lines(node, "", lines)
    return data, lines


def _record_lines(node: yaml.Node, prefix: str, lines: dict[str, int]) -> None:
    lines.setdefault(prefix, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = f"{prefix}.{key_node.value}" if prefix else str(key_node.value)
            lines[key] = key_node.start_mark.line + 1
            _record_lines(value_node, key, lines)
            lines[key] = key_node.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _record_lines(item, f"{prefix}[{index}]", lines)
