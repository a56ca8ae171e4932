"""Exit codes, in one place: documented in the README and relied on by CI pipelines."""

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0  # the run finished and no finding fails the chosen --fail-on policy
    FINDINGS = 1  # findings that fail the policy (by default: new ones)
    USAGE = 2  # bad command line, configuration or database
    INCOMPLETE = 3  # a channel's crawl was incomplete; takes precedence over FINDINGS
