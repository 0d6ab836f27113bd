"""The `.ics` files the console printed, parsed back with icalendar."""

from __future__ import annotations

import icalendar


def ics_files(out: str) -> list[icalendar.Calendar]:
    """Every `.ics` file the console printed (its lines indented under “📎 name:”), parsed."""
    files, lines, inside = [], out.splitlines(), False
    current: list[str] = []
    for line in lines:
        if ".ics:" in line and "📎" in line:
            inside, current = True, []
        elif inside and line.startswith("      "):
            current.append(line[6:])
        elif inside:
            files.append(icalendar.Calendar.from_ical("\r\n".join(current) + "\r\n"))
            inside = False
    if inside:
        files.append(icalendar.Calendar.from_ical("\r\n".join(current) + "\r\n"))
    return files
