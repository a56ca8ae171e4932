"""Rule packs: YAML files that instantiate rule types with options.

A pack is named (``default`` is ``rules/default.yml`` shipped with omnicheck) or a path relative
to the configuration file. Besides ``rules:``, a pack may add services to the vocabulary under
``services:`` (same shape as ``rules/vocab/services.yml``); the crawl then looks for them and the
rules compare them. Errors name the pack file, line and key like configuration errors.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from checker.config.errors import ConfigError
from checker.config.yamlfile import parse_lines
from checker.findings import SEVERITIES
from checker.rule_types import OptionError, RuleType, load_rule_types
from crawler.extraction.claims import VocabularyError, compile_service
from rules import RULES_DIR, pack_path

RULE_KEYS = {"id", "type", "severity", "options", "enabled"}
PACK_KEYS = {"rules", "services"}


def load_rules(names: list[str], base_dir: Path) -> list[RuleType]:
    """Every enabled rule of the named packs; a later rule with the same id replaces an earlier."""
    rules: dict[str, RuleType] = {}
    for name in names:
        for rule in load_pack(pack_path(name, base_dir)):
            rules[rule.rule_id] = rule
    return list(rules.values())


def load_services(names: list[str], base_dir: Path) -> dict[str, Any]:
    """The services the named packs add (``{id: definition}``), each checked like a rule."""
    services: dict[str, Any] = {}
    for name in names:
        path = pack_path(name, base_dir)
        data, lines = _read_pack(path)
        definitions = data.get("services") or {}
        if not isinstance(definitions, dict):
            raise ConfigError(
                path, lines.get("services"), "services", "expected a mapping of service ids"
            )
        for service_id, definition in definitions.items():
            try:
                compile_service(str(service_id), definition)
            except VocabularyError as error:
                line = lines.get(error.key, lines.get(f"services.{service_id}"))
                raise ConfigError(path, line, error.key, str(error)) from None
            services[str(service_id)] = definition
    return services


def _read_pack(path: Path) -> tuple[dict[str, Any], dict[str, int]]:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise ConfigError(path, None, "", f"cannot read: {error} (save it as UTF-8)") from None
    except OSError:
        shipped = ", ".join(sorted(p.stem for p in RULES_DIR.glob("*.yml")))
        raise ConfigError(path, None, "", f"no such rule pack (shipped packs: {shipped})") from None
    data, lines = parse_lines(text, path)
    if not isinstance(data, dict) or not (
        isinstance(data.get("rules"), list) or "services" in data
    ):
        raise ConfigError(
            path, lines.get("rules"), "rules", "expected a list of rules under `rules:`"
        )
    for unknown in set(data) - PACK_KEYS:
        raise ConfigError(
            path,
            lines.get(unknown),
            unknown,
            f"unknown key (expected one of {', '.join(sorted(PACK_KEYS))})",
        )
    return data, lines


def load_pack(path: Path) -> list[RuleType]:
    data, lines = _read_pack(path)
    registry = load_rule_types()
    rules = []
    for index, item in enumerate(data.get("rules") or []):
        key = f"rules[{index}]"
        line = lines.get(key)
        if not isinstance(item, dict):
            raise ConfigError(path, line, key, "expected a mapping with id and type")
        for unknown in set(item) - RULE_KEYS:
            raise ConfigError(
                path,
                lines.get(f"{key}.{unknown}", line),
                f"{key}.{unknown}",
                f"unknown key (expected one of {', '.join(sorted(RULE_KEYS))})",
            )
        if item.get("type") not in registry:
            raise ConfigError(
                path,
                lines.get(f"{key}.type", line),
                f"{key}.type",
                f"{item.get('type')!r} is not one of {', '.join(sorted(registry))}",
            )
        rule_id = item.get("id") or item["type"]
        if not isinstance(rule_id, str):
            raise ConfigError(
                path,
                lines.get(f"{key}.id", line),
                f"{key}.id",
                f"expected text such as price-parity, got {rule_id!r}",
            )
        if not isinstance(item.get("enabled", True), bool):
            raise ConfigError(
                path,
                lines.get(f"{key}.enabled", line),
                f"{key}.enabled",
                f"expected true or false, got {item['enabled']!r}",
            )
        severity = item.get("severity", "medium")
        if severity not in SEVERITIES:
            raise ConfigError(
                path,
                lines.get(f"{key}.severity", line),
                f"{key}.severity",
                f"{severity!r} is not one of {', '.join(SEVERITIES)}",
            )
        options: Any = item.get("options") or {}
        if not isinstance(options, dict):
            raise ConfigError(
                path,
                lines.get(f"{key}.options", line),
                f"{key}.options",
                "expected a mapping of option names to values",
            )
        if item.get("enabled", True) is False:
            continue
        try:
            rule = registry[item["type"]](str(rule_id), severity, **options)
        except OptionError as error:
            option_key = f"{key}.options.{error.key}"
            raise ConfigError(path, lines.get(option_key, line), option_key, str(error)) from None
        rule.origins = {
            name: (path, lines.get(f"{key}.options.{name}", line), f"{key}.options.{name}")
            for name in options
        }
        rules.append(rule)
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
