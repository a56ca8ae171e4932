"""Every data file the code reads ships in the package: an installed omnicheck (not an editable
checkout) must find its rule packs, vocabularies, message catalogues, templates and demo site."""

from __future__ import annotations

import subprocess
import tomllib

from tests.conftest import ROOT


def test_every_tracked_data_file_is_package_data() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    globs: dict[str, list[str]] = config["tool"]["setuptools"]["package-data"]
    shipped = {
        path.relative_to(ROOT).as_posix()
        for package, patterns in globs.items()
        for pattern in patterns
        for path in (ROOT / package).glob(pattern)
        if path.is_file()
    }
    tracked = subprocess.run(
        ["git", "ls-files", "rules", "crawler", "checker"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    data = [path for path in tracked if not path.endswith((".py", ".typed"))]
    assert data  # the check looks at something
    assert sorted(set(data) - shipped) == []
