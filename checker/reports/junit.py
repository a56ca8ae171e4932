"""JUnit XML: findings as test results, for CI systems that show test reports.

One ``testsuite`` per rule. A new or persisting finding is a failed test case, a waived one is
skipped with the waiver's reason, a finding resolved since the baseline is a passing test case,
and each channel whose crawl was incomplete is a test case with an error.
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any
from xml.etree import ElementTree

from checker.reports.model import Report, subject_label

# characters XML 1.0 cannot hold at all; crawled text sometimes has them
NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def render(report: Report) -> str:
    suites: dict[str, list[ElementTree.Element]] = defaultdict(list)
    for finding in report.findings:
        suites[finding["rule"]].append(_finding_case(finding))
    for finding in report.resolved:
        suites[finding["rule"]].append(_case(finding))
    for channel in report.channels:
        case = ElementTree.Element(
            "testcase", classname="omnicheck.crawl", name=f"crawl {channel['channel']}"
        )
        if not channel["complete"]:
            ElementTree.SubElement(
                case, "error", message=f"incomplete crawl: {channel['note']}", type="incomplete"
            )
        suites["crawl"].append(case)
    root = ElementTree.Element("testsuites", name=f"omnicheck run {report.run['id']}")
    for name, cases in suites.items():
        suite = ElementTree.SubElement(
            root,
            "testsuite",
            name=name,
            tests=str(len(cases)),
            failures=str(sum(1 for c in cases if c.find("failure") is not None)),
            errors=str(sum(1 for c in cases if c.find("error") is not None)),
            skipped=str(sum(1 for c in cases if c.find("skipped") is not None)),
        )
        suite.extend(cases)
    for attribute in ("tests", "failures", "errors", "skipped"):
        root.set(attribute, str(sum(int(s.get(attribute, "0")) for s in root)))
    ElementTree.indent(root)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        + ElementTree.tostring(root, encoding="unicode")
        + "\n"
    )


def _case(finding: dict[str, Any]) -> ElementTree.Element:
    """A test case named by what does not change between runs, so CI can follow it."""
    channels = ", ".join(finding["channels"])
    return ElementTree.Element(
        "testcase",
        classname=f"omnicheck.{finding['kind']}",
        name=_text(f"{subject_label(finding)} [{channels}] {finding['fingerprint']}"),
    )


def _text(value: object) -> str:
    return NOT_XML.sub("\ufffd", str(value))


def _finding_case(finding: dict[str, Any]) -> ElementTree.Element:
    case = _case(finding)
    if finding["status"] == "waived":
        waiver = finding.get("waiver") or {}
        until = f" (until {waiver['until']})" if waiver.get("until") else ""
        ElementTree.SubElement(
            case, "skipped", message=_text(f"waived: {waiver.get('reason')}{until}")
        )
        return case
    failure = ElementTree.SubElement(
        case, "failure", message=_text(finding["message"]), type=finding["status"]
    )
    failure.text = _text(
        "\n".join(
            f"{channel}: {seen.get('value')} {seen.get('url') or ''} {seen.get('evidence') or ''}"
            for channel, seen in finding["channels"].items()
        )
    )
    return case
