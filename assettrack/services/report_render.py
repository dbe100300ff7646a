"""A small report model and its renderers: Markdown, HTML (escaped) and PDF.

Reports are built once as sections of blocks (fields, tables, paragraphs, signature lines,
photos) and rendered to each format from the same structure, so the formats never drift apart.

PDF: ReportLab with its built-in CID font ``STSong-Light`` (Adobe's Song font for Simplified
Chinese, which also has Latin glyphs). A PDF reader supplies the glyphs, so no font file is
shipped and Chinese text stays extractable (searchable, copyable) in the PDF.

A report carries its language (``Report.language``); the few words the renderers add
themselves (the signature table's heads, an empty table's note) are written in it.
"""

from __future__ import annotations

import html
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assettrack.i18n import N_, _, pgettext, using

PDF_FONT = "STSong-Light"
IMAGE_MAX_HEIGHT_MM = 90  # two photos and their captions fit an A4 page
IMAGE_MAX_PIXELS = 1600  # a phone's 12-megapixel photo is shrunk: the PDF stays small


@dataclass(frozen=True)
class Fields:
    rows: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Table:
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    empty: str = N_("none")  # said when there are no rows (translated when written)


@dataclass(frozen=True)
class Paragraph:
    text: str


@dataclass(frozen=True)
class Signatures:
    """(role, name, when) - an empty name leaves a line to sign on paper."""

    rows: tuple[tuple[str, str, str], ...]


@dataclass(frozen=True)
class Images:
    """Photos, each (path of the file, caption): scaled to the page in the PDF; one that
    cannot be read is a line saying so, never a failed report."""

    rows: tuple[tuple[Path, str], ...]


Block = Fields | Table | Paragraph | Signatures | Images


@dataclass
class Section:
    title: str
    blocks: list[Block] = field(default_factory=list)


@dataclass
class Report:
    title: str
    subtitle: str = ""
    sections: list[Section] = field(default_factory=list)
    language: str = ""  # the catalog it was written in; "" for the current one


# -- Markdown -----------------------------------------------------------------------------


def _md_cell(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ").strip() or " "


def _md_caption(text: str) -> str:
    # Inside ![...] a bracket or a line break would end the caption early.
    cleaned = " ".join(text.split())
    for char in "\\[]*_`":
        cleaned = cleaned.replace(char, "\\" + char)
    return cleaned


def _uri(path: Path) -> str:
    return Path(path).absolute().as_uri()


def to_markdown(report: Report) -> str:
    with using(report.language or None):
        return _to_markdown(report)


def _to_markdown(report: Report) -> str:
    out = [f"# {report.title}", ""]
    if report.subtitle:
        out += [report.subtitle, ""]
    for section in report.sections:
        out += [f"## {section.title}", ""]
        for block in section.blocks:
            if isinstance(block, Fields):
                out += ["| | |", "|---|---|"]
                out += [f"| **{_md_cell(k)}** | {_md_cell(v)} |" for k, v in block.rows]
            elif isinstance(block, Table):
                if not block.rows:
                    out.append(f"_{_(block.empty)}_")
                else:
                    out.append("| " + " | ".join(_md_cell(h) for h in block.headers) + " |")
                    out.append("|" + "---|" * len(block.headers))
                    out += ["| " + " | ".join(_md_cell(c) for c in r) + " |" for r in block.rows]
            elif isinstance(block, Paragraph):
                out.append(block.text)
            elif isinstance(block, Images):
                for number, (path, caption) in enumerate(block.rows):
                    shown = _md_caption(caption)
                    out += ([""] if number else []) + [
                        f"![{shown}]({_uri(path)})",
                        "",
                        f"_{shown}_",
                    ]
            else:
                for role, name, when in block.rows:
                    out.append(f"**{role}:** {name or '______________'}  {when or '____-__-__'}  ")
            out.append("")
    return "\n".join(out).rstrip() + "\n"


# -- HTML ---------------------------------------------------------------------------------

_CSS = """
body { font-family: "Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC", sans-serif;
       max-width: 60em; margin: 2em auto; color: #222; }
table { border-collapse: collapse; margin: 0.5em 0 1em; width: 100%; }
th, td { border: 1px solid #999; padding: 0.25em 0.5em; text-align: left; vertical-align: top; }
th { background: #eee; }
.fields th { width: 14em; }
.sign td { height: 3em; }
.empty { color: #777; font-style: italic; }
figure { margin: 0.5em 0 1em; }
figure img { max-width: 100%; max-height: 90mm; }
figcaption { color: #555; font-size: 0.9em; }
"""


def _signature_heads() -> tuple[str, str, str]:
    # "Role" here is who signs (engineer, customer), not a contact's job title.
    return (pgettext("signatures", "Role"), _("Name"), _("Date"))


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def to_html(report: Report) -> str:
    with using(report.language or None):
        return _to_html(report)


def _to_html(report: Report) -> str:
    out = [
        "<!DOCTYPE html>",
        '<html lang="zh-CN"><head><meta charset="utf-8">',
        f"<title>{_e(report.title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{_e(report.title)}</h1>",
    ]
    if report.subtitle:
        out.append(f"<p>{_e(report.subtitle)}</p>")
    for section in report.sections:
        out.append(f"<h2>{_e(section.title)}</h2>")
        for block in section.blocks:
            if isinstance(block, Fields):
                out.append('<table class="fields">')
                out += [f"<tr><th>{_e(k)}</th><td>{_e(v)}</td></tr>" for k, v in block.rows]
                out.append("</table>")
            elif isinstance(block, Table):
                if not block.rows:
                    out.append(f'<p class="empty">{_e(_(block.empty))}</p>')
                    continue
                out.append("<table><tr>" + "".join(f"<th>{_e(h)}</th>" for h in block.headers))
                out.append("</tr>")
                out += [
                    "<tr>" + "".join(f"<td>{_e(c)}</td>" for c in row) + "</tr>"
                    for row in block.rows
                ]
                out.append("</table>")
            elif isinstance(block, Paragraph):
                out.append(f"<p>{_e(block.text)}</p>")
            elif isinstance(block, Images):
                out += [
                    f'<figure><img src="{_e(_uri(path))}" alt="{_e(caption)}">'
                    f"<figcaption>{_e(caption)}</figcaption></figure>"
                    for path, caption in block.rows
                ]
            else:
                heads = "".join(f"<th>{_e(h)}</th>" for h in _signature_heads())
                out.append(f'<table class="sign"><tr>{heads}</tr>')
                out += [
                    f"<tr><td>{_e(role)}</td><td>{_e(name)}</td><td>{_e(when)}</td></tr>"
                    for role, name, when in block.rows
                ]
                out.append("</table>")
    out.append("</body></html>")
    return "\n".join(out) + "\n"


# -- PDF ----------------------------------------------------------------------------------


def to_pdf(report: Report) -> bytes:
    """The report as an A4 PDF whose text (Chinese included) can be extracted."""
    with using(report.language or None):
        return _to_pdf(report)


def _to_pdf(report: Report) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph as P
    from reportlab.platypus import SimpleDocTemplate, Spacer
    from reportlab.platypus import Table as T

    if PDF_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(PDF_FONT))
    body = ParagraphStyle("body", fontName=PDF_FONT, fontSize=9.5, leading=13, wordWrap="CJK")
    bold = ParagraphStyle("bold", parent=body, textColor=colors.HexColor("#333333"))
    h1 = ParagraphStyle("h1", parent=body, fontSize=16, leading=22, spaceAfter=4)
    h2 = ParagraphStyle("h2", parent=body, fontSize=12, leading=17, spaceBefore=8, spaceAfter=4)
    grid = [
        ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]
    width = A4[0] - 36 * mm

    def para(text: str, style: ParagraphStyle = body) -> P:
        # Paragraph text is a small XML dialect: escape it, keep line breaks.
        return P(html.escape(text, quote=False).replace("\n", "<br/>"), style)

    story: list = [para(report.title, h1)]
    if report.subtitle:
        story.append(para(report.subtitle))
    for section in report.sections:
        story.append(para(section.title, h2))
        for block in section.blocks:
            if isinstance(block, Fields):
                data = [[para(k, bold), para(v)] for k, v in block.rows]
                table = T(data, colWidths=[width * 0.3, width * 0.7])
                table.setStyle([*grid, ("BACKGROUND", (0, 0), (0, -1), colors.whitesmoke)])
                story.append(table)
            elif isinstance(block, Table):
                if not block.rows:
                    story.append(para(_(block.empty)))
                    continue
                data = [[para(h, bold) for h in block.headers]]
                data += [[para(c) for c in row] for row in block.rows]
                table = T(data, colWidths=[width / len(block.headers)] * len(block.headers))
                table.setStyle([*grid, ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke)])
                table.repeatRows = 1
                story.append(table)
            elif isinstance(block, Paragraph):
                story.append(para(block.text))
            elif isinstance(block, Images):
                for path, caption in block.rows:
                    story += _pdf_image(path, caption, width, IMAGE_MAX_HEIGHT_MM * mm, para)
            else:
                data = [[para(head, bold) for head in _signature_heads()]]
                data += [[para(r), para(n), para(w)] for r, n, w in block.rows]
                table = T(
                    data,
                    colWidths=[width * 0.3, width * 0.4, width * 0.3],
                    rowHeights=[None] + [12 * mm] * len(block.rows),  # room to sign
                )
                table.setStyle(grid)
                story.append(table)
            story.append(Spacer(1, 3 * mm))
    # Built in memory, so the file is written whole (write_report) or not at all.
    out = io.BytesIO()
    document = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=16 * mm,
        title=report.title,
        author="assettrack",
    )
    document.build(story)
    return out.getvalue()


def _pdf_image(
    path: Path, caption: str, width: float, height: float, para: Callable[[str], Any]
) -> list[Any]:
    """A photo scaled to fit ``width`` x ``height`` (aspect kept) above its caption, or a
    line saying why it could not be read."""
    from reportlab.platypus import Image, KeepTogether

    try:
        data, (pixels_wide, pixels_high) = _pdf_image_data(Path(path))
    except Exception as exc:  # any unreadable image is one line, not a failed report
        said = _("{caption} (image could not be read: {reason})")
        return [para(said.format(caption=caption, reason=_image_problem(exc)))]
    # One pixel is one point unless that is too big: small images are not blown up.
    scale = min(1.0, width / pixels_wide, height / pixels_high)
    image = Image(data, width=pixels_wide * scale, height=pixels_high * scale)
    image.hAlign = "LEFT"
    return [KeepTogether([image, para(caption)])]


def _pdf_image_data(path: Path) -> tuple[io.BytesIO, tuple[int, int]]:
    """The photo upright (as the camera's orientation tag says), without transparency and
    at most ``IMAGE_MAX_PIXELS`` on its long side, as JPEG or PNG bytes."""
    from PIL import Image as PILImage
    from PIL import ImageOps

    with PILImage.open(path) as opened:
        opened.seek(0)  # the first frame of a GIF or a multi-page TIFF
        picture = ImageOps.exif_transpose(opened)
        picture.thumbnail((IMAGE_MAX_PIXELS, IMAGE_MAX_PIXELS))
        if picture.mode in ("RGBA", "LA", "P", "PA"):
            rgba = picture.convert("RGBA")
            flat = PILImage.new("RGB", rgba.size, "white")
            flat.paste(rgba, mask=rgba.getchannel("A"))
            picture, kind = flat, "PNG"
        else:
            picture, kind = picture.convert("RGB"), "JPEG"
        out = io.BytesIO()
        picture.save(out, kind, quality=85) if kind == "JPEG" else picture.save(out, kind)
    out.seek(0)
    return out, picture.size


def _image_problem(exc: Exception) -> str:
    if isinstance(exc, FileNotFoundError):
        return _("file not on this computer")
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror.lower()
    text = str(exc).split(" '")[0].strip() or type(exc).__name__
    return text[0].lower() + text[1:]


FORMATS = ("md", "html", "pdf")


def write_report(report: Report, fmt: str, path: Path) -> None:
    """Write the report to ``path`` whole; a failure is a ``FileWriteError`` and leaves the
    previous file as it was."""
    from assettrack.files import write_user_file

    if fmt == "pdf":
        data = to_pdf(report)
    elif fmt == "html":
        data = to_html(report).encode("utf-8")
    elif fmt == "md":
        data = to_markdown(report).encode("utf-8")
    else:
        raise ValueError(f"unknown report format {fmt!r}")
    write_user_file(path, data)
