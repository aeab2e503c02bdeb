"""Readers: text, HTML pages and JSONL become Articles; bad bytes become one-line errors.

Fixtures are small files written for these tests (tests/data), plus the real
seed pair; bytes that must never sit in the repository (binary, gzip, broken
encodings) are made here in tmp_path.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import sys
from pathlib import Path

import pytest

from wiretrace.adapters.html import decode_html, extract_article, has_article_text
from wiretrace.adapters.readers import article_from_record, read_article, read_bytes, read_jsonl
from wiretrace.errors import InputError

DATA = Path(__file__).resolve().parents[1] / "data"

STORY = [
    "The Port of Eastholm's harbour board on Wednesday approved a €48 million expansion",
    "The plan adds a second loading ramp and a covered waiting hall for 1,200 passengers",
    '"We have outgrown a terminal built for half the traffic we now handle," Sallinen said.',
    "Passenger numbers through Eastholm rose to 2.3 million last year",
    "Residents of the harbour district had opposed an earlier design",
    "The regional government will pay €20 million of the cost",
]
FURNITURE = [
    "We use cookies",
    "Accept all",
    "Subscribe",
    "Share on Facebook",
    "Read more",
    "Most read",
    "Eastholm FC Through To Cup Semi-Final",
    "All rights reserved",
    "Privacy policy",
    "Transport Correspondent",
]


@pytest.fixture(scope="module")
def page():
    return read_article(DATA / "news_page.html")


def test_html_page_keeps_each_paragraph_on_its_own_line(page):
    lines = page.text.split("\n")
    assert len(lines) == len(STORY)
    for line, start in zip(lines, STORY, strict=True):
        assert line.startswith(start)


@pytest.mark.parametrize("junk", FURNITURE)
def test_html_page_furniture_is_left_out(page, junk):
    assert junk not in page.text


def test_html_page_metadata(page):
    assert page.title == "Harbour board approves €48 million ferry terminal expansion"
    assert page.published == "2024-03-14"
    assert page.outlet == "The Coastal Ledger"
    assert page.url == "https://coastal-ledger.example/news/2024/03/harbour-ferry-terminal"
    assert page.path.endswith("news_page.html")
    assert page.header == 0


def _bare_page(head: str = "", before: str = "") -> str:
    body = "".join(f"<p>{line}.</p>" for line in STORY)
    return f"<html><head><title>Harbour</title>{head}</head><body><article>{before}{body}</article></body></html>"


def test_an_undated_page_mentioning_a_year_stays_undated():
    """A date decides a rewrite's direction outright: a year in the text ("last year", "by 2026") is no date."""
    page = _bare_page(before="<p>The terminal is due to open in 2026.</p>")
    assert extract_article(page, "p.html").published is None


@pytest.mark.parametrize(
    ("head", "before"),
    [
        ('<meta property="article:published_time" content="2024-03-14T08:00:00Z">', ""),
        ("", '<p class="byline">Published 14 March 2024</p>'),
    ],
)
def test_a_page_dated_in_its_markup_or_its_byline_keeps_its_date(head, before):
    assert extract_article(_bare_page(head, before), "p.html").published == "2024-03-14"


def test_html_is_recognised_by_content_whatever_the_suffix(tmp_path):
    renamed = tmp_path / "saved-page.txt"
    renamed.write_bytes((DATA / "news_page.html").read_bytes())
    assert read_article(renamed).text.split("\n")[0].startswith(STORY[0])


def test_html_page_with_a_bom_and_a_comment_first_is_html():
    data = b"\xef\xbb\xbf<!-- saved by a crawler -->\n" + (DATA / "news_page.html").read_bytes()
    assert read_bytes(data, "page").text.startswith(STORY[0])


def test_html_page_declared_latin1_is_decoded_by_its_meta_charset():
    article = read_article(DATA / "news_page_latin1.html")
    assert article.title == "Zürcher Stadtrat billigt neues Tramdepot"
    # Pages labelled ISO-8859-1 are read as cp1252, as browsers do: „…“ survive.
    assert "„Ohne das Depot können wir den Fahrplan nicht verdichten.“" in article.text
    assert "Startseite" not in article.text


def test_decode_html_keeps_utf8_with_one_stray_byte():
    page = '<meta charset="utf-8"><p>Zürich, Genève, Kraków und Łódź: größer als gedacht.</p>'.encode()
    broken = page.replace("größer".encode(), b"gr\xf6\xdfer")
    text = decode_html(broken)
    assert text is not None
    assert "Zürich, Genève, Kraków und Łódź" in text
    assert text.count("\ufffd") == 2


@pytest.mark.parametrize(
    "data",
    [
        b"<html><p>caf\xe9 cr\xe8me</p></html>",  # nothing declared
        b'<meta charset="no-such-charset"><p>caf\xe9</p>',
        b'<meta charset="utf-8"><p>\xe9\xe8\xe0\xf9 \xe9\xe8\xe0</p>',  # says UTF-8, is not
    ],
)
def test_decode_html_leaves_undeclared_or_wrong_charsets_to_detection(data):
    assert decode_html(data) is None


@pytest.mark.parametrize("depth", [1, 300, 2000])
def test_an_article_nested_deep_in_its_page_is_read(depth):
    # libxml2 stops at 256 levels unless the tree is read as huge: 300 wrappers hid the whole article
    page = (DATA / "news_page.html").read_text(encoding="utf-8")
    head, body = page.split("<body>", 1)
    deep = f"{head}<body>{'<div>' * depth}{body.replace('</body>', '</div>' * depth + '</body>')}"
    lines = extract_article(deep, "deep.html").text.split("\n")
    assert [line[: len(start)] for line, start in zip(lines, STORY, strict=False)] == STORY
    assert len(lines) == len(STORY)


def test_an_article_nested_deeper_than_the_huge_tree_limit_is_said_to_be_too_deep():
    page = (DATA / "news_page.html").read_text(encoding="utf-8")
    head, body = page.split("<body>", 1)
    deep = f"{head}<body>{'<div>' * 2100}{body.replace('</body>', '</div>' * 2100 + '</body>')}"
    with pytest.raises(InputError) as err:
        extract_article(deep, "deep.html")
    assert str(err.value) == "deep.html: page nested deeper than 2,048 elements; not read"


def test_a_page_without_article_text_is_read_once_not_again_as_a_huge_tree(monkeypatch):
    import wiretrace.adapters.html as html

    monkeypatch.setattr(html, "_huge_tree", lambda page: pytest.fail("read again though not nested deep"))
    with pytest.raises(InputError, match="no article text found"):
        read_article(DATA / "menu_only.html")


def test_page_without_article_text_is_refused():
    with pytest.raises(InputError) as err:
        read_article(DATA / "menu_only.html")
    assert str(err.value) == f"{DATA / 'menu_only.html'}: no article text found in the HTML page"


def test_page_with_empty_body_is_refused():
    with pytest.raises(InputError, match="no article text found in the HTML page"):
        extract_article("<html><head><title>Empty</title></head><body></body></html>", "empty.html")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Home\nNews\nSport\nWe use cookies.", False),
        ("| 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 | 10 |\n| Su | Mo | Tu | We |", False),
        ("Seoul will take wartime control of its forces from the U.S. army.", True),
        ("|  | Beate und Norbert Olschewski gründeten 1990 in ihrem Wohnzimmer den Verein. |", True),
        ("一个约定信守十五年感人至深一段真情延续十五年催人泪下", True),
    ],
)
def test_has_article_text(text, expected):
    assert has_article_text(text) is expected


def test_plain_text_seed_keeps_its_date_header(seed_source_path):
    article = read_article(seed_source_path)
    assert article.published == "2025-11-03"
    assert article.text[article.header :].startswith("U.S. Defense Secretary")


@pytest.mark.parametrize(
    "first",
    [
        "Title holders Arsenal were beaten 2-1 at home by Leeds on Saturday.",
        "ID theft surge hits US consumers",  # BBC business/079's headline
        "Date rape drug found in a club, police said after the raid.",  # had been refused: not a date
        "Source close to the minister said the talks had stalled.",
        "URL shorteners are used to hide the address of scam pages.",
    ],
)
def test_a_first_line_starting_with_a_field_name_as_a_word_is_article_text(first):
    # A metadata line is indented (" title ...") or names its field with a colon ("Title: ..."); one starting
    # with the word alone had been taken for one, its rest read as the title, outlet or date.
    article = read_bytes(f"{first}\nThe rest of the article follows here.\n".encode(), "a.txt")
    assert (article.header, article.title, article.outlet, article.url) == (0, None, None, None)
    assert article.text.startswith(first)
    headed = read_bytes(f"Title: The headline\n{first}\n".encode(), "a.txt")
    assert headed.title == "The headline" and headed.text[headed.header :].startswith(first)


@pytest.mark.parametrize("bare", [" source", " title ", "outlet:", " Date:\t"])
def test_a_metadata_line_left_without_its_value_is_no_sentence(seed_rewrite_path, bare):
    body = seed_rewrite_path.read_text(encoding="utf-8")
    article = read_bytes(f"{bare}\n title Hegseth in Seoul\n{body}".encode(), "rewrite.txt")
    assert (article.title, article.outlet) == ("Hegseth in Seoul", None)
    assert article.text[article.header :].startswith("U.S. Defense Secretary Pete Hegseth arrived")


def test_latin1_text_is_decoded_by_detection():
    article = read_article(DATA / "wire_latin1.txt")
    assert article.published == "2000-01-27"
    assert "Zürich-based bank" in article.text
    assert "£12 million" in article.text
    assert "Genève" in article.text


@pytest.mark.data
@pytest.mark.parametrize(
    ("path", "expected"),
    [
        # detection alone read these as cp1250 ("Ł60 million") and cp932 ("｣1,000")
        ("newspapers/rawtexts/showbiz/07.01.00/zeta/zeta152_times.txt", "£60 million"),
        ("newspapers/rawtexts/courts/01.03.00/chemists/chemists389_times.txt", "£1,000"),
    ],
)
def test_meter_pound_signs_survive(data_dir, path, expected):
    assert expected in read_article(data_dir / "meter" / path).text


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        ("Café prices rose to £5 in Zürich. Grüße!", "cp1252"),
        ("Президент России заявил сегодня в Москве, что правительство подготовит новый бюджет.", "cp1251"),
        ("Ο πρωθυπουργός δήλωσε σήμερα στην Αθήνα ότι η κυβέρνηση θα παρουσιάσει νέο προϋπολογισμό.", "cp1253"),
        ("日本の首相は今日、東京で記者会見を開き、新しい経済政策について説明した。", "cp932"),
        ("中国国务院总理今天在北京举行记者会，介绍了新的经济政策。", "gbk"),
    ],
)
def test_text_that_is_not_utf8_is_read_in_its_own_code_page(tmp_path, text, encoding):
    path = tmp_path / "article.txt"
    path.write_bytes(text.encode(encoding))
    assert read_article(path).text == text


@pytest.mark.parametrize(
    ("record", "problem"),
    [
        (
            {"id": "a"},
            'missing field "text" (each line needs "text"; "id", "title", "published", "source", "url" optional)',
        ),
        ({"text": "   "}, 'field "text" is empty'),
        ({"text": 12345}, 'field "text" is a number, not a string'),
        ({"text": ["a", "b"]}, 'field "text" is a list, not a string'),
        ({"text": "Seoul \ud800 plans"}, "field \"text\" holds a lone surrogate ('\\ud800' at character 6), not text"),
        (
            {"text": "ok", "title": "\udc80"},
            "field \"title\" holds a lone surrogate ('\\udc80' at character 0), not text",
        ),
        ({"text": "Seoul plans.", "id": ".."}, 'field "id" is "..", which no web address can name; give another id'),
    ],
)
def test_a_record_without_usable_text_says_what_is_wrong_with_it(record, problem):
    with pytest.raises(InputError) as err:
        article_from_record(record, "feed.jsonl:4")
    assert str(err.value) == f"feed.jsonl:4: {problem}"


def test_utf16_text_with_a_bom_is_read(tmp_path):
    path = tmp_path / "utf16.txt"
    path.write_bytes("Seoul agreed on Tuesday to raise its defence budget by 7.5%.".encode("utf-16"))
    assert read_article(path).text == "Seoul agreed on Tuesday to raise its defence budget by 7.5%."


def test_jsonl_reads_every_line_with_its_fields():
    first, second = read_jsonl(DATA / "feed.jsonl")
    assert first.id == "ledger-001"
    assert first.title == "Harbour board approves ferry terminal expansion"
    assert first.published == "2024-03-14"
    assert first.outlet == "The Coastal Ledger"
    assert first.text.split("\n")[1].startswith("The plan adds a second loading ramp")
    assert second.outlet == "Nordic Wire"
    assert second.published == "2024-03-14T11:05:00+00:00"
    assert second.path.endswith("feed.jsonl:3")


def test_jsonl_lines_end_at_newlines_only(tmp_path):
    """A U+2028 or a form feed inside a string is part of the record (as `scan --jsonl` writes it), not its end."""
    path = tmp_path / "pairs.jsonl"
    rows = [{"id": "one", "text": "First line\u2028still the first record\x0cand more."}, {"id": "two", "text": "Two."}]
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    assert [a.id for a in read_jsonl(path)] == ["one", "two"]
    assert read_article(path).text == "First line\nstill the first record\nand more."  # read as line ends


def test_read_article_takes_the_first_jsonl_line():
    assert read_article(DATA / "feed.jsonl").id == "ledger-001"


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ('{"text": "ok"}\n{"text": "cut off', ":2: malformed JSON at column 10: unterminated string"),
        ('{"title": "no body"}\n', ':1: missing field "text"'),
        ('{"text": "   "}\n', ':1: field "text" is empty'),
        ('["a", "list"]\n', ':1: each line must be a JSON object with "text"'),
        ('{"text": "ok", "published": "yesterday"}\n', ":1: published 'yesterday' is not an ISO 8601 date"),
        ('{"text": "ok", "published": true}\n', ":1: published true is not an ISO 8601 date"),  # as JSON writes it
        ("\n\n", ": file holds only whitespace"),
    ],
)
def test_bad_jsonl_names_file_and_line(tmp_path, content, problem):
    path = tmp_path / "feed.jsonl"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError) as err:
        list(read_jsonl(path))
    assert str(err.value).startswith(f"{path}{problem}")


def _bad_bytes() -> dict[str, bytes]:
    return {
        "empty": b"",
        "whitespace": b" \n\t \r\n",
        "binary": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01",
        "gzip": gzip.compress(b"<html><body><p>A story.</p></body></html>"),
        "undecodable": bytes(range(128, 256)) * 4,
        "utf16le": "Seoul agreed on Tuesday to raise its defence budget by 7.5%.".encode("utf-16-le"),
        "utf16be": "Seoul agreed on Tuesday to raise its defence budget by 7.5%.".encode("utf-16-be"),
    }


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("empty", "file is empty"),
        ("whitespace", "file holds only whitespace, no text"),
        ("binary", "binary data, not text (NUL bytes found)"),
        ("gzip", "gzip-compressed data, not text (decompress it first, e.g. with gunzip)"),
        ("utf16le", "binary data, not text (NUL bytes found: UTF-16 without a byte-order mark? save it as UTF-8)"),
        ("utf16be", "binary data, not text (NUL bytes found: UTF-16 without a byte-order mark? save it as UTF-8)"),
        ("undecodable", "undecodable bytes at offset 0 (not UTF-8, and no other encoding fits)"),
    ],
)
def test_bad_bytes_give_a_reason(tmp_path, name, problem):
    path = tmp_path / f"{name}.txt"
    path.write_bytes(_bad_bytes()[name])
    with pytest.raises(InputError) as err:
        read_article(path)
    assert str(err.value) == f"{path}: {problem}"


def test_missing_file_and_directory(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        read_article(tmp_path / "nope.txt")
    with pytest.raises(InputError, match="is a directory, not an article file"):
        read_article(tmp_path)


def test_unknown_kind_is_refused():
    with pytest.raises(InputError, match="unknown kind 'pdf'"):
        read_bytes(b"Some text.", "a.txt", kind="pdf")


def test_stdin_is_read_and_named(monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b" date 2024-03-14\nA ferry story.\n")))
    article = read_article("-")
    assert article.path == "<stdin>"
    assert article.published == "2024-03-14"
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"")))
    with pytest.raises(InputError) as err:
        read_article("-")
    assert str(err.value) == "<stdin>: file is empty"


def test_wire_copy_signed_by_an_agency_is_read_as_its(data_dir, engine):
    """METER's PA copy signs "By Lisa Salmon, PA News": the paper's retelling is then ordered by the agency rule."""
    story = "rawtexts/courts/07.01.00/soldier"
    wire = read_article(data_dir / "meter" / "PA" / story / "soldier1.txt")
    paper = read_article(data_dir / "meter" / "newspapers" / story / "soldier566_telegraph.txt")
    assert (wire.outlet, paper.outlet) == ("PA", None)
    result = engine.compare(paper, wire)
    assert (result.relation, result.source, result.direction_basis) == ("rewrite", "b", "agency")


@pytest.mark.parametrize(
    ("top", "outlet"),
    [
        ("By Jane Doe, Home Affairs Correspondent, PA News", "PA"),
        ("By PA News Reporter", "PA"),
        ("SEOUL, Nov 3 (Reuters) - Hegseth arrived on Monday.", "Reuters"),
        ("By Ann Lee, Daily Mail", None),
        ("By the time the ferry docked, Reuters had the story.", None),
    ],
)
def test_a_byline_or_dateline_names_an_agency_only(top, outlet):
    article = read_bytes(f"{top}\n{STORY[0]}.\n".encode(), "a.txt")
    assert article.outlet == outlet


def test_a_file_whose_name_is_not_utf8_is_read_and_named_with_its_bytes_escaped(tmp_path, seed_source_path):
    """Linux hands a Latin-1 name ("café.txt") to Python as a lone surrogate, which an Article refuses: compare
    had died in a ValueError on such a file, and ingest (its default id) in the store. Its bytes are shown as \\xNN."""
    from wiretrace.adapters.inputs import iter_articles

    folder = tmp_path / "feed"
    folder.mkdir()
    try:
        (folder / os.fsdecode(b"caf\xe9.txt")).write_bytes(seed_source_path.read_bytes())
        (folder / os.fsdecode(b"caf\xe9.jsonl")).write_text('{"text": "Seoul plans a record budget."}\n')
    except (OSError, UnicodeError):  # a file system that takes only UTF-8 names (macOS)
        pytest.skip("this file system refuses a name that is not UTF-8")
    named = str(folder / "caf\\xe9.txt")
    article = read_article(folder / os.fsdecode(b"caf\xe9.txt"))
    assert article.path == named and article.published == "2025-11-03"
    found = {item.id: item for item in iter_articles([folder])}
    assert found[named].path == named
    assert any(i.startswith(str(folder / "caf\\xe9.jsonl:1#")) for i in found), sorted(found)
