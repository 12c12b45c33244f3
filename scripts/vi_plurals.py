"""Vietnamese has one plural form: give each plural entry of the vi catalogue its msgid as msgstr[0].

`msgen` fills singular entries only; this completes the plural ones (called by scripts/messages).
"""

import sys
from pathlib import Path


def fill(text: str) -> str:
    out, entry = [], []
    for line in [*text.split("\n"), ""]:
        if line.strip() == "" and entry:
            out.extend(_fill_entry(entry))
            entry = []
        if line.strip() == "":
            out.append(line)
        else:
            entry.append(line)
    return "\n".join(out[:-1])


def _fill_entry(lines: list[str]) -> list[str]:
    """msgstr[0] "" of a plural entry becomes a copy of its msgid's (possibly multi-line) string."""
    if not any(line.startswith("msgid_plural ") for line in lines) or 'msgstr[0] ""' not in lines:
        return lines
    start = next(i for i, line in enumerate(lines) if line.startswith("msgid "))
    end = next(i for i, line in enumerate(lines) if line.startswith("msgid_plural "))
    msgid = lines[start:end]
    at = lines.index('msgstr[0] ""')
    if at + 1 < len(lines) and lines[at + 1].startswith('"'):
        return lines  # a multi-line msgstr[0] that is not empty
    return [*lines[:at], "msgstr[0] " + msgid[0][len("msgid ") :], *msgid[1:], *lines[at + 1 :]]


if __name__ == "__main__":
    path = Path(sys.argv[1])
    path.write_text(fill(path.read_text(encoding="utf-8")), encoding="utf-8")
