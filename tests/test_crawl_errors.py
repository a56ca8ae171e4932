"""Network failures and user mistakes never print a traceback without --debug: the CLI runs in
a subprocess against a refused port, a host that does not resolve (.invalid), a server that
resets connections and one that speaks no TLS, and says one line per failure reason with its
count; the details go to the log file beside the database.
"""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from checker.demo import serve_handler
from tests.conftest import run_omnicheck
from tests.fault_server import FaultServer, Resetting, fast_settings, serve

pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def write_config(path: Path, starts: dict[str, str]) -> Path:
    lines = ["name: Vikakauppa", "currency: EUR", "channels:"]
    for name, start in starts.items():
        lines += [f"  - name: {name}", "    kind: website", f"    start_urls: ['{start}']"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_network_failures_are_one_line_per_reason_and_never_a_traceback(tmp_path: Path) -> None:
    with serve_handler(Resetting) as resetting, serve(FaultServer()) as plain:
        starts = {
            "refused": f"http://127.0.0.1:{free_port()}/kauppa/",
            "unresolvable": "http://kauppa.omnicheck-test.invalid/",
            "resetting": f"{resetting}/kauppa/",
            "no-tls": plain.replace("http://", "https://") + "/kauppa/",
        }
        config = write_config(tmp_path / "omnicheck.yml", starts)
        database = tmp_path / "results.db"
        result = run_omnicheck("run", "-c", str(config), "--db", str(database), *fast_settings())

    assert result.returncode == 3, result.stderr
    assert "Traceback" not in result.stderr
    reasons = {
        "refused": "connection refused",
        "unresolvable": "DNS lookup failed for kauppa.omnicheck-test.invalid",
        "resetting": "connection closed before any answer",
        "no-tls": "TLS error: ",
    }
    lines = result.stderr.splitlines()
    for name, reason in reasons.items():
        # one line per channel and reason, with the count and the URL
        [line] = [line for line in lines if line.strip().startswith(f"{name}: 1 failed: ")]
        assert line.strip().startswith(f"{name}: 1 failed: {reason}"), line
        assert line.endswith(f"({starts[name]})"), line
    log = Path(f"{database}.log")
    [details] = [line for line in lines if line.startswith("details: ")]
    assert details.endswith(f"warnings and errors in {log}")
    assert "Traceback" in log.read_text(encoding="utf-8")  # the details are kept, in the log
    assert len(lines) < 20, result.stderr


def test_with_debug_the_crawl_logs_everything_to_the_terminal(tmp_path: Path) -> None:
    config = write_config(
        tmp_path / "omnicheck.yml", {"refused": f"http://127.0.0.1:{free_port()}/kauppa/"}
    )
    database = tmp_path / "results.db"
    result = run_omnicheck(
        "--debug", "crawl", "-c", str(config), "--db", str(database), *fast_settings()
    )
    assert result.returncode == 3, result.stderr
    assert "[scrapy.crawler] DEBUG: Using AsyncCrawlerProcess" in result.stderr
    assert "Traceback" in result.stderr
    assert not Path(f"{database}.log").exists()


def test_mistakes_are_one_line_without_a_traceback(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yml"
    broken.write_text("name: [unclosed\n", encoding="utf-8")
    good = write_config(tmp_path / "good.yml", {"shop": f"http://127.0.0.1:{free_port()}/"})
    wrong_kind = tmp_path / "kind.yml"
    wrong_kind.write_text(good.read_text().replace("website", "shop"), encoding="utf-8")
    database = str(tmp_path / "results.db")
    with serve_handler(Resetting) as resetting:
        cases = {
            "yaml": ["check", "-c", str(broken)],
            "kind": ["run", "-c", str(wrong_kind), "--db", database],
            "missing file": ["run", "-c", str(tmp_path / "none.yml"), "--db", database],
            "setting": ["crawl", "-c", str(good), "--db", database, "-s", "DELAY"],
            "setting value": ["run", "-c", str(good), "--db", database, "-s", "DOWNLOAD_DELAY=x"],
            "database": ["report", "--db", str(tmp_path / "none.db")],
            "reset page": ["extract", f"{resetting}/tuote.html"],
            "unresolvable page": ["extract", "http://kauppa.omnicheck-test.invalid/"],
        }
        results = {name: run_omnicheck(*arguments) for name, arguments in cases.items()}
    for name, result in results.items():
        assert result.returncode == 2, (name, result.stderr)
        assert "Traceback" not in result.stderr, name
        [line] = result.stderr.splitlines()
        assert line.startswith("error: "), (name, line)
