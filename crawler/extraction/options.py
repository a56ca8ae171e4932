"""What a channel's configuration tells extraction."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class ExtractionOptions:
    """What the channel's configuration tells extraction."""

    channel: str = ""
    currency: str | None = None
    locale: str | None = None
    selectors: dict[str, str] = field(default_factory=dict)
