"""Configuration: ``omnicheck.yml`` read, validated and turned into what each stage needs.

``yamlfile`` reads YAML with the line of every key, ``errors`` is the one-line error every
configuration file raises, ``problems`` turns pydantic's errors into it, ``fields`` holds the
kinds of value the files share, ``model`` the configuration as pydantic models, ``load`` reads it.
"""

from checker.config.errors import ConfigError
from checker.config.load import load_config, parse_config
from checker.config.model import KINDS, PAGE_KINDS, Channel, Config, LinkSettings
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
