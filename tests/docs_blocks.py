"""Extract the code blocks of a reStructuredText file, so tests run the docs as written.

``code_blocks(path)`` returns every ``.. code-block::`` of a file in order, following
``.. include::`` directives (with ``:start-after:`` and ``:end-before:``) the way Sphinx does,
so a page that includes the README's quick start yields the README's blocks. No docutils: the
test environments do not install it, and the subset of reST the docs use is small.

Conventions the docs follow so that a block can be run:

* a ``python`` block starts with a comment naming where it goes: ``# settings.py``,
  ``# urls.py`` (both appended to the project's), ``# python manage.py shell`` or a path such
  as ``# shop/services.py`` (written); template and CSS blocks name their path the same way,
  ``{# templates/... #}`` and ``/* static/... */``;
* a ``console`` block holds ``$ command`` lines, each followed by the output it prints (lines
  without the prompt); ``#`` lines are comments.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass
from pathlib import Path

_DIRECTIVE = re.compile(r"^(?P<indent> *)\.\. (?P<name>code-block|include)::\s*(?P<arg>.*)$")
_OPTION = re.compile(r"^ *:(?P<name>[\w-]+):\s*(?P<value>.*)$")


@dataclass(frozen=True)
class Block:
    """One code block: its language, its dedented text, and where it is."""

    language: str
    text: str
    source: Path
    line: int

    @property
    def target(self) -> str:
        """Return what the block's first-line comment names ('' if none).

        ``# path`` (Python), ``{# path #}`` (Django templates) and ``/* path */`` (CSS).
        """
        first = self.text.splitlines()[0].strip() if self.text else ""
        for opening, closing in (("{#", "#}"), ("/*", "*/"), ("#", "")):
            if first.startswith(opening) and first.endswith(closing):
                return first[len(opening) : len(first) - len(closing)].strip()
        return ""

    def commands(self) -> list[tuple[str, list[str]]]:
        """Return each ``$ command`` of a console block with the output lines shown after it."""
        result: list[tuple[str, list[str]]] = []
        for line in self.text.splitlines():
            if line.startswith("$ "):
                result.append((line[2:], []))
            elif line.strip() and result:
                result[-1][1].append(line)
        return result


def _lines(path: Path, start_after: str | None, end_before: str | None) -> list[str]:
    text = path.read_text(encoding="utf-8")
    if start_after:
        text = text.split(start_after, 1)[1]
    if end_before:
        text = text.split(end_before, 1)[0]
    return text.splitlines()


def code_blocks(
    path: Path, *, start_after: str | None = None, end_before: str | None = None
) -> list[Block]:
    """Return the code blocks of ``path`` (between the two markers, if given), includes followed."""
    lines = _lines(path, start_after, end_before)
    blocks: list[Block] = []
    i = 0
    while i < len(lines):
        match = _DIRECTIVE.match(lines[i])
        if not match:
            i += 1
            continue
        indent = len(match["indent"])
        options: dict[str, str] = {}
        i += 1
        while i < len(lines) and (option := _OPTION.match(lines[i])):
            options[option["name"]] = option["value"]
            i += 1
        if match["name"] == "include":
            blocks += code_blocks(
                (path.parent / match["arg"].strip()).resolve(),
                start_after=options.get("start-after"),
                end_before=options.get("end-before"),
            )
            continue
        start = i
        body: list[str] = []
        while i < len(lines) and (not lines[i].strip() or _indent(lines[i]) > indent):
            body.append(lines[i])
            i += 1
        blocks.append(
            Block(
                language=match["arg"].strip(),
                text=textwrap.dedent("\n".join(body)).strip("\n") + "\n",
                source=path,
                line=start + 1,
            )
        )
    return blocks


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))
