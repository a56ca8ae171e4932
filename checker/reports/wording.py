"""How a report says things: its fixed texts in the run's language, amounts, numbers and dates
in the run's locale, and a plain-language title for each finding.

The texts are data, one YAML file per language in ``rules/messages`` (``fi.yml``, ``sv.yml``,
``en.yml``); English fills in whatever a language's file lacks. Amounts, numbers and dates are
formatted by Babel with the locale's own conventions ("1 299,00 kr", "129,90 €", "€129.90").
Titles are built from a finding's stored values, never from its English ``message``, so they
can be said in any language.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any

import yaml
from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_skeleton
from babel.numbers import format_currency, format_decimal

from rules import RULES_DIR

MESSAGES_DIR = RULES_DIR / "messages"
DEFAULT_LOCALE = "en_GB"
CURRENCY_CODE = re.compile(r"\b([A-Z]{3})\b")
# "1–3 days", "30 days", "1200 g", "2.5 years": a number or range and a unit
MEASURE = re.compile(r"^(\d+(?:\.\d+)?)(?:–(\d+(?:\.\d+)?))? ?(\S+)?$")
LEADING_NUMBER = re.compile(r"^\d+(?:\.\d+)?")
COMPARED_KINDS = ("price_mismatch", "availability_mismatch", "claim_conflict")


@cache
def catalogue(language: str) -> dict[str, Any]:
    """The messages of ``language`` over the English ones (a text it lacks stays English)."""
    english = _load("en")
    if language == "en" or not (MESSAGES_DIR / f"{language}.yml").exists():
        return english
    own = _load(language)
    return {
        key: {**value, **own.get(key, {})} if isinstance(value, dict) else own.get(key, value)
        for key, value in english.items()
    }


def _load(language: str) -> dict[str, Any]:
    with (MESSAGES_DIR / f"{language}.yml").open(encoding="utf-8") as file:
        return dict(yaml.safe_load(file))


def report_locale(locale: str | None) -> Locale:
    """Babel's locale for a configuration's ``locale`` (``fi_FI``, ``sv-SE``, ``en``)."""
    try:
        return Locale.parse((locale or DEFAULT_LOCALE).replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return Locale.parse(DEFAULT_LOCALE)


class Wording:
    """The fixed texts, formats and titles of one report."""

    def __init__(self, locale: str | None = None) -> None:
        self.locale = report_locale(locale)
        self.language = str(self.locale.language)
        self.messages = catalogue(self.language)

    # -- fixed texts ----------------------------------------------------------------------

    def text(self, key: str, count: int | None = None, **values: Any) -> str:
        """The text ``key``, its one/other form chosen by ``count`` (also given as {count})."""
        entry = self.messages["text"][key]
        if isinstance(entry, dict):
            form = self.locale.plural_form(count or 0)
            entry = entry.get(form, entry["other"])
        if count is not None:
            values["count"] = self.number(count)
        return str(entry).format(**values)

    def link(self, link: dict[str, Any]) -> str | None:
        """How an offer was linked to its product, in words ("linked by its name (96 % alike)");
        None for an offer alone in its product."""
        method, score = link.get("method"), link.get("score")
        if method in (None, "alone"):
            return None
        if f"linked_{method}" in self.messages["text"]:
            return self.text(f"linked_{method}", score=self.number(round(score or 0)))
        return self.text("linked_by", method=f"{method} {score or ''}".strip())

    def run_status(self, status: str) -> str:
        """A run's status (complete, incomplete) in this language; others as stored."""
        return self.text(status) if status in ("complete", "incomplete") else status

    def status(self, status: str) -> str:
        return str(self.messages["statuses"].get(status, status))

    def severity(self, severity: str) -> str:
        return str(self.messages["severities"].get(severity, severity))

    def kind(self, kind: str) -> str:
        return str(self.messages["kinds"].get(kind, {}).get("label", kind))

    def how_to_fix(self, kind: str) -> str:
        return str(self.messages["kinds"].get(kind, {}).get("how_to_fix", ""))

    def label(self, subject: dict[str, Any]) -> str:
        """A service's or attribute's name in this language (the vocabulary's label otherwise)."""
        key = subject.get("attribute") or subject.get("service") or ""
        own = self.messages["labels"].get(key)
        return str(own or subject.get("label") or key)

    def subject(self, finding: dict[str, Any]) -> str:
        """The product's name, or the service's or attribute's name in this language."""
        subject = finding["subject"]
        if subject.get("name"):
            return str(subject["name"])
        if subject.get("service"):
            return self.label(subject)
        keys = ("label", "sku", "gtin", "product")
        return next((str(subject[key]) for key in keys if subject.get(key)), "")

    # -- numbers, money, dates ------------------------------------------------------------

    def number(self, value: int | Decimal | str) -> str:
        return str(format_decimal(value, locale=self.locale))

    def money(self, amount: Decimal | str, currency: str | None) -> str:
        if not currency:
            return str(format_decimal(Decimal(str(amount)), format="#,##0.00", locale=self.locale))
        return str(format_currency(Decimal(str(amount)), currency, locale=self.locale))

    def date(self, value: str | date | None) -> str:
        """A date (or the date of an ISO timestamp) in the locale's medium form."""
        if not value:
            return ""
        day = value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
        return str(format_date(day, format="medium", locale=self.locale))

    def day(self, value: str) -> str:
        """A short day without the year, as under a chart's bar: "4.12.", "04/12"."""
        day = date.fromisoformat(str(value)[:10])
        return str(format_skeleton("Md", day, locale=self.locale))

    def series(self, items: list[str]) -> str:
        """ "a", "a and b", "a, b and c" in this language."""
        separator = str(self.messages["titles"]["list_separator"])
        conjunction = str(self.messages["titles"]["and"])
        if len(items) < 2:
            return "".join(items)
        return separator.join(items[:-1]) + conjunction + items[-1]

    # -- what a channel says, and a finding's title ----------------------------------------

    def value(self, finding: dict[str, Any], channel: str) -> str:
        """What ``channel`` says in ``finding``, in this locale: money with its currency,
        availability and presence in words, measures with the locale's digits."""
        seen = finding["channels"][channel]
        if seen.get("price") not in (None, ""):
            shown = self.money(seen["price"], _currency(finding, seen))
            if seen.get("valid_until"):
                shown += " " + self.text("until", date=self.date(seen["valid_until"]))
            return shown
        raw = "" if seen.get("value") is None else str(seen["value"])
        words = self.messages["values"]
        if raw in words:
            return str(words[raw])
        return "; ".join(self._measure(part) for part in raw.split("; "))

    def earlier(self, finding: dict[str, Any], channel: str, before: str | None) -> str:
        """A channel's value in the baseline (``changes[channel]["before"]``), formatted as
        its value now is."""
        seen = finding["channels"][channel]
        amount = LEADING_NUMBER.match(str(before or ""))
        earlier = {"value": before, "currency": _currency(finding, seen)}
        if seen.get("price") not in (None, "") and amount:
            earlier["price"] = amount.group(0)
        return self.value({**finding, "channels": {channel: earlier}}, channel)

    def waiver(self, finding: dict[str, Any]) -> str | None:
        """ "waived until 2026-01-31: member price", or that the waiver expired."""
        waiver = finding.get("waiver")
        if waiver:
            until = waiver.get("until")
            head = self.text("waived_until", date=until) if until else self.text("waived")
            return f"{head}: {waiver.get('reason') or ''}"
        if finding.get("waiver_expired"):
            return self.text("waiver_expired", date=finding["waiver_expired"].get("until"))
        return None

    def _measure(self, text: str) -> str:
        match = MEASURE.match(text)
        if not match:
            return text
        low, high, unit = match.groups()
        shown = self.number(Decimal(low)) + ("–" + self.number(Decimal(high)) if high else "")
        if unit:
            shown += "\N{NO-BREAK SPACE}" + str(self.messages["units"].get(unit, unit))
        return shown

    def odd_channel(self, finding: dict[str, Any]) -> str | None:
        """The one channel that says something else, when three or more channels are compared
        and all the others agree."""
        if finding["kind"] not in COMPARED_KINDS or len(finding["channels"]) < 3:
            return None
        groups = self._groups(finding, list(finding["channels"]))
        if len(groups) != 2:
            return None
        (first, first_channels), (second, second_channels) = groups.items()
        if len(first_channels) == 1:
            return first_channels[0]
        return second_channels[0] if len(second_channels) == 1 else None

    def title(self, finding: dict[str, Any]) -> str:
        """A plain-language title: "Price differs: webshop 1 299,00 kr, website 1 199,00 kr"."""
        kind, titles = finding["kind"], self.messages["titles"]
        channels = list(finding["channels"])
        if kind == "missing_in_channel":
            missing = [c for c in channels if finding["channels"][c].get("value") == "missing"]
            present = [c for c in channels if c not in missing]
            return str(titles["missing"]).format(
                missing=self.series(missing),
                present="; ".join(
                    f"{value}: {self.series(group)}"
                    for value, group in self._groups(finding, present).items()
                ),
            )
        if kind == "stale_campaign":
            stale = next(
                (c for c in channels if finding["channels"][c].get("valid_until")), channels[0]
            )
            seen = finding["channels"][stale]
            others = [c for c in channels if c != stale]
            return str(titles["stale" if others else "stale_offer"]).format(
                date=self.date(seen.get("valid_until")),
                channel=stale,
                value=self.money(seen["price"], _currency(finding, seen))
                if seen.get("price")
                else self.value(finding, stale),
                others=self._listed(finding, others),
            )
        label = self.label(finding["subject"]) if kind == "claim_conflict" else self.kind(kind)
        odd = self.odd_channel(finding)
        if odd is not None:
            rest = [c for c in channels if c != odd]
            return str(titles["differs_odd"]).format(
                label=label,
                odd=odd,
                odd_value=self.value(finding, odd),
                value=self.value(finding, rest[0]),
            )
        template = titles["attribute" if kind == "claim_conflict" else "differs"]
        return str(template).format(label=label, values=self._listed(finding, channels))

    def _groups(self, finding: dict[str, Any], channels: list[str]) -> dict[str, list[str]]:
        groups: dict[str, list[str]] = {}
        for channel in channels:
            groups.setdefault(self.value(finding, channel), []).append(channel)
        return groups

    def _listed(self, finding: dict[str, Any], channels: list[str]) -> str:
        """ "webshop 129,90 €, website 119,90 €"; channels that agree are named together."""
        groups = self._groups(finding, channels)
        separator = ", " if all(len(group) == 1 for group in groups.values()) else "; "
        return separator.join(f"{self.series(group)} {value}" for value, group in groups.items())


def _currency(finding: dict[str, Any], seen: dict[str, Any]) -> str | None:
    """A channel's currency: its own, the finding's, or the ISO code in its value."""
    if seen.get("currency"):
        return str(seen["currency"])
    details = finding.get("details") or {}
    if details.get("currency"):
        return str(details["currency"])
    found = CURRENCY_CODE.search(str(seen.get("value") or ""))
    return found.group(1) if found else None


def decimal_or_none(value: Any) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None
