"""Split article text into sentences with character spans.

News text arrives in three shapes: one paragraph per line (web copy), blank
lines between paragraphs, and hard-wrapped lines inside paragraphs (wire copy,
where PA also closes each paragraph with ``<``). Paragraphs are found first,
then each is handed to a sentence splitter with its newlines turned into
spaces, so the splitter never sees layout and every span still indexes the
original text.

The splitter is a collaborator: any callable that takes a paragraph and returns
``(start, end)`` spans. :func:`blingfire_splitter` is the default (measured:
fast, and it keeps ``U.S.`` and ``Gyu-back`` whole).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from wiretrace.core.normalize import plain_forms
from wiretrace.types import Sentence

__all__ = ["Splitter", "blingfire_splitter", "paragraph_spans", "split_sentences"]

Splitter = Callable[[str], Sequence[tuple[int, int]]]

_CLOSERS = "'\"”’)]"
_ENDS = (".", "!", "?", "…", "。")
_WORD = re.compile(r"\w+")


def blingfire_splitter(paragraph: str) -> list[tuple[int, int]]:
    """Sentence spans of one paragraph, by BlingFire's sentence model.

    Example:
        >>> blingfire_splitter("U.S. troops stay. Seoul agrees.")
        [(0, 17), (18, 31)]
    """
    import blingfire

    # The offsets variant maps UTF-8 offsets back in a Python loop (3x slower,
    # measured on BBC and METER paragraphs); the plain variant returns the
    # sentences as substrings, so finding them in order gives the same spans.
    spans = []
    pos = 0
    for sentence in blingfire.text_to_sentences(paragraph).split("\n"):
        at = paragraph.find(sentence, pos)
        if at < 0:
            _, offsets = blingfire.text_to_sentences_and_offsets(paragraph)
            return [(int(a), int(b)) for a, b in offsets]
        spans.append((at, at + len(sentence)))
        pos = at + len(sentence)
    return spans


def paragraph_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Paragraphs of ``text[start:end]``: split at blank lines, PA ``<`` markers,
    and single line breaks that close a sentence or follow a heading.

    Returns:
        Spans with surrounding whitespace and end-of-paragraph markers trimmed.
    """
    lines = []
    pos = start
    for raw in text[start:end].split("\n"):
        lines.append((pos, pos + len(raw)))
        pos += len(raw) + 1
    widest = max((b - a for a, b in lines), default=0)
    paragraphs: list[tuple[int, int]] = []
    cur: tuple[int, int] | None = None
    for i, (a, b) in enumerate(lines):
        line = text[a:b]
        if not line.strip():
            if cur:
                paragraphs.append(cur)
            cur = None
            continue
        cur = (cur[0], b) if cur else (a, b)
        nxt = text[lines[i + 1][0] : lines[i + 1][1]].lstrip() if i + 1 < len(lines) else ""
        if _breaks_after(line, nxt, widest):
            paragraphs.append(cur)
            cur = None
    if cur:
        paragraphs.append(cur)
    return [t for p in paragraphs if (t := _trim(text, *p))]


def _ends_paragraph(line: str) -> bool:
    r"""A line ending a sentence (closing quotes and brackets aside) or a PA paragraph mark ``<``.

    Read from the end, not by a regular expression: a pattern with ``\s*`` before ``$`` backtracks
    over a long run of spaces (200,000 of them took minutes).

    Example:
        >>> _ends_paragraph('He left." <  '), _ends_paragraph("A heading  "), _ends_paragraph("x <")
        (True, False, True)
    """
    end = plain_forms(line).rstrip()  # "Ｈｅ ｌｅｆｔ．＂" ends as "He left.\"" does
    if end.endswith("<"):
        return True
    return end.rstrip(_CLOSERS).endswith(_ENDS)


def _breaks_after(line: str, nxt: str, widest: int) -> bool:
    if _ends_paragraph(line):
        return True
    if not nxt or not nxt[0].isupper():
        return False
    # A short line without closing punctuation before a capitalised line is a
    # heading; a hard-wrapped line runs near the full width of its block.
    words = len(_WORD.findall(line))
    return (words <= 14 and len(line.rstrip()) < 0.75 * widest) or line.strip().isupper()


def _trim(text: str, a: int, b: int) -> tuple[int, int] | None:
    while a < b and text[a].isspace():
        a += 1
    while b > a and (text[b - 1].isspace() or text[b - 1] == "<"):
        b -= 1
    return (a, b) if a < b else None


def split_sentences(
    text: str,
    spans: Sequence[tuple[int, int]],
    splitter: Splitter = blingfire_splitter,
) -> list[Sentence]:
    """Sentences of the given spans of ``text``, numbered from 0.

    Args:
        text: The whole article text.
        spans: The parts of it to split (the body, furniture cut out).
        splitter: Finds sentence spans inside one paragraph.

    Returns:
        Sentences in text order; ``text[s.start:s.end] == s.text`` for each.

    Example:
        >>> [s.text for s in split_sentences("One. Two.\\n\\nThree", [(0, 16)])]
        ['One.', 'Two.', 'Three']
    """
    out: list[Sentence] = []
    for start, end in spans:
        for pa, pb in paragraph_spans(text, start, end):
            flat = text[pa:pb].replace("\n", " ").replace("\r", " ")
            flat = plain_forms(flat)  # "Ｈｏｍｅ．" ends a sentence as "Home." does
            flat = re.sub(r"<(?= )", " ", flat)
            for sa, sb in splitter(flat):
                span = _trim(text, pa + sa, pa + sb)
                if span and _WORD.search(text[span[0] : span[1]]):
                    out.append(Sentence(len(out), span[0], span[1], text[span[0] : span[1]]))
    return out
