"""The error every configuration file (omnicheck.yml, rule packs, waivers, link overrides) raises:
one line naming the file, the line and the key, and what was expected."""

from __future__ import annotations

from pathlib import Path


class ConfigError(Exception):
    """A configuration a user must fix; ``str()`` is the one line to show them."""

    def __init__(self, path: str | Path, line: int | None, key: str, message: str) -> None:
        self.path, self.line, self.key, self.message = str(path), line, key, message
        where = f"{path}:{line}" if line else str(path)
        super().__init__(f"{where}: {key}: {message}" if key else f"{where}: {message}")
