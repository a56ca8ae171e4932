"""Configuration: ``omnicheck.yml`` read, validated and turned into what each stage needs.

``yamlfile`` reads YAML with the line of every key, ``errors`` is the one-line error every
configuration file raises, ``model`` the validated configuration, ``validate`` the checks.
"""

from checker.config.errors import ConfigError
from checker.config.model import Channel, Config, LinkSettings
from checker.config.validate import KINDS, PAGE_KINDS, load_config, parse_config
from checker.config.yamlfile import parse_lines

__all__ = [
    "KINDS",
    "PAGE_KINDS",
    "Channel",
    "Config",
    "ConfigError",
    "LinkSettings",
    "load_config",
    "parse_config",
    "parse_lines",
]
