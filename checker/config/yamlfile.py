"""YAML as omnicheck reads it: safely (no tags, no code), with the line of every key, so that each
error can say where it stands (``channels[2].kind`` is on line 14).

A configuration file is small and written by a person, so what no person writes is refused before
it can cost anything: a file over ``MAX_BYTES``, aliases that expand past ``MAX_VALUES`` values
(a "billion laughs" took 3 GB before any error), an alias of itself, and a key given twice (YAML
would silently keep the last).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from checker.config.errors import ConfigError

MAX_BYTES = 4 * 1024 * 1024
MAX_VALUES = 100_000
MERGE_KEY = "tag:yaml.org,2002:merge"


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


def read_text(path: Path, cannot: str = "cannot read") -> str:
    """The text of a configuration file, at most ``MAX_BYTES`` of UTF-8. OSError (no such file)
    is the caller's to word; ``cannot`` starts the message of a file that is not UTF-8."""
    with path.open("rb") as file:
        data = file.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise _too_large(path)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ConfigError(path, None, "", f"{cannot}: {error} (save it as UTF-8)") from None


def parse_lines(text: str, path: Path) -> tuple[Any, dict[str, int]]:
    """Safe-load YAML, and the line of every key path ("channels[2].kind") for error messages."""
    if len(text) > MAX_BYTES:
        raise _too_large(path)
    loader = _CheckedLoader(text)
    try:
        node = loader.get_single_node()
        lines: dict[str, int] = {}
        if node is None:
            return None, lines
        _check_size(node, path)
        _record_lines(node, "", lines, path)
        return loader.construct_document(node), lines
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else None
        problem = error.problem or str(error)
        raise ConfigError(path, line, "", f"malformed YAML: {problem}") from None
    except yaml.YAMLError as error:
        raise ConfigError(path, None, "", f"malformed YAML: {error}") from None
    except RecursionError:
        raise ConfigError(path, None, "", "nested too deeply to be a configuration") from None
    finally:
        loader.dispose()


def _too_large(path: Path) -> ConfigError:
    size = MAX_BYTES // 1024 // 1024
    return ConfigError(path, None, "", f"larger than {size} MB, more than a configuration needs")


def _check_size(root: yaml.Node, path: Path) -> None:
    """Count the values the document holds with every alias expanded, each node once."""
    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()

    def size(node: yaml.Node) -> int:
        if id(node) in sizes:
            return sizes[id(node)]
        if id(node) in open_nodes:
            raise ConfigError(
                path, node.start_mark.line + 1, "", "an alias refers to a value it is part of"
            )
        open_nodes.add(id(node))
        total = 1
        if isinstance(node, yaml.MappingNode):
            total += sum(size(key) + size(value) for key, value in node.value)
        elif isinstance(node, yaml.SequenceNode):
            total += sum(size(item) for item in node.value)
        open_nodes.discard(id(node))
        sizes[id(node)] = total
        if total > MAX_VALUES:
            raise ConfigError(
                path,
                node.start_mark.line + 1,
                "",
                f"aliases expand this to more than {MAX_VALUES} values; write it out instead",
            )
        return total

    size(root)


def _record_lines(node: yaml.Node, prefix: str, lines: dict[str, int], path: Path) -> None:
    lines.setdefault(prefix, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            line = key_node.start_mark.line + 1
            key = f"{prefix}.{key_node.value}" if prefix else str(key_node.value)
            if isinstance(key_node, yaml.ScalarNode) and key_node.tag != MERGE_KEY:
                if key in seen:
                    raise ConfigError(
                        path,
                        line,
                        key,
                        f"given twice, on lines {seen[key]} and {line}; YAML would keep only"
                        " the last",
                    )
                seen[key] = line
            lines[key] = line
            _record_lines(value_node, key, lines, path)
            lines[key] = line
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _record_lines(item, f"{prefix}[{index}]", lines, path)
