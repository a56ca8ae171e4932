"""omnicheck's version, as installed (or the source checkout's when it is not)."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("omnicheck")
except PackageNotFoundError:  # running from a source checkout that is not installed
    __version__ = "0.1.0"
