"""Chinese text on a widget drawn over another (a notification, a menu) keeps every character.

Textual draws each screen line in pieces ("chops") cut wherever any widget starts or ends,
and takes each piece from the front-most widget there. A Chinese character takes two
columns: when the edge of a widget *underneath* falls between its two columns, the front
widget's line is cut through the character and Rich fills both halves with spaces, so
"1 个问题需要修正" shows as "1 个问  需要修正" where a notification passes over a form
field's border (Textual issue 6357, open as of Textual 8.2).

``install`` keeps only the cuts that matter: a cut between two pieces the same widget wins
is dropped, so a front widget's line is only ever cut at its own edges or where another
widget in front of it begins; a widget behind it is cut where its pieces start, its own
edge under the front widget or not. The screen shows exactly what it did (every piece still
comes from the widget that wins it); English lines come out as before.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, cast

import textual
from rich.console import Console
from rich.control import Control
from textual._compositor import ChopsUpdate, Compositor
from textual.geometry import Region
from textual.strip import Strip

# The version whose Compositor.cuts, Compositor._render_chops and ChopsUpdate.render_segments
# these replace.
TEXTUAL = "8.2."
_installed = False


def _winning_cuts(compositor: Any) -> list[list[int]]:
    """The compositor's cuts, less those with the same front-most widget on both sides."""
    if compositor._cuts is not None:
        return compositor._cuts  # type: ignore[no-any-return]
    width, height = compositor.size
    cuts = [[0, width] for _ in range(height)]
    spans = []
    intersection = Region.intersection
    for region, clip in compositor.visible_widgets.values():  # front to back
        x, y, region_width, region_height = intersection(region, clip)
        if region_width and region_height:
            spans.append((x, x + region_width, y, y + region_height))
            for line in cuts[y : y + region_height]:
                line += (x, x + region_width)
    lines = [sorted(set(line)) for line in cuts]
    # The front-most widget of each piece: the first, front to back, that covers it.
    winners: list[list[int]] = [[-1] * (len(line) - 1) for line in lines]
    for index, (left, right, top, bottom) in enumerate(spans):
        for y in range(max(top, 0), min(bottom, height)):
            line, won = lines[y], winners[y]
            for piece in range(bisect_left(line, left), bisect_left(line, right)):
                if won[piece] < 0:
                    won[piece] = index
    kept = []
    for line, won in zip(lines, winners, strict=True):
        inner = [
            cut
            for piece, cut in enumerate(line[1:-1], start=1)
            if won[piece - 1] != won[piece] or won[piece] < 0
        ]
        kept.append([line[0], *inner, line[-1]])
    compositor._cuts = kept
    return kept


def _render_chops(
    compositor: Any, crop: Region, is_rendered_line: Callable[[int], bool]
) -> Sequence[Mapping[int, Strip]]:
    """Textual's own, for cuts that need not include every widget's edges: a widget whose
    edge was dropped lies under the front widget there, and its part there is not shown."""
    cuts = compositor.cuts
    chops: list[dict[int, Strip | None]] = [dict.fromkeys(line[:-1]) for line in cuts]
    intersection = Region.intersection
    for region, clip, strips in compositor._get_renders(crop):
        render_region = intersection(region, clip)
        render_x = render_region.x
        first_cut, last_cut = render_region.column_span
        for y, strip in zip(render_region.line_range, strips, strict=False):
            if not is_rendered_line(y):
                continue
            starts = [cut for cut in cuts[y] if first_cut <= cut < last_cut]
            if not starts:
                continue  # wholly under a front widget on this line
            ends = [*starts[1:], last_cut]
            if starts[0] != first_cut:
                ends.insert(0, starts[0])  # the part before the first cut is not shown
            pieces = strip.divide([end - render_x for end in ends])
            if starts[0] != first_cut:
                pieces = pieces[1:]
            chops_line = chops[y]
            for cut, piece in zip(starts, pieces, strict=False):
                if chops_line.get(cut) is None:  # front to back: the first one wins
                    chops_line[cut] = piece
    return cast("Sequence[Mapping[int, Strip]]", chops)


def _render_segments(update: Any, console: Console) -> str:
    """Textual's own, writing each piece a changed span touches whole: a piece may now
    reach past the span (it is one widget's, merged over a widget underneath), and cutting
    it where the span ends could halve a character again. What is written is what the
    screen shows there, so writing it all is only a few more bytes."""
    sequences: list[str] = []
    append = sequences.append
    move_to = Control.move_to
    last_y = update.spans[-1][0]
    for y, x1, x2 in update.spans:
        for end, (x, strip) in zip(update.chop_ends[y], update.chops[y].items(), strict=False):
            if strip is None or x > x2 or end <= x1:
                continue
            append(move_to(x, y).segment.text)
            append(strip.render(console))
        if y != last_y:
            append("\n")
    return "".join(sequences)


def textual_version() -> str:
    """The installed Textual's version, from the name of its metadata folder beside the
    package (``textual-8.2.8.dist-info``): ``textual.__version__`` imports
    importlib.metadata, a tenth of the app's own start-up. Where that folder is not found
    once (another layout), ``textual.__version__``."""
    beside = Path(textual.__file__).parent.parent
    found = [p.name for p in beside.glob("textual-*.dist-info")]
    if len(found) == 1:
        return found[0].removeprefix("textual-").removesuffix(".dist-info")
    return str(textual.__version__)


def install() -> bool:
    """Use ``_winning_cuts`` for every screen's compositor (once per process). Only for
    the Textual these were written against (8.2): another keeps its own, and says so."""
    global _installed
    if not _installed and textual_version().startswith(TEXTUAL):
        Compositor.cuts = property(_winning_cuts)  # type: ignore[method-assign,assignment]
        Compositor._render_chops = _render_chops  # type: ignore[method-assign,assignment]
        ChopsUpdate.render_segments = _render_segments  # type: ignore[method-assign,assignment]
        _installed = True
    return _installed
