"""``wiretrace serve``: the web app on one store, under uvicorn.

FastAPI and uvicorn are the ``web`` extra; they are imported only when the
command runs, so ``wiretrace compare`` never loads them.
"""

from __future__ import annotations

import ipaddress
import os
import socket
from urllib.parse import urlsplit

import click

from wiretrace.cli_settings import FileName, settings_options
from wiretrace.errors import ConfigError
from wiretrace.settings import Settings

__all__ = ["is_loopback", "register"]


def is_loopback(host: str) -> bool:
    """True for addresses only this machine can reach (``127.0.0.1``, ``::1``, ``localhost``).

    Example:
        >>> is_loopback("127.0.0.1"), is_loopback("0.0.0.0")
        (True, False)
    """
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@click.command()
@click.option(
    "--db",
    default="wiretrace.db",
    envvar="WIRETRACE_DB",
    show_default=True,
    type=FileName(),
    help="The SQLite store (created if missing).",
)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind; loopback unless a token is set.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535), help="Port to listen on.")
@click.option(
    "--token",
    envvar="WIRETRACE_TOKEN",
    help="Writes (ingest, forget) need 'Authorization: Bearer TOKEN'; required to bind a non-loopback address.",
)
@click.option(
    "--allowed-host",
    "allowed_hosts",
    multiple=True,
    metavar="NAME",
    help="A name clients reach the server by (a proxy's, say); repeatable. On a loopback address only "
    "localhost, 127.0.0.1, ::1 and these are answered; elsewhere these, or any name when none is given.",
)
@click.option("--max-body-kb", default=4096, show_default=True, type=click.IntRange(1), help="Largest request body.")
@click.option(
    "--max-upload-mb", default=64, show_default=True, type=click.IntRange(1), help="Largest file uploaded to ingest."
)
@click.option(
    "--compare-timeout",
    default=30.0,
    show_default=True,
    type=click.FloatRange(min=0.1),
    help="Seconds a compare may take before it is answered 504.",
)
@settings_options
def serve(
    db: str,
    host: str,
    port: int,
    token: str | None,
    allowed_hosts: tuple[str, ...],
    max_body_kb: int,
    max_upload_mb: int,
    compare_timeout: float,
    settings: Settings,
) -> None:
    """Start the web app: compare, article, story and overview pages, and a JSON API.

    The API's schema is at /openapi.json. Binds 127.0.0.1 by default; binding
    any other address needs --token (or WIRETRACE_TOKEN), and every write then
    carries it.

    \b
    Examples:
      wiretrace serve --db news.db
      WIRETRACE_TOKEN=s3cret wiretrace serve --db news.db --host 0.0.0.0 --port 8080
    """
    token = (token or "").strip() or None
    if not is_loopback(host) and token is None:
        raise ConfigError(
            f"--host {host}: refusing to serve beyond this machine without a token (give --token or WIRETRACE_TOKEN)"
        )
    try:
        import uvicorn

        from wiretrace.web import WebConfig, create_app
    except ImportError as exc:
        missing = exc.name or "a package"
        raise ConfigError(f"the web app needs its extra ({missing} is missing): pip install 'wiretrace[web]'") from None
    _check_port_free(host, port)
    app = create_app(
        WebConfig(
            db=db,
            token=token,
            allowed_hosts=_allowed_hosts(host, allowed_hosts),
            max_body_bytes=max_body_kb * 1024,
            max_upload_bytes=max_upload_mb * 1024 * 1024,
            compare_timeout_s=compare_timeout,
            settings=settings,
        )
    )
    click.echo(f"wiretrace: serving {db} on http://{host}:{port}/ (Ctrl+C stops)", err=True)
    uvicorn.run(app, host=host, port=port, log_level=os.environ.get("WIRETRACE_LOG_LEVEL", "warning"))


def _allowed_hosts(host: str, names: tuple[str, ...]) -> frozenset[str] | None:
    """The Host names the server answers: this machine's own on a loopback address, and those given.

    A page on another site cannot reach a server bound to 127.0.0.1, unless its domain is made to resolve
    to 127.0.0.1 (DNS rebinding); its requests then carry that domain as their Host, and are refused.
    On another address, with no names given, any name is answered (the token guards the writes).

    Example:
        >>> sorted(_allowed_hosts("127.0.0.1", ("News.Example:443",)))
        ['127.0.0.1', '::1', 'localhost', 'news.example']
        >>> _allowed_hosts("0.0.0.0", ()) is None, sorted(_allowed_hosts("0.0.0.0", ("news.example",)))
        (True, ['news.example'])
    """
    for name in names:
        if "/" in name or not name.strip():
            raise ConfigError(f"--allowed-host {name!r}: give a host name (news.example), not a URL or path")
    given = {urlsplit(f"//{n.strip()}").hostname or n.strip().lower() for n in names}
    if is_loopback(host):
        return frozenset({"localhost", "127.0.0.1", "::1", host.strip("[]").lower(), *given})
    return frozenset(given) if given else None


def _check_port_free(host: str, port: int) -> None:
    # uvicorn would report a taken port as a log line after the model loaded; say it first, in one line.
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host.strip("[]"), port))
        except OSError as exc:
            raise ConfigError(
                f"--host {host} --port {port}: cannot listen there ({exc.strerror}); choose another --port"
            ) from None


def register(group: click.Group) -> None:
    """Add ``serve`` to the ``wiretrace`` group."""
    group.add_command(serve)
