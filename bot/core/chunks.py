"""Long text split for platforms that limit the size of a message or of a block."""

from __future__ import annotations

from collections.abc import Callable, Iterable

CUT = "…"  # marks where a line too long for one chunk was cut, on both sides


def pack_lines(
    lines: Iterable[str], *, limit: int, cut_at: Callable[[str, int], int] | None = None
) -> list[str]:
    """Whole lines packed, in order, into chunks of at most `limit` characters (`limit` > 2).

    A line longer than `limit` is cut rather than lost, each cut marked with "…"; `cut_at(line,
    limit)` says where, so a platform never cuts inside one of its entities (by default, as
    late as fits). Blank chunks are left out.
    """
    chunks: list[str] = []
    current = ""
    for line in lines:
        while len(line) > limit:
            if current:
                chunks.append(current)
                current = ""
            end = cut_at(line, limit) if cut_at else limit - len(CUT)
            end = max(end, len(CUT) + 1)  # always some of the line, so the loop ends
            chunks.append(line[:end] + CUT)
            line = CUT + line[end:]
        if current and len(current) + 1 + len(line) > limit:
            chunks.append(current)
            current = line
        else:
            current = f"{current}\n{line}" if current else line
    chunks.append(current)
    return [chunk for chunk in chunks if chunk.strip()]
