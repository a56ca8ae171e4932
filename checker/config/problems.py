"""pydantic's validation errors as the one line a user can act on.

Every configuration file (omnicheck.yml, rule packs, waivers, link overrides) is a pydantic model
of ``Schema``; this module turns the first of pydantic's errors into a ``ConfigError`` with the
file, the line, the key path (``channels[2].kind``, not ``('channels', 2, 'kind')``) and our
wording: "expected ..." with what the field's ``Expect`` says, "unknown key (did you mean
'price'?)", "'shop' is not one of website, webshop, social, feed, newsletter".
"""

from __future__ import annotations

import dataclasses
import difflib
import re
import types
import typing
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, ClassVar, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError

from checker.config.errors import ConfigError

Location = tuple[str | int, ...]
# pydantic's words for a key no field has (in a model; in a dataclass)
UNKNOWN_KEY = ("extra_forbidden", "unexpected_keyword_argument")
SchemaType = TypeVar("SchemaType", bound=BaseModel)


@dataclasses.dataclass(frozen=True)
class Expect:
    """Annotation metadata: what a value should be, in the words of an error message
    ("expected a list of rule pack names or paths"), and what to say when it is missing."""

    text: str
    missing: str | None = None


class Problem(ValueError):
    """Raised by a validator about a key below the value it validates (``start_urls`` of a
    channel); ``message`` is said as it is."""

    def __init__(self, location: Location | str, message: str) -> None:
        self.location: Location = (location,) if isinstance(location, str) else location
        self.message = message
        super().__init__(message)


class Blank(ValueError):
    """Raised for text that is only spaces: said as the field's ``missing`` where it has one."""

    def __init__(self) -> None:
        super().__init__("expected a non-empty text value")


class Schema(BaseModel):
    """A mapping of a configuration file: unknown keys are errors.

    ``expect`` says what the mapping should be when something else stands in its place;
    ``known_keys`` replaces the "did you mean" hint of an unknown key where the keys are better
    said in words ("join or apart")."""

    model_config = ConfigDict(extra="forbid", frozen=False)
    known_keys: ClassVar[str | None] = None
    expect: ClassVar[Expect | None] = None


def key_path(location: Location) -> str:
    """``('channels', 2, 'kind')`` as ``channels[2].kind``."""
    text = ""
    for part in location:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def line_of(lines: Mapping[str, int], key: str) -> int | None:
    """The line of ``key``, else of the nearest enclosing key that has one."""
    probe = key
    while True:
        if probe in lines:
            return lines[probe]
        shorter = re.sub(r"(\.[^.\[\]]+|\[\d+\])$", "", probe)
        if shorter == probe:
            return lines.get("")
        probe = shorter


def validate(
    schema: type[SchemaType],
    data: Any,
    path: Path,
    lines: Mapping[str, int],
    context: dict[str, Any] | None = None,
) -> SchemaType:
    """``data`` as ``schema``; the first problem as a ConfigError at its file and line."""
    try:
        return schema.model_validate(data, context=context)
    except ValidationError as error:
        location, message = first_problem(schema, error)
        key = key_path(location)
        raise ConfigError(path, line_of(lines, key), key, message) from None


def first_problem(
    schema: Any, error: ValidationError, unknown: str = "unknown key"
) -> tuple[Location, str]:
    """The problem to tell first, where it is and what to say. An unknown key comes first: it
    is often why a key is missing."""
    details = error.errors()
    first = min(details, key=lambda detail: detail["type"] not in UNKNOWN_KEY)
    return _describe(schema, first, unknown)


def _describe(schema: Any, detail: Any, unknown: str) -> tuple[Location, str]:
    location: Location = tuple(part for part in detail["loc"] if part != "[key]")
    kind, value = detail["type"], detail["input"]
    cause = (detail.get("ctx") or {}).get("error")
    if isinstance(cause, Problem):
        return location + cause.location, cause.message
    annotation, expect = _resolve(schema, location)
    if isinstance(cause, Blank) and expect and expect.missing:
        return location, f"missing: {expect.missing}"
    if kind == "value_error" and cause is not None:
        return location, str(cause)
    if kind in UNKNOWN_KEY or detail["loc"][-1:] == ("[key]",):  # [key]: a dict's key
        return location, f"{unknown} ({_key_hint(schema, location)})"
    if kind == "literal_error":
        choices = ", ".join(map(str, typing.get_args(annotation)))
        return location, f"{value!r} is not one of {choices}"
    text = expect.text if expect else detail["msg"].lower()
    if kind == "missing":
        missing = expect.missing if expect else None
        return location, f"missing: {missing}" if missing else f"expected {text}"
    return location, f"expected {text}, got {_shown(value, location)}"


def _key_hint(schema: Any, location: Location) -> str:
    parent, _ = _resolve(schema, location[:-1])
    known = getattr(parent, "known_keys", None)
    if known:
        return f"expected {known}"
    keys = sorted(_keys_of(parent))
    close = difflib.get_close_matches(str(location[-1]), keys, n=1)
    return f"did you mean {close[0]!r}?" if close else f"expected one of {', '.join(keys)}"


def _keys_of(annotation: Any) -> list[str]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [info.alias or name for name, info in annotation.model_fields.items()]
    if dataclasses.is_dataclass(annotation):
        return [field.name for field in dataclasses.fields(annotation) if field.init]
    if typing.get_origin(annotation) is dict:
        return [str(key) for key in typing.get_args(typing.get_args(annotation)[0])]
    return []


def _resolve(schema: Any, location: Location) -> tuple[Any, Expect | None]:
    """The type of the value at ``location`` (Annotated and Optional taken off) and the last
    Expect said of it."""
    annotation, expect = _unwrap(schema)
    for part in location:
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            info = annotation.model_fields.get(str(part))
            if info is None:
                return None, None
            annotation = info.annotation
            if info.metadata:
                annotation = Annotated[(annotation, *info.metadata)]
        elif dataclasses.is_dataclass(annotation):
            annotation = typing.get_type_hints(annotation, include_extras=True).get(str(part))
        elif typing.get_origin(annotation) in (list, tuple):
            annotation = typing.get_args(annotation)[0]
        elif typing.get_origin(annotation) is dict:
            annotation = typing.get_args(annotation)[1]
        else:
            return None, None
        annotation, expect = _unwrap(annotation)
    return annotation, expect


def plain_type(annotation: Any) -> Any:
    """``annotation`` without Annotated's metadata and without ``| None``."""
    return _unwrap(annotation)[0]


def _unwrap(annotation: Any) -> tuple[Any, Expect | None]:
    """The plain type, and the last Expect of its Annotated layers (else its class's ``expect``)."""
    expect: Expect | None = None
    while True:
        if typing.get_origin(annotation) is Annotated:
            found = [item for item in annotation.__metadata__ if isinstance(item, Expect)]
            expect = found[-1] if found else expect
            annotation = annotation.__origin__
        elif typing.get_origin(annotation) in (typing.Union, types.UnionType):
            members = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
            if len(members) != 1:
                return annotation, expect
            annotation = members[0]
        else:
            if expect is None and isinstance(annotation, type):
                expect = getattr(annotation, "expect", None)
            return annotation, expect


def _shown(value: Any, location: Location) -> str:
    """A value as an error shows it: itself when short, else what it is."""
    shown = repr(value)
    if location and len(shown) <= 60:
        return shown
    return {
        dict: "a mapping",
        list: "a list",
        str: "text",
        int: "a number",
        float: "a number",
        bool: "true/false",
    }.get(type(value), type(value).__name__)


__all__ = [
    "Blank",
    "Expect",
    "Problem",
    "Schema",
    "first_problem",
    "key_path",
    "plain_type",
    "validate",
]
