"""The ``wiretrace`` command: parses flags, builds settings, calls the library, prints.

Results go to stdout, progress and errors to stderr. A user's mistake prints
one line ``error: ...`` and exits 1 (2 for bad usage); anything else is a bug
and keeps its traceback.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path
from typing import Any

import click

from wiretrace.cli_settings import (
    FileName,
    build_settings,
    command_line,
    config_options,
    settings_layers,
    settings_options,
)
from wiretrace.errors import InputError, WiretraceError
from wiretrace.settings import Settings

__all__ = ["build_settings", "main", "settings_layers"]


def _json_lines(path: str) -> int:
    """Non-blank lines of a JSONL file (0 when it cannot be read again: a pipe was drained by reading it)."""
    if not os.path.isfile(path):
        return 0
    try:
        with open(path, "rb") as f:
            return sum(1 for line in f if line.strip())
    except OSError:
        return 0


def _progress(message: str) -> None:
    click.echo(f"… {message}", err=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="wiretrace")
def cli() -> None:
    """Find news rewrites and prove them, sentence by sentence."""


@cli.command()
@click.argument("a")
@click.argument("b")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON (schema wiretrace.comparison/1).")
@click.option("--html", "html_path", type=FileName(), help="Also write a side-by-side HTML page here.")
@click.option(
    "--color/--no-color", default=None, help="Colour the terminal report (default: when stdout is a terminal)."
)
@settings_options
def compare(a: str, b: str, as_json: bool, html_path: str | None, color: bool | None, settings: Settings) -> None:
    """Is B a rewrite of A (or A of B), the same event, or unrelated?

    A and B are article files: plain text (optional leading ' date YYYY-MM-DD'
    and other metadata lines), an HTML page, a JSONL line with "text", or a
    WARC file holding one article page; '-' reads one from stdin.

    \b
    Examples:
      wiretrace compare story.txt rewrite.txt
      wiretrace compare story.txt rewrite.txt --html report.html
      curl -s https://example.org/a.html | wiretrace compare - story.txt --json
    """
    from wiretrace.adapters.readers import read_article
    from wiretrace.pipeline import Engine
    from wiretrace.report import comparison_to_dict, comparison_to_text, flat

    if a == "-" and b == "-":
        raise click.UsageError("only one of A and B can be '-' (stdin)")
    if html_path:
        from wiretrace.adapters.files import is_same_file

        for name in (a, b):
            # Refused before reading: written there, the page would take the article's place.
            if name != "-" and is_same_file(html_path, name):
                raise InputError(html_path, "is one of the articles compared; choose another file for the page")
    art_a, art_b = read_article(a), read_article(b)
    for name, art in ((a, art_a), (b, art_b)):
        if name != "-" and art.path == f"{name}:1" and (n := _json_lines(name)) > 1:
            click.echo(f"note: {flat(name)} holds {n} JSON lines; compare reads the first", err=True)
    engine = Engine(settings)
    result = engine.compare(art_a, art_b)
    if html_path:
        from wiretrace.adapters.html_report import write_html

        write_html(result, html_path, engine.embedder.name)
        click.echo(f"wrote {html_path}", err=True)
    if as_json:
        click.echo(json.dumps(comparison_to_dict(result, engine.embedder.name), ensure_ascii=False, indent=1))
    else:
        is_tty = sys.stdout.isatty()
        colour = is_tty if color is None else color
        # Fit a terminal's width; a pipe or file gets a fixed 100 columns.
        width = min(max(shutil.get_terminal_size((100, 24)).columns, 60), 160) if is_tty else 100
        click.echo(comparison_to_text(result, colour=colour, width=width), nl=False, color=colour)


@cli.group(name="eval")
def eval_group() -> None:
    """Measure wiretrace on real data sets (figures as in the README)."""


class _Existing(click.ParamType):
    """A path that must exist as a folder (or a file): a user mistake, so one line and exit 1 like any other
    bad input, not Click's usage error (exit 2, three lines)."""

    def __init__(self, folder: bool) -> None:
        self.folder = folder
        self.name = "folder" if folder else "file"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        path = Path(value)
        if not path.exists():
            raise InputError(str(value), f"no such {self.name}")
        if self.folder and not path.is_dir():
            raise InputError(str(value), "is a file, not a folder")
        if not self.folder and path.is_dir():
            raise InputError(str(value), "is a folder, not a file")
        return str(value)


FOLDER = _Existing(folder=True)
FILE = _Existing(folder=False)


def _print_report(report: dict[str, Any], as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps(report, indent=1))
        return
    for key, value in report.items():
        if isinstance(value, dict):
            click.echo(f"{key}:")
            for k, v in value.items():
                click.echo(f"  {k}: {json.dumps(v) if isinstance(v, dict | list | tuple) else v}")
        else:
            click.echo(f"{key}: {value}")


@eval_group.command(name="meter")
@click.option("--data", required=True, type=FOLDER, help="A METER split folder.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@settings_options
def eval_meter(data: str, as_json: bool, settings: Settings) -> None:
    """METER: classify, retrieve and align, with a simple baseline in the same run."""
    from wiretrace.evaluate.meter import evaluate_meter
    from wiretrace.pipeline import Engine

    engine = Engine(settings)
    _print_report(evaluate_meter(data, engine, _progress), as_json)


@eval_group.command(name="scan")
@click.option("--meter", required=True, type=FOLDER, help="A METER split folder.")
@click.option("--background", type=FOLDER, help="Unrelated articles (e.g. BBC).")
@click.option("--seeds", type=FOLDER, help="Folder of the seed pair.")
@click.option("--sources", "ask_sources", is_flag=True, help="Also rank the sources of every derived METER text.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@settings_options
def eval_scan(
    meter: str,
    background: str | None,
    seeds: str | None,
    ask_sources: bool,
    as_json: bool,
    settings: Settings,
) -> None:
    """Corpus scan of METER + background + seeds: pair precision/recall, direction, story B-cubed F1."""
    from wiretrace.evaluate.scan import evaluate_scan
    from wiretrace.pipeline import Engine

    engine = Engine(settings)
    report = evaluate_scan(meter, engine, background, seeds, progress=_progress, sources=ask_sources)
    _print_report(report, as_json)


@eval_group.command(name="msrp")
@click.option(
    "--data",
    required=True,
    type=FILE,
    help="An MSRP TSV file (msr_paraphrase_train.txt or msr_paraphrase_test.txt).",
)
@click.option("--limit", type=click.IntRange(min=2), help="Use only the first N pairs (a quick run).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@settings_options
def eval_msrp(data: str, limit: int | None, as_json: bool, settings: Settings) -> None:
    """MSRP: sentence-pair paraphrase accuracy and F1, fixed and cross-validated thresholds, with baselines."""
    from wiretrace.evaluate.msrp import evaluate_msrp
    from wiretrace.pipeline import Engine

    engine = Engine(settings)
    _print_report(evaluate_msrp(data, engine, _progress, limit=limit), as_json)


@eval_group.command(name="clough")
@click.option(
    "--data",
    required=True,
    type=FOLDER,
    help="The Clough & Stevenson corpus folder (holding file_information.csv, or its parent).",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@settings_options
def eval_clough(data: str, as_json: bool, settings: Settings) -> None:
    """Clough & Stevenson: cut / light / heavy / non, plagiarised or not, and direction, with a baseline."""
    from wiretrace.evaluate.clough import evaluate_clough
    from wiretrace.pipeline import Engine

    engine = Engine(settings)
    _print_report(evaluate_clough(data, engine, _progress), as_json)


@eval_group.command(name="extraction")
@click.option(
    "--data",
    required=True,
    type=FOLDER,
    help="The extraction data folder (both sets), or the zyte-article-benchmark or trafilatura-eval folder.",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.option("--limit", type=click.IntRange(min=1), help="Score only this many pages of each set (a fixed sample).")
@click.option("--workers", type=click.IntRange(min=1), help="Processes that read pages (default: one per CPU).")
def eval_extraction(data: str, as_json: bool, limit: int | None, workers: int | None) -> None:
    """HTML extraction: wiretrace's reader against trafilatura's defaults, same pages, same run.

    Zyte article benchmark: token precision, recall and F1 of the extracted
    body against articleBody. trafilatura's evaluation pages: share of 'with'
    snippets found and 'without' snippets absent, and precision, recall and F1
    over snippets.
    """
    from wiretrace.evaluate.extraction import evaluate_extraction, extraction_table

    report = evaluate_extraction(data, _progress, limit=limit, workers=workers)
    if as_json:
        click.echo(json.dumps(report, indent=1))
    else:
        click.echo(extraction_table(report), nl=False)


@cli.group(name="config")
def config_group() -> None:
    """Show the settings in effect."""


@config_group.command(name="show")
@config_options
def config_show(config: str | None, model: str | None, set_values: tuple[str, ...]) -> None:
    """Print every setting, its effective value and where it came from.

    Precedence, highest first: --set and --model, WIRETRACE_<NAME> environment
    variables, the --config TOML file (or WIRETRACE_CONFIG), the defaults. The
    output is valid TOML: save it as a starting config file.
    """
    flags = command_line(set_values, model)
    layers = settings_layers(config, flags)
    origin: dict[str, str] = {}
    for where, layer in layers:
        origin.update(dict.fromkeys(layer, where))
    settings = build_settings(config, flags)
    for key, value in settings.as_dict().items():
        source = origin.get(key, "default")
        if source == "environment":
            source = f"environment WIRETRACE_{key.upper()}"
        click.echo(f"{key} = {json.dumps(value)}  # {source}")


def _register_commands() -> None:
    # The corpus, web and Spark commands live in their own modules; cli_web imports FastAPI only when
    # `serve` runs, so other commands never load it.
    from wiretrace.cli_corpus import register as register_corpus
    from wiretrace.cli_spark import register as register_spark
    from wiretrace.cli_web import register as register_web

    for register in (register_corpus, register_web, register_spark):
        register(cli)


def main(argv: list[str] | None = None) -> int:
    """Entry point: run the command, turn a :class:`WiretraceError` into one line and exit 1."""
    try:
        cli.main(args=argv, prog_name="wiretrace", standalone_mode=False)
        _flush_output()
    except WiretraceError as exc:
        from wiretrace.report import flat

        # The message may quote a file name or a JSONL key: no control character reaches the terminal.
        click.echo(f"error: {flat(str(exc))}", err=True)
        return 1
    except click.exceptions.Abort:
        click.echo("error: aborted", err=True)
        return 1
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except SystemExit as exc:  # a command's own exit status (ingest with rejections)
        return int(exc.code or 0)
    except BrokenPipeError:  # output piped into `head`
        sys.stderr.close()
        return 0
    except OSError as exc:
        if not _writing_output(exc):
            raise
        _drop_output()
        click.echo(f"error: cannot write output ({exc.strerror or exc})", err=True)
        return 1
    return 0


def _flush_output() -> None:
    # Written out here, not at exit: a full disk is then told in one line, not ignored by the interpreter.
    sys.stdout.flush()


def _writing_output(exc: OSError) -> bool:
    """Whether ``exc`` was raised writing the output (``click.echo``, or flushing standard output at the end).

    Any other OSError reaching the top is a bug and keeps its traceback.
    """
    tb = exc.__traceback__
    if tb is None:
        return False
    while tb.tb_next is not None:
        tb = tb.tb_next
    code = tb.tb_frame.f_code
    return code is _flush_output.__code__ or (code.co_name == "echo" and code.co_filename == click.utils.__file__)


def _drop_output() -> None:
    """Point standard output at the null device, so what is left in its buffer does not fail again at exit."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):  # not a file descriptor (a test's captured output)
        pass


if __name__ == "__main__":
    # `python -m wiretrace.cli`: the command modules import this module by its name, so run that one (run as
    # __main__, this file is a second copy and registering commands here would import it in a cycle).
    from wiretrace.cli import main as _main

    raise SystemExit(_main())

_register_commands()
