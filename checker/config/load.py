"""Reading ``omnicheck.yml``: what to crawl and which rules to apply, validated on load.

Configuration is data: YAML is loaded safely (no tags, no code). Every error names the file, the
line and the key, and says what was expected, e.g. ``omnicheck.yml:14: channels[2].kind: 'shop'
is not one of website, webshop, social, feed, newsletter``.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from checker.config.errors import ConfigError
from checker.config.model import Config
from checker.config.problems import validate
from checker.config.yamlfile import parse_lines, read_text


def load_config(path: str | Path) -> Config:
    """Read and validate a configuration file; raise ConfigError naming what to fix."""
    path = Path(path)
    try:
        text = read_text(path)
    except FileNotFoundError:
        raise ConfigError(
            path, None, "", "no such file (create one: see README 'Configuration')"
        ) from None
    except OSError as error:
        raise ConfigError(path, None, "", f"cannot read: {error}") from None
    return parse_config(text, path)


def parse_config(text: str, path: str | Path = "omnicheck.yml") -> Config:
    path = Path(path)
    data, lines = parse_lines(text, path)
    if data is None:
        raise ConfigError(path, None, "", "the file is empty; it needs at least `channels:`")
    digest = hashlib.sha256(text.encode()).hexdigest()[:16]
    context = {"path": path, "digest": digest, "lines": lines}
    return validate(Config, data, path, lines, context)
