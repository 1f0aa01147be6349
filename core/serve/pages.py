"""The clerk's page, the API docs page and their files, served from the package (no CDN:
the pages load nothing from elsewhere, and their Content-Security-Policy says so)."""

from __future__ import annotations

import html
from functools import cache
from importlib import resources

from starlette.responses import HTMLResponse, Response

from .problems import KINDS, Problem

STATIC: dict[str, str] = {
    "index.html": "text/html; charset=utf-8",
    "docs.html": "text/html; charset=utf-8",
    "clerk.js": "text/javascript; charset=utf-8",
    "docs.js": "text/javascript; charset=utf-8",
    "clerk.css": "text/css; charset=utf-8",
}
"""The files the pages are made of, with their media types (nothing else is served)."""

SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; script-src 'self'; style-src 'self'; "
                               "img-src 'self' data: blob:; connect-src 'self'; "
                               "form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


@cache
def _read(name: str) -> bytes:
    """A file of the pages (read once per process: they are part of the installed
    package)."""
    return resources.files("credbridge.serve").joinpath("static", name).read_bytes()


def page(name: str) -> Response:
    """One of the two pages."""
    return Response(_read(name), media_type=STATIC[name], headers=SECURITY_HEADERS)


def static_file(name: str) -> Response:
    """A script or style sheet of the pages; any other name is not found."""
    if name not in STATIC:
        raise Problem("not-found", f"no file {name!r} in the service's pages")
    return Response(_read(name), media_type=STATIC[name],
                    headers={**SECURITY_HEADERS, "Cache-Control": "no-cache"})


def problem_page(name: str) -> Response:
    """What a problem type means: the page a problem's ``type`` points to."""
    kind = KINDS.get(name)
    if kind is None:
        raise Problem("not-found", f"no problem type {name!r}")
    text = (f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{kind.title}"
            f"</title><link rel='stylesheet' href='/static/clerk.css'></head><body><main>"
            f"<h1>{html.escape(kind.title)}</h1><p>HTTP status {kind.status}; type "
            f"<code>/problems/{kind.name}</code>.</p><p>{html.escape(kind.explanation)}</p>"
            f"<p><a href='/docs'>The API</a></p></main></body></html>")
    return HTMLResponse(text, headers=SECURITY_HEADERS)
