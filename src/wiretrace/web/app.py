"""The web app: a JSON API (documented at ``/openapi.json``) and pages for a journalist.

Build it with :func:`create_app`; ``wiretrace serve`` runs it under uvicorn.
Every failure, API or page, carries one error text: the line the CLI would print
after ``error:``. The API answers ``{"ok": false, "error": ..., "status": ...}``;
a page shows the same text. A 500 shows no article text and no stack.

Security: article text is hostile. Jinja escapes everything it renders and prints no
Unicode bidi control (each name, outlet and address stands in a ``<bdi>``: a title
cannot reorder the verdict or the dates beside it), links are
only made of ``http(s)`` addresses, and every response carries a Content Security
Policy that allows this server's own script and style only. Request bodies are
limited (413), a compare is limited in time (504), write requests need the token
when one is set, and requests from another site's page are refused (403), as are
``Origin: null`` (a sandboxed frame) and, when the server is bound to this machine
only, a Host header that is not one of its names (400: DNS rebinding). No
route reads or writes a path the client names: uploads are read in memory.
"""

from __future__ import annotations

import dataclasses
import hmac
import logging
import sqlite3
from collections.abc import Awaitable, Callable
from importlib import resources
from typing import Annotated, Any
from urllib.parse import urlsplit

from fastapi import Depends, FastAPI, File, Form, Path, Query, Request, UploadFile
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field, StrictInt
from starlette.convertors import PathConvertor, register_url_convertor
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from wiretrace.adapters.html_report import shown_value
from wiretrace.adapters.inputs import Rejected, located_id
from wiretrace.adapters.store.base import HEADLINE_CHARS
from wiretrace.adapters.store.sqlite import busy_error, is_busy
from wiretrace.corpus_report import reading_articles
from wiretrace.errors import ConfigError, InputError, StoreError, WiretraceError
from wiretrace.report import comparison_to_dict, flat, shown_date
from wiretrace.types import Article
from wiretrace.web import views
from wiretrace.web.jobs import safe_name
from wiretrace.web.service import Busy, ComputeTimeout, NotFound, Service, WebConfig, no_id

__all__ = ["create_app"]

log = logging.getLogger(__name__)

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
_STATIC = {
    "site.css": ("wiretrace.web", "static/site.css", "text/css"),
    "ingest.js": ("wiretrace.web", "static/ingest.js", "text/javascript"),
    "compare.js": ("wiretrace", "templates/compare.js", "text/javascript"),
    "comparison.css": ("wiretrace", "templates/comparison.css", "text/css"),
}


class ArticleIn(BaseModel):
    """One article: its text, and metadata the text's own header lines may also give.

    The fields of an ``ingest`` JSONL line, as the README says ``POST /api/articles`` takes them: ``source``
    and ``date`` beside ``outlet`` and ``published``, and a number for an id. A line sent as it stands in a
    feed had lost its outlet and date without a word (pydantic drops fields it does not know), and a numeric
    id was a 422.
    """

    text: str = Field(description="Plain text (optional ' date YYYY-MM-DD' lines first), an HTML page or a JSONL line.")
    id: str | StrictInt | None = Field(None, description="Id in the store (ingest); a compare names the article by it.")
    title: str | None = None
    published: str | None = Field(None, description="ISO date or date-time.")
    date: str | None = Field(None, description="The same as published (a JSONL line's other name for it).")
    outlet: str | None = None
    source: str | None = Field(None, description="The outlet, as a JSONL line names it (taken before outlet).")
    url: str | None = None


class CompareIn(BaseModel):
    a: ArticleIn
    b: ArticleIn


class IngestIn(BaseModel):
    articles: list[ArticleIn] = Field(
        description="Articles to add; one without an id gets 'api:N#' and a hash of its text (N: its place here)."
    )
    scan: bool = Field(True, description="Scan the new articles afterwards, so sources, copies and stories see them.")


class ErrorOut(BaseModel):
    ok: bool = False
    error: str = Field(description="One line: what, the problem, the fix; as the CLI prints after 'error:'.")
    status: int


ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorOut} for code in (400, 401, 403, 404, 413, 422, 429, 500, 503, 504)
}


class AnyPath(PathConvertor):
    """A route's path tail holding any character: Starlette's ``path`` (``.*``) stops short of a newline.

    An article id may hold one (an ingested JSONL line's ``"id": "a\\nb"``), and its page, sources,
    copies and forget routes had all answered 404. Routes take it as ``{article_id:anypath}``.
    """

    regex = "(?s:.*)"


register_url_convertor("anypath", AnyPath())


class _TooLarge(HTTPException):
    def __init__(self, limit: int) -> None:
        super().__init__(413, f"request body larger than {_size(limit)} (the server's limit for this endpoint)")


def _size(n: int) -> str:
    return f"{n / (1024 * 1024):g} MiB" if n >= 1024 * 1024 else f"{n / 1024:g} KiB"


class HeadAsGet:
    """Answer ``HEAD`` as ``GET`` without the body (uptime checks, ``curl -I``): routes are declared for GET only."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def headers_only(message: Message) -> None:
            if message["type"] != "http.response.body":
                await send(message)
            elif not message.get("more_body", False):
                await send({"type": "http.response.body", "body": b"", "more_body": False})

        await self.app({**scope, "method": "GET"}, receive, headers_only)


class BodyLimit:
    """Refuse request bodies over a limit with 413: by Content-Length at once, else while reading.

    Uploads to ingest (paths under ``/api/ingest`` and ``/ingest``) have their own, larger limit.
    """

    def __init__(
        self,
        app: ASGIApp,
        max_body_bytes: int,
        max_upload_bytes: int,
        render: Callable[[Scope, int, str], Response] | None = None,
    ) -> None:
        self.app = app
        self.max_body = max_body_bytes
        self.max_upload = max_upload_bytes
        self.render = render

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        limit = self.max_upload if path in ("/api/ingest", "/ingest") else self.max_body
        length = dict(scope.get("headers") or []).get(b"content-length")
        if length is not None and length.isdigit() and int(length) > limit:
            message = _TooLarge(limit).detail
            response = self.render(scope, 413, message) if self.render else _error_response(path, 413, message)
            await response(scope, receive, send)
            return
        seen = 0

        async def limited() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise _TooLarge(limit)
            return message

        await self.app(scope, limited, send)


def _secure(response: Response) -> Response:
    """The headers every response carries (set here too for errors answered outside the middleware: a 500)."""
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    # "same-origin", not "no-referrer": under no-referrer a browser sends this server's own form posts as
    # "Origin: null", which the guard must refuse (a sandboxed frame on another site sends the same).
    response.headers.setdefault("Referrer-Policy", "same-origin")
    return response


def _host_name(host: str) -> str:
    """The name in a Host header, lowercase, without port or IPv6 brackets.

    Example:
        >>> _host_name("LocalHost:8765"), _host_name("[::1]:8765"), _host_name("127.0.0.1")
        ('localhost', '::1', '127.0.0.1')
    """
    try:
        return (urlsplit(f"//{host}").hostname or "").lower()
    except ValueError:  # "[::1" and the like
        return ""


def _cross_site(origin: str | None, fetch_site: str | None, host: str) -> str | None:
    """What marks a write request as sent by another site's page (the origin, as written), or None.

    A sandboxed frame or a ``data:`` page sends ``Origin: null``: refused too. Browsers that send
    ``Sec-Fetch-Site`` say outright whether the request came from this server's own pages.

    Example:
        >>> _cross_site("http://127.0.0.1:8765", "same-origin", "127.0.0.1:8765") is None
        True
        >>> _cross_site("null", None, "127.0.0.1:8765"), _cross_site(None, "cross-site", "127.0.0.1:8765")
        ('Origin null', 'Sec-Fetch-Site cross-site')
    """
    if fetch_site is not None and fetch_site not in ("same-origin", "none"):
        return f"Sec-Fetch-Site {fetch_site}"
    if origin == "null":
        return "Origin null"
    if origin is not None and urlsplit(origin).netloc.lower() != host.lower():
        return origin
    return None


def _error_response(path: str, status: int, message: str, templates: Any = None, request: Any = None) -> Response:
    message = flat(message)  # one line, as the CLI prints it: an id may hold a newline or a control character
    if path.startswith("/api") or templates is None:
        return _secure(JSONResponse({"ok": False, "error": message, "status": status}, status_code=status))
    return _secure(
        templates.TemplateResponse(request, "error.html", {"message": message, "status": status}, status_code=status)
    )


def create_app(config: WebConfig, engine: Any = None) -> FastAPI:
    """The ASGI app on the store ``config.db``.

    Args:
        config: Store, token and limits.
        engine: A ready :class:`~wiretrace.pipeline.Engine` to share (tests); built when None.

    Returns:
        The FastAPI app; ``app.state.service`` holds its :class:`~wiretrace.web.service.Service`.

    Raises:
        StoreError: The store cannot be opened.

    Example:
        >>> app = create_app(WebConfig(db="news.db"))  # doctest: +SKIP
    """
    from fastapi.templating import Jinja2Templates
    from jinja2 import ChoiceLoader, Environment, PackageLoader, select_autoescape

    service = Service(config, engine)
    # Swagger and ReDoc pages load their code from a CDN: no internet here, so
    # the schema is served as JSON only.
    app = FastAPI(
        title="wiretrace",
        version="1",
        description="Find news rewrites and prove them, sentence by sentence. Errors: "
        '{"ok": false, "error": "<one line>", "status": <code>}.',
        docs_url=None,
        redoc_url=None,
    )
    app.state.service = service
    env = Environment(
        loader=ChoiceLoader([PackageLoader("wiretrace.web", "templates"), PackageLoader("wiretrace", "templates")]),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
        finalize=shown_value,  # no bidi control in a page: one in a title had reversed the dates beside it
    )
    env.globals.update(
        article_url=views.article_url, compare_url=views.compare_url, token_required=config.token is not None
    )
    env.filters["shown_date"] = shown_date  # every date on the pages, one form
    templates = Jinja2Templates(env=env)
    app.state.templates = templates

    def render_error(scope: Scope, status: int, message: str) -> Response:
        return _error_response(scope.get("path", ""), status, message, templates, Request(scope))

    app.add_middleware(HeadAsGet)
    app.add_middleware(
        BodyLimit,
        max_body_bytes=config.max_body_bytes,
        max_upload_bytes=config.max_upload_bytes,
        render=render_error,
    )

    @app.middleware("http")
    async def guard(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        host = request.headers.get("host", "")
        if config.allowed_hosts is not None and _host_name(host) not in config.allowed_hosts:
            # A name resolving to this machine that is not one of its own names: DNS rebinding, or a proxy
            # that was not declared with `serve --allowed-host`.
            return _error_response(
                request.url.path,
                400,
                f"Host {host!r}: not a name this server answers to (add it with --allowed-host)",
                templates,
                request,
            )
        if request.method == "POST" and request.url.path in ("/api/ingest", "/ingest"):
            try:  # refused before the upload is read, not after
                service.jobs.check_free("upload")
            except Busy as exc:
                response = _error_response(request.url.path, 429, str(exc), templates, request)
                response.headers["Retry-After"] = "10"
                return _secure(response)
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            refused = _cross_site(request.headers.get("origin"), request.headers.get("sec-fetch-site"), host)
            if refused:
                return _error_response(
                    request.url.path, 403, f"{refused}: requests from another site are refused", templates, request
                )
        return _secure(await call_next(request))

    def fail(request: Request, status: int, message: str) -> Response:
        return _error_response(request.url.path, status, message, templates, request)

    @app.exception_handler(NotFound)
    async def not_found(request: Request, exc: NotFound) -> Response:
        return fail(request, 404, str(exc))

    @app.exception_handler(Busy)
    async def busy(request: Request, exc: Busy) -> Response:
        response = fail(request, 429, str(exc))
        response.headers["Retry-After"] = "10"
        return response

    @app.exception_handler(ComputeTimeout)
    async def timed_out(request: Request, exc: ComputeTimeout) -> Response:
        return fail(request, 504, str(exc))

    def store_busy(request: Request, message: str) -> Response:
        response = fail(request, 503, message)
        response.headers["Retry-After"] = "10"
        return response

    @app.exception_handler(WiretraceError)
    async def user_error(request: Request, exc: WiretraceError) -> Response:
        if isinstance(exc, StoreError) and _busy(exc):  # an ingest beside the server holds the store
            return store_busy(request, str(exc))
        status = 400 if isinstance(exc, InputError | ConfigError) else 500
        return fail(request, status, str(exc))

    @app.exception_handler(sqlite3.DatabaseError)
    async def store_failed(request: Request, exc: sqlite3.DatabaseError) -> Response:
        # A forget or a scan that waited past the busy timeout for another process's write (a `wiretrace
        # ingest` beside the server) had been a 500 "internal error"; the CLI says what it is.
        if _busy(exc):
            return store_busy(request, str(busy_error(config.db)))
        log.error("store error on %s %s", request.method, request.url.path, exc_info=exc)
        return fail(request, 500, "internal error (see the server log)")

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        message = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
        if exc.status_code == 404 and message == "Not Found":
            message = f"{request.url.path}: no such page or endpoint"
        elif exc.status_code == 405:
            message = f"{request.url.path}: method {request.method} not allowed here"
        elif exc.status_code == 400:
            message = _body_error(message, request.headers.get("content-type", "")) or message
        return fail(request, exc.status_code, message)

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError) -> Response:
        first = exc.errors()[0] if exc.errors() else {"loc": (), "msg": "invalid request"}
        if first.get("type") == "json_invalid":
            # pydantic says "16: json decode error": the body's offset, in words a user can act on
            offset = next((p for p in first.get("loc", ()) if isinstance(p, int)), None)
            at = f" at character {offset}" if offset is not None else ""
            return fail(request, 400, f"request body: malformed JSON{at}")
        kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if tuple(first.get("loc", ())) == ("body",) and kind != "application/json":
            return fail(
                request, 415, f"request body: send JSON (Content-Type: application/json), not {kind or 'nothing'}"
            )
        where = ".".join(str(p) for p in first.get("loc", ()) if p not in ("body", "query", "path"))
        if first.get("type") == "string_too_long":
            ctx = first.get("ctx")
            limit = ctx.get("max_length", 0) if isinstance(ctx, dict) else 0
            given = len(str(first.get("input", "")))
            return fail(request, 422, f"{where}: {given:,} characters, over the {limit:,} taken (give a shorter one)")
        return fail(request, 422, f"{where or 'request'}: {str(first.get('msg', 'invalid')).lower()}")

    @app.exception_handler(Exception)
    async def crashed(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return fail(request, 500, "internal error (see the server log)")

    async def require_token(request: Request) -> None:
        """Write requests carry the token when one is set: in the header ``Authorization: Bearer …`` (or
        ``X-Wiretrace-Token``) or, for a form (the page's upload, ``/api/ingest``), a field ``token``.

        Both places on every upload route: the page's form had taken the field alone, the API the
        header alone, each answering the other 401.
        """
        if config.token is None:
            return
        scheme, _, credentials = request.headers.get("authorization", "").strip().partition(" ")
        given = credentials.strip() if scheme.lower() == "bearer" else ""  # the scheme is case-insensitive (RFC 9110)
        given = given or request.headers.get("x-wiretrace-token", "")
        kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if not given and kind in ("multipart/form-data", "application/x-www-form-urlencoded"):
            field = (await request.form()).get("token")  # the form FastAPI has read already (Starlette keeps it)
            given = field if isinstance(field, str) else ""
        if not given or not hmac.compare_digest(given.encode(), config.token.encode()):
            where = "Authorization: Bearer <token>, or a form field token"
            if not request.url.path.startswith("/api"):
                where = "enter it beside the upload"
            raise HTTPException(401, f"this server needs a token for writes ({where})")

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> Response:
        return Response(status_code=204)

    @app.get("/static/{name}", include_in_schema=False)
    def static(name: str) -> Response:
        if name not in _STATIC:
            raise HTTPException(404, f"/static/{name}: no such file")
        package, path, media = _STATIC[name]
        body = (resources.files(package) / path).read_bytes()
        return Response(body, media_type=media, headers={"Cache-Control": "max-age=300"})

    # -- API ---------------------------------------------------------------

    def to_article(item: ArticleIn, where: str) -> Article:
        from wiretrace.adapters.readers import article_from_record, looks_html, read_bytes, unicode_text

        if not item.text.strip():
            raise InputError(where, 'field "text" is empty')
        data = unicode_text(item.text, where, "text").encode("utf-8")
        # Plain text or a page, by its content: the id names no file, and its suffix (".warc") says nothing.
        article = read_bytes(data, where, "html" if looks_html(data) else "txt")
        extra = {k: v for k, v in item.model_dump().items() if k != "text" and v is not None}
        if not extra:
            return article
        # Given metadata wins over the text's own header lines, read as a JSONL record would be.
        record = {"text": article.text, **extra}
        given = article_from_record(record, where)
        return dataclasses.replace(
            article,
            id=given.id or article.id,
            title=given.title or article.title,
            published=given.published or article.published,
            outlet=given.outlet or article.outlet,
            url=given.url or article.url,
        )

    @app.get("/api/stats", tags=["store"], responses=ERRORS)
    def api_stats() -> dict[str, Any]:
        """Counts: articles, articles not yet scanned, decided pairs by relation, stories."""
        return views.store_stats(service.corpus(), service.stories())

    @app.post("/api/compare", tags=["compare"], responses=ERRORS)
    def api_compare(body: CompareIn) -> dict[str, Any]:
        """Compare two articles given as text (schema ``wiretrace.comparison/1``, as ``wiretrace compare --json``)."""
        result = service.compare(to_article(body.a, _place(body.a.id, "a")), to_article(body.b, _place(body.b.id, "b")))
        return comparison_to_dict(result, service.model)

    @app.post("/api/compare/files", tags=["compare"], responses=ERRORS)
    async def api_compare_files(
        a: Annotated[UploadFile, File(description="Article A: .txt, .html or .jsonl (first line).")],
        b: Annotated[UploadFile, File(description="Article B.")],
    ) -> dict[str, Any]:
        """Compare two uploaded article files (as ``wiretrace compare A B --json``)."""
        from starlette.concurrency import run_in_threadpool

        art_a, art_b = await _read_upload(a, "a"), await _read_upload(b, "b")
        result = await run_in_threadpool(service.compare, art_a, art_b)
        return comparison_to_dict(result, service.model)

    @app.get("/api/compare", tags=["compare"], responses=ERRORS)
    def api_compare_stored(
        a: Annotated[str, Query(description="Id of a stored article.")],
        b: Annotated[str, Query(description="Id of another.")],
    ) -> dict[str, Any]:
        """Compare two stored articles by id."""
        return comparison_to_dict(service.compare_stored(a, b), service.model)

    @app.get("/api/articles/{article_id:anypath}/sources", tags=["articles"], responses=ERRORS)
    def api_sources(
        request: Request,
        article_id: str,
        rewrites_only: Annotated[
            bool, Query(description="Only articles it was shown rewritten from (not those on the same event).")
        ] = False,
    ) -> Any:
        """The stored articles this one may be written from, likeliest first (as ``wiretrace sources --json``)."""
        if whole := _encoded_suffix(request, article_id, "sources"):
            return api_article(whole)
        service.stored(article_id)
        matches = service.within_timeout(lambda: service.corpus().sources(article_id, rewrites_only=rewrites_only))
        articles = reading_articles(service.corpus().store, matches)
        return [views.match_dict(m, "source", articles, service.model) for m in matches]

    @app.get("/api/articles/{article_id:anypath}/copies", tags=["articles"], responses=ERRORS)
    def api_copies(request: Request, article_id: str) -> Any:
        """The stored articles written from this one, best first (as ``wiretrace copies ID --json``)."""
        if whole := _encoded_suffix(request, article_id, "copies"):
            return api_article(whole)
        service.stored(article_id)
        matches = service.within_timeout(lambda: service.corpus().copies(article_id))
        articles = reading_articles(service.corpus().store, matches)
        return [views.match_dict(m, "copy", articles, service.model) for m in matches]

    @app.get("/api/articles/{article_id:anypath}", tags=["articles"], responses=ERRORS)
    def api_article(article_id: str) -> dict[str, Any]:
        """One stored article: metadata and text."""
        return views.article_dict(service.stored(article_id), with_text=True)

    @app.delete(
        "/api/articles/{article_id:anypath}", tags=["articles"], responses=ERRORS, dependencies=[Depends(require_token)]
    )
    def api_forget(article_id: str) -> dict[str, Any]:
        """Remove one article, its index keys and its pairs (as ``wiretrace forget ID``). Needs the token."""
        if not article_id:
            raise no_id()
        if not service.corpus().store.forget(article_id):
            raise NotFound(article_id, "no article with this id in the store")
        service.changed()
        return {"ok": True, "forgot": article_id}

    @app.post("/api/articles", tags=["articles"], responses=ERRORS, dependencies=[Depends(require_token)])
    def api_ingest(body: IngestIn) -> dict[str, Any]:
        """Add articles given as JSON, then scan them (as ``wiretrace ingest`` and ``scan``). Needs the token.

        The scan takes every article not yet scanned, as ``wiretrace scan`` does, one scan at a time in the
        server: a large backlog makes a long request (upload big batches to ``/api/ingest``, a job).
        """
        items: list[Any] = []
        for n, item in enumerate(body.articles, 1):
            try:
                article = to_article(item, _place(item.id, f"api:{n}"))
            except InputError as exc:
                items.append(Rejected(exc.where, exc.problem))
                continue
            items.append(located_id(article, f"api:{n}"))
        corpus = service.corpus()
        report = corpus.ingest(items)
        service.changed()
        scanned = None
        if body.scan:
            with service.scan_lock:
                scanned = corpus.scan()
        return {
            "added": report.added,
            "duplicates": report.duplicates,
            "rejected": [{"where": r.where, "reason": r.reason} for r in report.rejected],
            "scanned": scanned.scanned if scanned else 0,
            "found": scanned.found if scanned else {},
            "articles": corpus.store.count(),
        }

    @app.post(
        "/api/ingest", tags=["articles"], status_code=202, responses=ERRORS, dependencies=[Depends(require_token)]
    )
    async def api_ingest_file(
        file: Annotated[UploadFile, File(description="A JSONL file (one article per line) or one .txt/.html article.")],
        scan: Annotated[bool, Form(description="Scan the new articles when the ingest is done.")] = True,
    ) -> dict[str, Any]:
        """Start a background ingest of an uploaded file; poll the job at ``status_url``. Needs the token."""
        data = await file.read()
        job = service.jobs.start_ingest(service, data, safe_name(file.filename), scan)
        return {"job": job.id, "status_url": f"/api/jobs/{job.id}", "page": f"/jobs/{job.id}"}

    @app.get("/api/jobs/{job_id}", tags=["articles"], responses=ERRORS)
    def api_job(job_id: str) -> dict[str, Any]:
        """A background job's state (queued, running, done, failed), phase and progress."""
        job = service.jobs.get(job_id)
        if job is None:
            raise NotFound(f"job {job_id}", "no such job (jobs are kept while the server runs)")
        return job.as_dict()

    @app.get("/api/stories", tags=["stories"], responses=ERRORS)
    def api_stories(
        offset: Annotated[int, Query(ge=0, le=views.SEARCH_OFFSET, description="Stories to skip.")] = 0,
        limit: Annotated[
            int | None, Query(ge=1, le=views.SEARCH_OFFSET, description="The most stories to return (default: all).")
        ] = None,
    ) -> list[dict[str, Any]]:
        """Every story with its provenance graph, largest first (as the story lines of ``scan --jsonl``).

        ``offset`` and ``limit`` take a page of them; a story's ``id`` stays its number in the whole list.
        """
        from wiretrace.corpus_report import story_dict

        index = service.stories()
        end = len(index.stories) if limit is None else min(len(index.stories), offset + limit)
        shown = range(offset + 1, end + 1)
        articles = views.articles_of(service.corpus(), (index.stories[n - 1] for n in shown))
        return [story_dict(n, index.stories[n - 1], articles) for n in shown]

    @app.get("/api/stories/{ref}", tags=["stories"], responses=ERRORS)
    def api_story(
        ref: Annotated[str, Path(description="The story's lasting key, or its number in /api/stories.")],
    ) -> dict[str, Any]:
        """One story: articles in time order, originals (roots) and provenance edges source → derived."""
        from wiretrace.corpus_report import story_dict

        index = service.stories()
        number = index.find(ref)
        if number is None:
            raise NotFound(f"story {ref}", f"no such story (there are {len(index.stories)})")
        story = index.stories[number - 1]
        return story_dict(number, story, views.articles_of(service.corpus(), [story]))

    @app.get("/api/search", tags=["store"], responses=ERRORS)
    def api_search(
        q: Annotated[
            str | None, Query(description="Words found in the title or text.", max_length=views.SEARCH_CHARS)
        ] = None,
        title: Annotated[
            str | None,
            Query(
                description="Found in the title (a substring; ASCII letters in either case), or in an untitled "
                f"article's opening {HEADLINE_CHARS} characters, where its headline stands.",
                max_length=views.SEARCH_CHARS,
            ),
        ] = None,
        outlet: Annotated[
            str | None, Query(description="Found in the outlet (a substring).", max_length=views.SEARCH_CHARS)
        ] = None,
        since: Annotated[str | None, Query(description="Published on or after (YYYY-MM-DD).")] = None,
        until: Annotated[str | None, Query(description="Published on or before (YYYY-MM-DD).")] = None,
        limit: Annotated[int, Query(ge=1, le=500)] = 50,
        offset: Annotated[
            int, Query(ge=0, le=views.SEARCH_OFFSET, description="Matches passed over first: the next page.")
        ] = 0,
    ) -> list[dict[str, Any]]:
        """Stored articles matching every filter given, newest first."""
        found = service.corpus().store.search(
            q, title, outlet, views.parse_day(since, "since"), views.parse_day(until, "until"), limit, offset
        )
        return [views.article_dict(item) for item in found]

    from wiretrace.web.pages import add_pages

    add_pages(app, service, templates, to_article, require_token)
    return app


# Starlette's and FastAPI's own texts for a body they cannot read, and what each means to the sender.
_FORM_ERRORS = {
    "Invalid multipart data.": "not valid multipart data",
    "Missing boundary in multipart.": "the Content-Type header names no boundary",
    'The Content-Disposition header field "name" must be provided.': "a part has no name",
}
_SEND_FORM = "send it as multipart/form-data, as a browser or curl -F does"
_UNREADABLE_JSON = (
    "request body: not readable as JSON (send UTF-8 JSON; nesting thousands deep and huge numbers are refused)"
)


def _body_error(detail: str, content_type: str) -> str | None:
    """The one-line error for a request body the framework could not read (its own text given), or None.

    Example:
        >>> _body_error("Invalid multipart data.", "multipart/form-data; boundary=x")
        'form: not valid multipart data (send it as multipart/form-data, as a browser or curl -F does)'
    """
    kind = content_type.split(";")[0].strip().lower()
    if detail == "There was an error parsing the body":
        # JSON that is not UTF-8, nested past the parser's depth, or holding a number of thousands of digits
        if kind in ("multipart/form-data", "application/x-www-form-urlencoded"):
            return f"form: cannot be read ({_SEND_FORM})"
        return _UNREADABLE_JSON
    if detail in _FORM_ERRORS:
        return f"form: {_FORM_ERRORS[detail]} ({_SEND_FORM})"
    if detail.startswith(("Part exceeded", "Field exceeded", "Too many fields", "Too many files")):
        return f"form: {detail[0].lower()}{detail[1:].rstrip('.')} ({_SEND_FORM})"
    return None


def _encoded_suffix(request: Request, article_id: str, suffix: str) -> str | None:
    """The whole id when ``/{suffix}`` ends the id itself (its slash sent as ``%2F``), not the route; else None.

    The router sees ``/api/articles/notes%2Fsources`` decoded, as the sources of ``notes``; the raw path
    tells the article ``notes/sources`` apart.
    """
    raw = request.scope.get("raw_path")
    if isinstance(raw, bytes) and not raw.endswith(b"/" + suffix.encode()):
        return f"{article_id}/{suffix}"
    return None


def _busy(exc: BaseException) -> bool:
    """Whether ``exc`` is, or was raised from, SQLite giving up waiting for another process's lock."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, sqlite3.DatabaseError) and is_busy(seen):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _place(given_id: str | int | None, default: str) -> str:
    """Where an error names a posted article: its id, or ``default`` when it has none or one not writable as UTF-8.

    An id holding a lone surrogate (valid JSON, ``"\\ud800"``) is refused by the reader, and the refusal
    naming it could not be written in the JSON answer: a 500.

    Example:
        >>> _place("x", "a"), _place(None, "a"), _place("x\\ud800", "api:1"), _place(0, "a")
        ('x', 'a', 'api:1', '0')
    """
    if given_id is None or given_id == "":
        return default
    try:
        str(given_id).encode("utf-8")
    except UnicodeEncodeError:
        return default
    return str(given_id)


def _with_id(article: Article, article_id: str) -> Article:
    return dataclasses.replace(article, id=article_id)


async def _read_upload(upload: UploadFile, default: str) -> Article:
    from wiretrace.adapters.readers import read_bytes

    name = safe_name(upload.filename, default)
    return read_bytes(await upload.read(), name)
