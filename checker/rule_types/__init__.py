"""Rule types: one module per kind of disagreement, registered by name.

``base`` holds what they share and the registry; ``packs`` reads the YAML rule packs that
instantiate them; every other module here is one rule type that registers itself.
"""

from __future__ import annotations

import importlib
import pkgutil

from checker.rule_types.base import (
    REGISTRY,
    Option,
    OptionError,
    RuleType,
    RunView,
    product_name,
    product_subject,
    register,
)

NOT_RULE_TYPES = {"base", "packs"}


def load_rule_types() -> dict[str, type[RuleType]]:
    """Import every rule type module in this package (each registers itself); the registry."""
    for module in pkgutil.iter_modules(__path__):
        if module.name not in NOT_RULE_TYPES:
            importlib.import_module(f"{__name__}.{module.name}")
    return REGISTRY


__all__ = [
    "REGISTRY",
    "Option",
    "OptionError",
    "RuleType",
    "RunView",
    "load_rule_types",
    "product_name",
    "product_subject",
    "register",
]
