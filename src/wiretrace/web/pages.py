"""The pages: overview, compare, article, story, search and an ingest's progress.

Each route asks the :class:`~wiretrace.web.service.Service` and renders a template
with plain values; Jinja escapes every one of them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import Depends, FastAPI, File, Query, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile as StarletteUpload

from wiretrace.corpus_report import reading_line
from wiretrace.errors import InputError
from wiretrace.report import verdict_summary
from wiretrace.types import Article, Comparison
from wiretrace.web import views
from wiretrace.web.jobs import safe_name
from wiretrace.web.service import NotFound, Service

__all__ = ["add_pages"]

_LATEST = 10
_PAGE = 100  # search results, or stories, a page
# A pasted text's title is its name in the verdict line, beside the other's: this many characters at most.
_NAME_WIDTH = 60


def add_pages(
    app: FastAPI,
    service: Service,
    templates: Any,
    to_article: Callable[..., Article],
    require_token: Callable[..., Awaitable[None]],
) -> None:
    """Add the HTML routes to ``app`` (``require_token``: the dependency that checks a write's token)."""

    def page(request: Request, name: str, **context: Any) -> Response:
        response: Response = templates.TemplateResponse(request, name, context)
        return response

    @app.get("/", include_in_schema=False)
    def overview(request: Request) -> Response:
        corpus, index = service.corpus(), service.stories()
        numbers = sorted(
            range(1, len(index.stories) + 1),
            key=lambda n: (index.latest[n - 1] is not None, index.latest[n - 1] or "", -n),
            reverse=True,
        )[:_LATEST]
        articles = views.articles_of(corpus, (index.stories[n - 1] for n in numbers), roots_only=True)
        recent = corpus.store.search(limit=_LATEST)
        return page(
            request,
            "index.html",
            stats=views.store_stats(corpus, index),
            stories=[views.story_summary(n, index, articles) for n in numbers],
            recent=[views.article_dict(item) for item in recent],
        )

    def show_comparison(
        request: Request, result: Comparison, stored: bool, names: dict[str, str] | None = None
    ) -> Response:
        from wiretrace.adapters.html_report import page_context

        context = page_context(result, service.model, names)
        context.pop("script", None)
        return page(request, "compare.html", stored=stored, **context)

    @app.get("/compare", include_in_schema=False)
    def compare_page(request: Request, a: str | None = None, b: str | None = None) -> Response:
        if a and b:
            return show_comparison(request, service.compare_stored(a, b), stored=True)
        return page(request, "compare_form.html")

    @app.post("/compare", include_in_schema=False)
    async def compare_submit(request: Request) -> Response:
        from wiretrace.adapters.readers import read_bytes

        # Read here, not by FastAPI's Form(): Starlette cuts a form's text field at 1 MiB ("Part exceeded
        # maximum size"), where the server's own body limit (--max-body-kb, a 413) is the one that holds.
        names: dict[str, str] = {}
        async with request.form(max_part_size=service.config.max_body_bytes) as form:

            async def read(side: str) -> Article:
                text, upload = form.get(f"{side.lower()}_text") or "", form.get(f"{side.lower()}_file")
                if not isinstance(text, str):
                    raise InputError(side, "the text field holds a file")
                if isinstance(upload, StarletteUpload) and upload.filename and (data := await upload.read()):
                    if text.strip():
                        raise InputError(side, "both pasted text and a file given: keep one")
                    return read_bytes(data, safe_name(upload.filename, side))
                if text.strip():
                    article = read_bytes(text.encode("utf-8"), side)
                    names[side.lower()] = _pasted_name(article, side)
                    return article
                raise InputError(side, "no article given (paste its text or choose a file)")

            art_a, art_b = await read("A"), await read("B")
        result = await run_in_threadpool(service.compare, art_a, art_b)
        return show_comparison(request, result, stored=False, names=names)

    @app.get("/articles/{article_id:anypath}", include_in_schema=False)
    def article_page(request: Request, article_id: str) -> Response:
        item = service.stored(article_id)
        sources = service.within_timeout(lambda: service.corpus().sources(article_id))
        copies = service.within_timeout(lambda: service.corpus().copies(article_id))
        index = service.stories()
        number = index.numbers.get(item.rowid)
        story = {"id": number, "key": index.stories[number - 1].key} if number else None
        return page(
            request,
            "article.html",
            article=views.article_dict(item, with_text=True),
            text=views.shown_text(item.article.text[item.article.header :]),
            url_is_link=_is_web_address(item.article.url),
            sources=[_match_row(m, "source", article_id) for m in sources],
            copies=[_match_row(m, "copy", article_id) for m in copies],
            story=story,
        )

    @app.get("/stories", include_in_schema=False)
    def stories_page(request: Request, offset: Annotated[int, Query(ge=0, le=views.SEARCH_OFFSET)] = 0) -> Response:
        index = service.stories()
        shown = range(offset + 1, min(offset + _PAGE, len(index.stories)) + 1)
        articles = views.articles_of(service.corpus(), (index.stories[n - 1] for n in shown), roots_only=True)
        return page(
            request,
            "stories.html",
            total=len(index.stories),
            stories=[views.story_summary(n, index, articles) for n in shown],
            first=offset + 1,
            earlier=f"/stories?offset={max(0, offset - _PAGE)}" if offset else None,
            later=f"/stories?offset={offset + _PAGE}" if offset + _PAGE < len(index.stories) else None,
        )

    @app.get("/stories/{ref}", include_in_schema=False)
    def story_page(request: Request, ref: str) -> Response:
        index = service.stories()
        number = index.find(ref)
        if number is None:
            raise NotFound(f"story {ref}", f"no such story (there are {len(index.stories)})")
        story = index.stories[number - 1]
        articles = views.articles_of(service.corpus(), [story])
        return page(
            request,
            "story.html",
            number=number,
            key=story.key,
            graph=views.layout_story(story, articles),
            members=[views.article_dict(articles[r]) for r in story.articles if r in articles],
        )

    @app.get("/search", include_in_schema=False)
    def search_page(
        request: Request,
        q: Annotated[str, Query(max_length=views.SEARCH_CHARS)] = "",
        title: Annotated[str, Query(max_length=views.SEARCH_CHARS)] = "",
        outlet: Annotated[str, Query(max_length=views.SEARCH_CHARS)] = "",
        since: str = "",
        until: str = "",
        offset: Annotated[int, Query(ge=0, le=views.SEARCH_OFFSET)] = 0,
    ) -> Response:
        asked = any(x.strip() for x in (q, title, outlet, since, until))
        found = (
            service.corpus().store.search(
                q.strip() or None,
                title.strip() or None,
                outlet.strip() or None,
                views.parse_day(since, "since"),
                views.parse_day(until, "until"),
                _PAGE + 1,  # one more than shown: there is a next page
                offset,
            )
            if asked
            else []
        )
        query = {"q": q, "title": title, "outlet": outlet, "since": since, "until": until}
        return page(
            request,
            "search.html",
            asked=asked,
            query=query,
            results=[views.article_dict(item) for item in found[:_PAGE]],
            first=offset + 1,
            earlier=f"/search?{urlencode({**query, 'offset': max(0, offset - _PAGE)})}" if offset else None,
            later=f"/search?{urlencode({**query, 'offset': offset + _PAGE})}" if len(found) > _PAGE else None,
        )

    @app.post("/ingest", include_in_schema=False, dependencies=[Depends(require_token)])
    async def ingest_submit(file: Annotated[UploadFile, File()]) -> Response:
        data = await file.read()
        if not data:
            raise InputError(safe_name(file.filename), "the file is empty")
        job = service.jobs.start_ingest(service, data, safe_name(file.filename), scan=True)
        return RedirectResponse(f"/jobs/{job.id}", status_code=303)

    @app.get("/jobs/{job_id}", include_in_schema=False)
    def job_page(request: Request, job_id: str) -> Response:
        job = service.jobs.get(job_id)
        if job is None:
            raise NotFound(f"job {job_id}", "no such job (jobs are kept while the server runs)")
        return page(request, "job.html", job=job.as_dict())


def _pasted_name(article: Article, side: str) -> str:
    """A pasted text's name on the page: its title as the reader found it, shortened, else "text A (pasted)".

    A pasted text has no file name, and the bare side letter it is read under says nothing.
    """
    return views.clip(article.title or "", _NAME_WIDTH) or f"text {side} (pasted)"


def _is_web_address(url: str | None) -> bool:
    from wiretrace.adapters.html_report import _is_web_address as is_web

    return is_web(url)


def _match_row(match: Any, role: str, this_id: str) -> dict[str, Any]:
    c = match.comparison
    other = str(match.article.article.id)
    source, derived = (other, this_id) if role == "source" else (this_id, other)
    return {
        "id": other,
        "headline": views.headline(match.article),
        "published": match.article.article.published,
        "outlet": match.article.article.outlet,
        # Listed for what a reading of the wire versions as one shows: the pair alone says less, and says so.
        "verdict": ("on its own: " if match.versions is not None else "") + verdict_summary(c),
        "versions": reading_line(match, role),
        "facts": [f.text for f in c.carried_facts[:6]],
        "compare": views.compare_url(source, derived),
        "url": views.article_url(other),
    }
