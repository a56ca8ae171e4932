"""An inline SVG chart of findings per run: new, persisting and waived stacked above the axis,
resolved below it. Plain SVG markup, so it draws offline, in e-mail viewers and in print."""

from __future__ import annotations

from typing import Any

COLORS = {"new": "#d64545", "persisting": "#e8a33d", "waived": "#9aa0aa", "resolved": "#3b9b5a"}
STACKED = ("new", "persisting", "waived")
WIDTH, HEIGHT, MARGIN, LEGEND = 720, 240, 36, 22


def history_chart(history: list[dict[str, Any]]) -> str:
    """SVG of ``checker.findings.history.run_history`` entries (oldest first)."""
    if not history:
        return "<p>No checked runs yet.</p>"
    top = max(max(sum(entry[s] for s in STACKED) for entry in history), 1)
    bottom = max(entry["resolved"] for entry in history)
    plot = HEIGHT - 2 * MARGIN - LEGEND
    scale = plot / (top + bottom)
    axis = MARGIN + LEGEND + top * scale
    slot = (WIDTH - 2 * MARGIN) / len(history)
    bar = min(slot * 0.7, 48)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" '
        f'style="max-width:{WIDTH}px" role="img" aria-label="Findings per run">',
    ]
    for index, status in enumerate((*STACKED, "resolved")):
        left = MARGIN + index * 110
        parts.append(
            f'<rect x="{left}" y="6" width="12" height="12" fill="{COLORS[status]}"/>'
            f'<text x="{left + 16}" y="16" font-size="12">{status}</text>'
        )
    for index, entry in enumerate(history):
        x = MARGIN + index * slot + (slot - bar) / 2
        y = axis
        for status in STACKED:
            height = entry[status] * scale
            y -= height
            parts.append(_bar(x, y, bar, height, status, entry))
        parts.append(_bar(x, axis, bar, entry["resolved"] * scale, "resolved", entry))
        parts.append(
            f'<text x="{x + bar / 2:.1f}" y="{HEIGHT - 8}" font-size="11" text-anchor="middle">'
            f"run {entry['run']}</text>"
        )
        total = sum(entry[s] for s in STACKED)
        parts.append(
            f'<text x="{x + bar / 2:.1f}" y="{y - 3:.1f}" font-size="11" text-anchor="middle">'
            f"{total}</text>"
        )
    parts.append(
        f'<line x1="{MARGIN}" y1="{axis:.1f}" x2="{WIDTH - MARGIN}" y2="{axis:.1f}" '
        'stroke="#555" stroke-width="1"/></svg>'
    )
    return "".join(parts)


def _bar(x: float, y: float, width: float, height: float, status: str, entry: dict) -> str:
    if height <= 0:
        return ""
    return (
        f'<rect class="bar-{status}" x="{x:.1f}" y="{y:.1f}" width="{width:.1f}" '
        f'height="{height:.1f}" fill="{COLORS[status]}"><title>run {entry["run"]}: '
        f"{entry[status]} {status}</title></rect>"
    )
