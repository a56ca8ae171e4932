"""Exit codes, in one place: documented in the README and every command's --help, relied on
by CI pipelines. 1 means findings and nothing else: a crash is 4, never 1."""

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0  # the run finished and no finding fails the chosen --fail-on policy
    FINDINGS = 1  # findings that fail the policy (by default: new ones)
    USAGE = 2  # bad command line, configuration or database
    INCOMPLETE = 3  # a channel's crawl was incomplete or interrupted; takes precedence over 1
    ERROR = 4  # an internal error (a bug) or a storage error (disk full, read-only, locked)
