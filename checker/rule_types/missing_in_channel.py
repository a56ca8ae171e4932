"""missing_in_channel — a service described on one channel is absent on another that should have it.

**What it checks**: for each service in the vocabulary (returns, free delivery, click & collect,
installation..., and the services a rule pack adds under `services:`), the channels among the
rule's set that describe it and those that do not. A channel that only denies the service ("ei
asennuspalvelua") states it and is not missing it; a channel that describes it only for some
products or customers ("outlet", "members") describes it. A sentence repeated in every page's
footer counts once, with the number of pages it was on.
Channels whose crawl was incomplete are never reported as missing anything: not having seen a
page is not evidence that the page does not exist.

**Why it matters**: a service promised on the brand website but nowhere in the webshop is either
a service customers cannot find where they buy, or a promise the company no longer keeps.

**Example**: the website says "Click & collect: tilaa verkosta ja nouda myymälästä", the webshop
never mentions collecting from a store on any of its 12 crawled pages → one finding for
`click_and_collect` with the website's sentence and URL as evidence and the webshop as missing.

**Options**:
- `channels` (list, default none): the channels that must all describe a service. When not set,
  every channel whose kind is in `kinds`.
- `kinds` (list, default [website, webshop]): channel kinds required when `channels` is not set.
  Social channels are not required by default: a feed does not repeat every service.
- `services` (list, default all): only these service ids.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from checker.findings import Finding
from checker.rule_types.base import Option, RuleType, RunView, register


@register
class MissingInChannel(RuleType):
    name = "missing_in_channel"
    kind = "missing_in_channel"
    options = (
        Option("channels", list, None, "channels that must all describe each service"),
        Option(
            "kinds", list, ["website", "webshop"], "channel kinds required when channels is unset"
        ),
        Option("services", list, None, "service ids to check (default: all)"),
    )

    def check(self, view: RunView) -> Iterator[Finding]:
        required = self.settings["channels"] or [
            name
            for name, channel in view.channels.items()
            if channel["kind"] in self.settings["kinds"]
        ]
        required = [name for name in required if name in view.channels]
        # Each market (as configured) is checked alone: a service may be offered in one country.
        markets: dict[str, list[str]] = defaultdict(list)
        for name in required:
            markets[view.market(name) or ""].append(name)
        for _, channels in sorted(markets.items()):
            if len(channels) >= 2:
                yield from self._check_market(view, channels)

    def _check_market(self, view: RunView, required: list[str]) -> Iterator[Finding]:
        wanted = self.settings["services"]
        by_service: dict[str, dict[str, list[dict[str, Any]]]] = defaultdict(
            lambda: defaultdict(list)
        )
        for claim in view.claims:
            if claim["channel"] in required and (not wanted or claim["service"] in wanted):
                by_service[claim["service"]][claim["channel"]].append(claim)
        for service, claims_by_channel in sorted(by_service.items()):
            present = {
                c
                for c, claims in claims_by_channel.items()
                if any(not x["negated"] for x in claims)
            }
            if not present:
                continue
            missing = [c for c in required if c not in claims_by_channel]
            reportable = [c for c in missing if view.complete(c)]
            if not reportable:
                continue
            yield self._finding(
                service, view.label(service), present, reportable, claims_by_channel, view
            )

    def _finding(
        self,
        service: str,
        label: str,
        present: set[str],
        missing: list[str],
        claims_by_channel: dict[str, list[dict[str, Any]]],
        view: RunView,
    ) -> Finding:
        channels: dict[str, dict[str, Any]] = {}
        for channel in sorted(present):
            claim = next(c for c in claims_by_channel[channel] if not c["negated"])
            channels[channel] = {
                "url": claim["url"],
                "value": "described",
                "evidence": claim["sentence"],
                "pages": claim["pages"],
            }
        for channel in missing:
            pages = view.channels[channel].get("pages", 0)
            channels[channel] = {
                "url": None,
                "value": "missing",
                "evidence": f"not found on any of {pages} crawled pages",
            }
        return self.finding(
            subject={"service": service, "label": label},
            channels=channels,
            message=(
                f"{label} is described on {', '.join(sorted(present))} "
                f"but not on {', '.join(missing)}"
            ),
        )
