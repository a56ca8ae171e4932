"""The chart of findings per run: new, persisting and waived stacked above the axis, resolved
below it. This module works out the geometry; ``templates/chart.svg.j2`` draws it as plain inline
SVG, so it shows offline, in e-mail viewers and in print."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

COLORS = {"new": "#d64545", "persisting": "#e8a33d", "waived": "#9aa0aa", "resolved": "#3b9b5a"}
STACKED = ("new", "persisting", "waived")
WIDTH, HEIGHT, MARGIN, LEGEND = 720, 240, 36, 22


def history_chart(
    history: list[dict[str, Any]], day: Callable[[str], str] = str
) -> dict[str, Any] | None:
    """Bars and labels for ``checker.findings.history.run_history`` entries (oldest first);
    ``day`` writes the date a run started under its bar."""
    if not history:
        return None
    top = max(max(sum(entry[s] for s in STACKED) for entry in history), 1)
    bottom = max(entry["resolved"] for entry in history)
    scale = (HEIGHT - 2 * MARGIN - LEGEND) / (top + bottom)
    axis = MARGIN + LEGEND + top * scale
    slot = (WIDTH - 2 * MARGIN) / len(history)
    width = min(slot * 0.7, 48)
    columns = []
    for index, entry in enumerate(history):
        x = MARGIN + index * slot + (slot - width) / 2
        y = axis
        bars = []
        for status in STACKED:
            height = entry[status] * scale
            y -= height
            bars.append(_bar(x, y, width, height, status, entry[status]))
        bars.append(_bar(x, axis, width, entry["resolved"] * scale, "resolved", entry["resolved"]))
        columns.append(
            {
                "run": entry["run"],
                "started": entry["started"],
                "day": day(entry["started"]),
                "bars": [bar for bar in bars if bar],
                "middle": f"{x + width / 2:.1f}",
                "top": f"{y - 3:.1f}",
                "total": sum(entry[s] for s in STACKED),
            }
        )
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "margin": MARGIN,
        "axis": f"{axis:.1f}",
        "legend": [
            {"x": MARGIN + index * 110, "status": status, "color": COLORS[status]}
            for index, status in enumerate((*STACKED, "resolved"))
        ],
        "columns": columns,
    }


def _bar(
    x: float, y: float, width: float, height: float, status: str, count: int
) -> dict[str, Any] | None:
    if height <= 0:
        return None
    return {
        "status": status,
        "count": count,
        "color": COLORS[status],
        "x": f"{x:.1f}",
        "y": f"{y:.1f}",
        "width": f"{width:.1f}",
        "height": f"{height:.1f}",
    }
