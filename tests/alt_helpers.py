"""Reading a chart's alt text back: `Diagram: <title>. <what it shows>`."""

from __future__ import annotations

import re

# A chart's title holds no full stop before a capital (`pr. år`, `31. okt. 2026` do not count); what the chart
# shows starts with one (test_charts checks both on every chart).
_ALT = re.compile(r"Diagram: (?P<title>.+?)\. (?P<shows>[A-ZÆØÅ].*)", re.DOTALL)


def split_alt(alt: str) -> tuple[str, str]:
    """The title and what the chart shows; the whole text after `Diagram: ` and "" when it says only its title."""
    match = _ALT.fullmatch(alt)
    if match is None:
        return alt.removeprefix("Diagram: ").removesuffix("."), ""
    return match["title"], match["shows"]
