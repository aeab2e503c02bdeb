"""The settings every ``wiretrace`` command shares: ``--config``, ``--model`` and ``--set``, read in layers.

Its own module so each command module (``cli``, ``cli_corpus``, ``cli_web``,
``cli_spark``) imports it at the top, without importing the others.
"""

from __future__ import annotations

import functools
import os
import tomllib
from collections.abc import Callable
from typing import Any

import click

from wiretrace.errors import ConfigError, InputError
from wiretrace.settings import Settings

__all__ = [
    "FileName",
    "build_settings",
    "command_line",
    "config_options",
    "settings_layers",
    "settings_options",
]


class FileName(click.ParamType):
    """A file to read or write, there or not yet. A folder in its place (or, with ``suffixes``, another kind
    of file name) is a user's slip: one line and exit 1 like any other bad input, not Click's usage error
    (exit 2, three lines).

    Args:
        allow_dash: ``-`` (standard output or input) is taken as it is.
        suffixes: The endings a name must have, when only these kinds of file can be written.
    """

    name = "file"

    def __init__(self, allow_dash: bool = False, suffixes: tuple[str, ...] = ()) -> None:
        self.allow_dash = allow_dash
        self.suffixes = suffixes

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        value = str(value)
        if value == "-":
            if self.allow_dash:
                return value
            # Elsewhere (scan --jsonl) "-" is standard output: here it had made a file named "-".
            option = param.opts[0] if param is not None and param.opts else "-"
            raise InputError(option, "'-' (standard input or output) is not taken here; name a file")
        if os.path.isdir(value):
            raise InputError(value, "is a folder, not a file")
        if self.suffixes and not value.lower().endswith(self.suffixes):
            option = f" for {param.opts[0]}" if param is not None and param.opts else ""
            raise InputError(value, f"use a {' or '.join(self.suffixes)} file name{option}")
        return value


def build_settings(
    config: str | None,
    flags: dict[str, Any],
    environ: dict[str, str] | None = None,
) -> Settings:
    """Settings by precedence: flags > ``WIRETRACE_*`` environment > TOML file > defaults.

    Args:
        config: A TOML file of settings, or None.
        flags: Values given on the command line; None means not given.
        environ: The environment (``os.environ`` when None).

    Returns:
        The settings in effect.

    Raises:
        ConfigError: Unreadable config file, unknown key or bad value.

    Example:
        >>> build_settings(None, {"link_threshold": 0.6}, {"WIRETRACE_LINK_THRESHOLD": "0.7"}).link_threshold
        0.6
    """
    return Settings.from_mapping(
        {k: v for _, layer in settings_layers(config, flags, environ) for k, v in layer.items()}
    )


def settings_layers(
    config: str | None,
    flags: dict[str, Any],
    environ: dict[str, str] | None = None,
) -> list[tuple[str, dict[str, Any]]]:
    """Where each setting comes from: ``(origin, values)`` layers, lowest precedence first.

    Each layer is checked together with the layers below it, so a file that
    lowers ``gap_threshold`` lets the environment lower ``link_threshold``
    below the default gap.

    Raises:
        ConfigError: Unreadable config file, unknown key or bad value.

    Example:
        >>> settings_layers(None, {}, {"WIRETRACE_MAX_MERGE": "2"})
        [('environment', {'max_merge': '2'})]
    """
    environ = dict(os.environ) if environ is None else environ
    layers: list[tuple[str, dict[str, Any]]] = []
    if config:
        try:
            with open(config, "rb") as fh:
                values = tomllib.load(fh)
        except OSError as exc:
            raise ConfigError(f"{config}: cannot read config file ({exc.strerror})") from None
        except UnicodeDecodeError:
            raise ConfigError(f"{config}: not UTF-8 text (TOML files must be UTF-8)") from None
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{config}: not valid TOML ({exc})") from None
        layers.append((config, {k.lower().replace("-", "_"): v for k, v in values.items()}))
    names = Settings().as_dict().keys()
    env = {n: environ[f"WIRETRACE_{n.upper()}"] for n in names if f"WIRETRACE_{n.upper()}" in environ}
    if env:
        layers.append(("environment", env))
    given = {k: v for k, v in flags.items() if v is not None}
    if given:
        layers.append(("command line", given))
    merged: dict[str, Any] = {}
    for origin, layer in layers:
        merged.update(layer)
        # Layers below were fine, so a bad name or value here is this layer's.
        try:
            shown = {n: f"WIRETRACE_{n.upper()}" for n in layer} if origin == "environment" else None
            Settings.from_mapping(merged, where=origin, shown=shown)
        except ConfigError as exc:
            if str(exc).startswith(f"{origin}: "):
                raise
            raise ConfigError(f"{origin}: {exc}") from None
    return layers


def _parse_set(values: tuple[str, ...]) -> dict[str, str]:
    out = {}
    for item in values:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise click.BadParameter(f"{item!r} is not NAME=VALUE (e.g. link_threshold=0.6)", param_hint="--set")
        out[key.strip().lower().replace("-", "_")] = value.strip()
    return out


def command_line(set_values: tuple[str, ...], model: str | None) -> dict[str, Any]:
    """The settings given on the command line: ``--set`` values, and ``--model`` when given (it wins)."""
    flags: dict[str, Any] = _parse_set(set_values)
    if model is not None:
        flags["model"] = model
    return flags


def settings_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """The options every engine command shares, --config, --model and --set, read into one ``settings``.

    The command is called with ``settings`` (a :class:`Settings`, by :func:`build_settings`'s precedence)
    in place of the three.
    """

    @functools.wraps(func)
    def with_settings(*args: Any, config: str | None, model: str | None, set_values: tuple[str, ...], **kw: Any) -> Any:
        return func(*args, settings=build_settings(config, command_line(set_values, model)), **kw)

    return config_options(with_settings)


def config_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """--config, --model and --set as they are given (``config show`` tells their layers apart)."""
    func = click.option(
        "--set",
        "set_values",
        multiple=True,
        metavar="NAME=VALUE",
        help="Set any setting for this run, e.g. --set link_threshold=0.6 (repeatable; beats env and --config).",
    )(func)
    func = click.option(
        "--model",
        help="Embedding model: 'bundled' (default), a model2vec folder, or a sentence-transformers path or name.",
    )(func)
    func = click.option(
        "--config",
        "config",
        type=FileName(),
        envvar="WIRETRACE_CONFIG",
        help="TOML file of settings (see `wiretrace config show`).",
    )(func)
    return func
