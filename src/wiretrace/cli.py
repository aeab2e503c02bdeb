"""The ``wiretrace`` command: parses flags, builds settings, calls the library, prints.

Results go to stdout, progress and errors to stderr. A user's mistake prints
one line ``error: ...`` and exits 1 (2 for bad usage); anything else is a bug
and keeps its traceback.
"""

from __future__ import annotations

import json
import os
import sys
import tomllib
from collections.abc import Callable
from typing import Any

import click

from wiretrace.errors import ConfigError, WiretraceError
from wiretrace.settings import Settings

__all__ = ["build_settings", "main"]


def build_settings(config: str | None, flags: dict[str, Any], environ: dict[str, str] | None = None) -> Settings:
    """Settings by precedence: flags > ``WIRETRACE_*`` environment > TOML file > defaults.

    Raises:
        ConfigError: Unreadable config file, unknown key or bad value.
    """
    environ = dict(os.environ) if environ is None else environ
    values: dict[str, Any] = {}
    if config:
        try:
            with open(config, "rb") as fh:
                values.update(tomllib.load(fh))
        except OSError as exc:
            raise ConfigError(f"{config}: cannot read config file ({exc.strerror})") from None
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{config}: not valid TOML ({exc})") from None
        Settings.from_mapping(values, where=config)
    names = Settings().as_dict().keys()
    env = {n: environ[f"WIRETRACE_{n.upper()}"] for n in names if f"WIRETRACE_{n.upper()}" in environ}
    Settings.from_mapping(env, where="environment")
    values.update(env)
    values.update({k: v for k, v in flags.items() if v is not None})
    return Settings.from_mapping(values)


def _progress(message: str) -> None:
    click.echo(f"… {message}", err=True)


def settings_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """The options every engine command shares: --config and --model."""
    func = click.option(
        "--model",
        help="Embedding model: 'bundled' (default), a model2vec folder, or a sentence-transformers path or name.",
    )(func)
    func = click.option(
        "--config",
        "config",
        type=click.Path(dir_okay=False),
        envvar="WIRETRACE_CONFIG",
        help="TOML file of settings (see `wiretrace config show`).",
    )(func)
    return func


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="wiretrace")
def cli() -> None:
    """Find news rewrites and prove them, sentence by sentence."""


@cli.command()
@click.argument("a")
@click.argument("b")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON (schema wiretrace.comparison/1).")
@click.option("--html", "html_path", type=click.Path(dir_okay=False), help="Also write a side-by-side HTML page here.")
@click.option(
    "--color/--no-color", default=None, help="Colour the terminal report (default: when stdout is a terminal)."
)
@settings_options
def compare(
    a: str, b: str, as_json: bool, html_path: str | None, color: bool | None, config: str | None, model: str | None
) -> None:
    """Is B a rewrite of A (or A of B), the same event, or unrelated?

    A and B are article files: plain text (optional leading ' date YYYY-MM-DD'
    and other metadata lines), an HTML page, or a JSONL line with "text";
    '-' reads one from stdin.
    """
    from wiretrace.adapters.readers import read_article
    from wiretrace.pipeline import Engine
    from wiretrace.report import comparison_to_dict, comparison_to_text

    if a == "-" and b == "-":
        raise click.UsageError("only one of A and B can be '-' (stdin)")
    settings = build_settings(config, {"model": model})
    art_a, art_b = read_article(a), read_article(b)
    engine = Engine(settings)
    result = engine.compare(art_a, art_b)
    if html_path:
        from wiretrace.adapters.html_report import write_html

        write_html(result, html_path)
        click.echo(f"wrote {html_path}", err=True)
    if as_json:
        click.echo(json.dumps(comparison_to_dict(result, engine.embedder.name), ensure_ascii=False, indent=1))
    else:
        colour = sys.stdout.isatty() if color is None else color
        click.echo(comparison_to_text(result, colour=colour), nl=False)


@cli.group(name="eval")
def eval_group() -> None:
    """Measure wiretrace on real data sets (figures as in the README)."""


def _print_report(report: dict[str, Any], as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps(report, indent=1))
        return
    for key, value in report.items():
        if isinstance(value, dict):
            click.echo(f"{key}:")
            for k, v in value.items():
                click.echo(f"  {k}: {json.dumps(v) if isinstance(v, dict | list) else v}")
        else:
            click.echo(f"{key}: {value}")


@eval_group.command(name="meter")
@click.option("--data", required=True, type=click.Path(exists=True, file_okay=False), help="A METER split folder.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@settings_options
def eval_meter(data: str, as_json: bool, config: str | None, model: str | None) -> None:
    """METER: classify, retrieve and align, with a simple baseline in the same run."""
    from wiretrace.evaluate.meter import evaluate_meter
    from wiretrace.pipeline import Engine

    engine = Engine(build_settings(config, {"model": model}))
    _print_report(evaluate_meter(data, engine, _progress), as_json)


@eval_group.command(name="extraction")
@click.option(
    "--data",
    required=True,
    type=click.Path(exists=True, file_okay=False),
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
@click.option(
    "--config", "config", type=click.Path(dir_okay=False), envvar="WIRETRACE_CONFIG", help="TOML file of settings."
)
def config_show(config: str | None) -> None:
    """Print every setting and its effective value (flags > WIRETRACE_* > --config > defaults)."""
    for key, value in build_settings(config, {}).as_dict().items():
        click.echo(f"{key} = {json.dumps(value)}")


def main(argv: list[str] | None = None) -> int:
    """Entry point: run the command, turn a :class:`WiretraceError` into one line and exit 1."""
    try:
        cli.main(args=argv, prog_name="wiretrace", standalone_mode=False)
    except WiretraceError as exc:
        click.echo(f"error: {exc}", err=True)
        return 1
    except click.exceptions.Abort:
        click.echo("error: aborted", err=True)
        return 1
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except BrokenPipeError:  # output piped into `head`
        sys.stderr.close()
        return 0
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
