"""Rule packs: YAML files that instantiate rule types with options.

A pack is named (``default`` is ``rules/default.yml`` shipped with omnicheck) or a path relative
to the configuration file. Besides ``rules:``, a pack may add services to the vocabulary under
``services:`` (same shape as ``rules/vocab/services.yml``); the crawl then looks for them and the
rules compare them. Errors name the pack file, line and key like configuration errors.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, ClassVar, Literal

from pydantic import Field, PrivateAttr, field_validator, model_validator

from checker.config.errors import ConfigError
from checker.config.fields import Flag, null_is
from checker.config.problems import Expect, Problem, Schema, validate
from checker.config.yamlfile import parse_lines, read_text
from checker.findings import SEVERITIES
from checker.rule_types import OptionError, RuleType, load_rule_types
from crawler.extraction.claims import VocabularyError, compile_service
from rules import pack_path, shipped_packs


class RuleEntry(Schema):
    """``rules[]``: a rule type instantiated with an id, a severity and options."""

    expect: ClassVar[Expect] = Expect("a mapping with id and type")

    id: Annotated[str | None, Field(strict=True), Expect("text such as price-parity")] = None
    type: Annotated[str, Field(strict=True), Expect("a rule type (see `omnicheck rules`)")]
    severity: Annotated[
        Literal[SEVERITIES],  # type: ignore[valid-type]
        Expect(f"one of {', '.join(SEVERITIES)}"),
    ] = "medium"
    options: Annotated[
        dict[str, Any],
        null_is(dict),
        Expect("a mapping of option names to values"),
    ] = {}
    enabled: Flag = True

    _rule: RuleType | None = PrivateAttr(default=None)

    @field_validator("type")
    @classmethod
    def _registered(cls, value: str) -> str:
        registry = load_rule_types()
        if value not in registry:
            raise ValueError(f"{value!r} is not one of {', '.join(sorted(registry))}")
        return value

    @model_validator(mode="after")
    def _instantiated(self) -> RuleEntry:
        """The rule, its options checked by its type; a disabled rule is not made."""
        if self.enabled:
            try:
                self._rule = load_rule_types()[self.type](
                    self.id or self.type, self.severity, **self.options
                )
            except OptionError as error:
                raise Problem(("options", *error.location), error.message) from None
        return self


class RulePack(Schema):
    """A rule pack file: ``rules:``, ``services:`` or both."""

    expect: ClassVar[Expect] = Expect("a mapping with `rules:` and/or `services:`")

    rules: Annotated[
        list[RuleEntry],
        null_is(list),
        Expect("a list of rules under `rules:`"),
    ] = []
    services: Annotated[dict[str, Any], null_is(dict), Expect("a mapping of service ids")] = {}

    @model_validator(mode="before")
    @classmethod
    def _not_empty(cls, data: Any) -> Any:
        if not data:  # other keys than these two are reported as unknown
            raise Problem("rules", "missing: a list of rules under `rules:` (or `services:`)")
        return data


def load_rules(names: list[str], base_dir: Path) -> list[RuleType]:
    """Every enabled rule of the named packs; a later rule with the same id replaces an earlier."""
    rules: dict[str, RuleType] = {}
    for name in names:
        for rule in load_pack(_pack_path(name, base_dir)):
            rules[rule.rule_id] = rule
    return list(rules.values())


def load_services(names: list[str], base_dir: Path) -> dict[str, Any]:
    """The services the named packs add (``{id: definition}``), each checked like a rule."""
    services: dict[str, Any] = {}
    for name in names:
        path = _pack_path(name, base_dir)
        pack, lines = _read_pack(path)
        for service_id, definition in pack.services.items():
            try:
                compile_service(str(service_id), definition)
            except VocabularyError as error:
                line = lines.get(error.key, lines.get(f"services.{service_id}"))
                raise ConfigError(path, line, error.key, str(error)) from None
            services[str(service_id)] = definition
    return services


def _pack_path(name: str, base_dir: Path) -> Path:
    """The file of a pack the configuration names (checked there, so this is for callers of
    the API who name packs themselves)."""
    try:
        path = pack_path(name, base_dir)
    except ValueError as error:
        raise ConfigError(base_dir, None, "rules", str(error)) from None
    if path is None:
        raise ConfigError(base_dir, None, "rules", f"{name!r} is no rule pack name or path")
    return path


def _read_pack(path: Path) -> tuple[RulePack, dict[str, int]]:
    try:
        text = read_text(path)
    except OSError:
        shipped = ", ".join(shipped_packs())
        raise ConfigError(path, None, "", f"no such rule pack (shipped packs: {shipped})") from None
    data, lines = parse_lines(text, path)
    return validate(RulePack, data, path, lines), lines


def load_pack(path: Path) -> list[RuleType]:
    pack, lines = _read_pack(path)
    rules = []
    for index, entry in enumerate(pack.rules):
        if entry._rule is None:
            continue
        key = f"rules[{index}]"
        entry._rule.origins = {
            name: (
                path,
                lines.get(f"{key}.options.{name}", lines.get(key)),
                f"{key}.options.{name}",
            )
            for name in entry.options
        }
        rules.append(entry._rule)
    return rules


# A rule option naming things, and what it names.
REFERENCES = {"channels": "channel", "services": "service", "attributes": "attribute"}


def unknown_references(rules: list[RuleType], known: dict[str, set[str]]) -> list[str]:
    """One line per name a rule's options give that nothing of its kind bears: a mistyped or
    renamed channel or service makes the rule silently skip it, so each is said out loud.

    ``known`` maps ``channels``, ``services`` and ``attributes`` to the names there are.
    """
    problems = []
    for rule in rules:
        for option, kind in REFERENCES.items():
            names = rule.settings.get(option)
            if not names or option not in known:
                continue
            path, line, key = rule.origins.get(option, (None, None, option))
            for name in names:
                if str(name) not in known[option]:
                    expected = ", ".join(sorted(known[option])) or "none"
                    message = (
                        f"{name!r} is no {kind} of this configuration"
                        f" (expected one of {expected}); rule {rule.rule_id} skips it"
                    )
                    problems.append(str(ConfigError(path, line, key, message)))
    return problems
