"""The command line's help in the current language.

Click help texts stay English in the code (docstrings, ``help=``); the extractor takes them
into the catalog (``extract.python_texts``) and this formatter translates each text as it
is written: the command's help, every option's (with click's ``[default: …]`` notes), the
headings and the usage line. Chinese is wrapped by terminal cells (two per character) and
never breaks before closing punctuation. ``translate_command`` puts the formatter on a
command and its sub-commands, and gives each a short help from the translated text (click
would cut the English one); it also makes click's own messages (its errors) speak the
language (``click_texts``). English output is click's own, byte for byte.
"""

from __future__ import annotations

import inspect
import re
import unicodedata
import weakref
from collections.abc import Iterable, Iterator

import click
from click.formatting import iter_rows, measure_table, wrap_text

from assettrack.i18n import N_, _, current_language
from assettrack.i18n.formats import cells

# Click's own words (it asks the stdlib's gettext, which has no catalog for them).
CLICK_TEXTS = (
    N_("Usage:"),
    N_("Options"),
    N_("Commands"),
    N_("Positional arguments"),
    N_("Show this message and exit."),
    N_("Show the version and exit."),
    N_("required"),
    N_("default: {default}"),
    N_("env var: {var}"),
)
# A line never starts with these (Chinese line-breaking rules, the common ones).
NO_LINE_START = set("，。、；：！？）》」』】,.;:!?)%")
_EXTRA = re.compile(r"^(?P<help>.*?)(?:\s*\[(?P<extra>[^\[\]]*)\])?$", re.DOTALL)
_ORIGINAL_SHORT: weakref.WeakKeyDictionary[click.Command, str | None] = weakref.WeakKeyDictionary()


def _is_wide(char: str) -> bool:
    return unicodedata.east_asian_width(char) in "WF"


def _tokens(text: str) -> Iterator[str]:
    """Words with their trailing space; each wide character a token of its own."""
    token = ""
    for char in text:
        if _is_wide(char) or char == " ":
            if _is_wide(char) and token:
                yield token
                token = ""
            token += char
            yield token
            token = ""
        else:
            token += char
    if token:
        yield token


def wrap_cells(text: str, width: int, indent: str = "", subsequent: str = "") -> list[str]:
    """``text`` in lines of at most ``width`` cells (indents included)."""
    lines: list[str] = []
    prefix, line = indent, []
    for token in _tokens(" ".join(text.split())):
        if not line and token == " ":
            continue
        if line and cells(prefix + "".join(line) + token.rstrip()) > width:
            carried = []
            if token[0] in NO_LINE_START and len(line) > 1:
                carried = [line.pop()]  # the character before it goes down with it
            lines.append((prefix + "".join(line)).rstrip())
            prefix, line = subsequent, carried
        line.append(token)
    if line:
        lines.append((prefix + "".join(line)).rstrip())
    return lines


def _wide(text: str) -> bool:
    return not text.isascii()


def translate_extra(extra: str) -> str:
    """Click's ``default: 90; required`` notes, one by one."""
    items = []
    for item in extra.split("; "):
        key, sep, value = item.partition(": ")
        if sep and key == "default":
            items.append(_("default: {default}").format(default=value))
        elif sep and key == "env var":
            items.append(_("env var: {var}").format(var=value))
        else:
            items.append(_(item))
    return "; ".join(items)


def translate_help(text: str) -> str:
    """An option's help record, its notes in brackets translated apart."""
    match = _EXTRA.match(text)
    if not match or not match.group("extra"):
        return _(text)
    help_text = _(match.group("help"))
    notes = f"[{translate_extra(match.group('extra'))}]"
    return f"{help_text}  {notes}" if help_text else notes


class TranslatingFormatter(click.HelpFormatter):
    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        if prefix is None:
            prefix = f"{_('Usage:')} "
        super().write_usage(prog, args, prefix)

    def write_heading(self, heading: str) -> None:
        super().write_heading(_(heading))

    def write_text(self, text: str) -> None:
        text = _(text)
        if not _wide(text):
            super().write_text(text)
            return
        indent = " " * self.current_indent
        for number, paragraph in enumerate(re.split(r"\n\s*\n", text)):
            if number:
                self.write("\n")
            if paragraph.lstrip().startswith("\b"):  # click's "no rewrap" mark
                kept = paragraph.lstrip()[1:].strip("\n").splitlines()
                self.write("".join(f"{indent}{line}\n" for line in kept))
                continue
            for line in wrap_cells(paragraph, self.width, indent, indent):
                self.write(f"{line}\n")

    def write_dl(
        self, rows: Iterable[tuple[str, str]], col_max: int = 30, col_spacing: int = 2
    ) -> None:
        rows = [(first, translate_help(second) if second else second) for first, second in rows]
        if not any(_wide(second) for _first, second in rows):
            super().write_dl(rows, col_max, col_spacing)
            return
        # Click's own layout, with the text wrapped by cells.
        widths = measure_table(rows)
        first_col = min(widths[0], col_max) + col_spacing
        for first, second in iter_rows(rows, len(widths)):
            self.write(f"{'':>{self.current_indent}}{first}")
            if not second:
                self.write("\n")
                continue
            if cells(first) <= first_col - col_spacing:
                self.write(" " * (first_col - cells(first)))
            else:
                self.write("\n")
                self.write(" " * (first_col + self.current_indent))
            text_width = max(self.width - first_col - 2 - self.current_indent, 10)
            if _wide(second):
                lines = wrap_cells(second, text_width)
            else:
                lines = wrap_text(second, text_width, preserve_paragraphs=True).splitlines()
            self.write(f"{lines[0] if lines else ''}\n")
            for line in lines[1:]:
                self.write(f"{'':>{first_col + self.current_indent}}{line}\n")


class TranslatingContext(click.Context):
    formatter_class = TranslatingFormatter


def help_msgid(text: str | None) -> str:
    """A help text as click shows it, which is how the catalog knows it."""
    return inspect.cleandoc(text or "").partition("\f")[0].strip()


def first_sentence(text: str) -> str:
    """The short help click would cut from a text, for a Chinese one: its first sentence."""
    paragraph = text.split("\n\n")[0]
    head = re.split(r"(?<=[。！？])", paragraph, maxsplit=1)[0]
    return " ".join(head.split())


def translate_command(command: click.Command) -> None:
    """Help for ``command`` and its sub-commands, and click's errors, in the current
    language."""
    from assettrack.i18n.click_texts import speak_to_click

    speak_to_click(current_language())
    if not issubclass(command.context_class, TranslatingContext):
        command.context_class = TranslatingContext
    if command not in _ORIGINAL_SHORT:
        _ORIGINAL_SHORT[command] = command.short_help
    original = _ORIGINAL_SHORT[command]
    command.short_help = original
    if current_language() != "en":
        if original:
            command.short_help = _(help_msgid(original))
        elif command.help:
            translated = _(help_msgid(command.help))
            if _wide(translated):
                command.short_help = first_sentence(translated)
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            translate_command(sub)
