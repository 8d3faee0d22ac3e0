"""The studio's web app (Starlette): pages, a small JSON API, server-sent events, files.

Routes:

* `GET /` and `GET /t/<slug>`: the index and a thread's studio page;
* `GET /api/threads`, `GET /api/threads/<slug>`: what the pages show;
* `POST /api/threads/<slug>/options`: option changes, written back to the thread file;
* `POST /api/presets`: "save as preset", written into carousel.yaml;
* `GET /events`: server-sent events, one `build` per thread a rebuild looked at;
* `GET /output/<path>`: built files; `GET /project/<path>`: the project's images.

Safe by default: requests must name an allowed host (no DNS rebinding); files are
served only from the output folder and, for images, the project (generator.serve.paths);
a write must be a JSON POST from the studio's own origin carrying the session token
that the pages embed (so another site open in the browser cannot write).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import secrets
import threading
from collections.abc import AsyncIterator, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sse_starlette import EventSourceResponse
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from generator import __version__
from generator.serve.paths import safe_file, safe_project_image
from generator.serve.studio import Refused, Studio

HERE = Path(__file__).parent
TOKEN_HEADER = "x-carousel-token"
PAGE_POLICY = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'"
FILE_POLICY = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"  # an SVG opened directly runs nothing
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "[::1]", "::1")


class EventHub:
    """Fans build events out from the watch loop's thread to every open event stream."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._subscribers: set[tuple[asyncio.AbstractEventLoop, asyncio.Queue[dict[str, Any]]]] = set()

    def publish(self, event: dict[str, Any]) -> None:
        """Thread-safe: queue `event` for every subscriber."""
        with self._lock:
            subscribers = list(self._subscribers)
        for loop, queue in subscribers:
            with contextlib.suppress(RuntimeError):  # that loop is closed: its stream is gone
                loop.call_soon_threadsafe(queue.put_nowait, event)

    @contextlib.contextmanager
    def subscription(self) -> Iterator[asyncio.Queue[dict[str, Any]]]:
        """A queue that receives every event published from now until the block ends.

        A stream subscribes before it sends its first message, so an event published
        once a client has seen that message is never lost (it used to register only
        after, and an early rebuild's event went nowhere).
        """
        queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        entry = (asyncio.get_running_loop(), queue)
        with self._lock:
            self._subscribers.add(entry)
        try:
            yield queue
        finally:
            with self._lock:
                self._subscribers.discard(entry)


@dataclass(frozen=True)
class Security:
    """The session's write token and the hosts the server answers to."""

    token: str
    allowed_hosts: tuple[str, ...]  # ("*",) when bound to every interface

    @classmethod
    def for_host(cls, host: str, token: str | None = None) -> Security:
        """Bound to every interface: any Host is answered (the user asked for it); else loopback names and `host`."""
        if host in ("0.0.0.0", "::", ""):
            hosts: tuple[str, ...] = ("*",)
        else:
            bare = host.strip("[]")
            hosts = tuple(dict.fromkeys((*LOOPBACK_HOSTS, bare, f"[{bare}]" if ":" in bare else bare)))
        return cls(token or secrets.token_urlsafe(32), hosts)

    def write_refusal(self, request: Request) -> str | None:
        """Why a write request is refused, or None when it comes from a studio page of this session."""
        origin = request.headers.get("origin")
        host = request.headers.get("host", "")
        if not origin or origin not in (f"http://{host}", f"https://{host}"):
            return f"refused: writes must come from the studio page itself (origin {origin or 'missing'} is not http://{host})"
        if not secrets.compare_digest(request.headers.get(TOKEN_HEADER, ""), self.token):
            return "refused: missing or wrong session token; reload the studio page (the server was restarted?)"
        if request.headers.get("content-type", "").split(";")[0].strip() != "application/json":
            return "refused: send the change as application/json"
        return None


def _json(data: Any, status: int = 200) -> JSONResponse:
    return JSONResponse(data, status_code=status, headers={"Cache-Control": "no-store"})


def _errors(status: int, messages: Iterable[str]) -> JSONResponse:
    return _json({"ok": False, "errors": list(messages)}, status)


def create_app(studio: Studio, hub: EventHub, security: Security) -> Starlette:
    """The studio's ASGI app for one project."""
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    session = secrets.token_hex(8)  # not the token: tells a page that the server it came from restarted

    def page(request: Request, name: str, **context: Any) -> Response:
        response = templates.TemplateResponse(
            request, name, {"token": security.token, "session": session, "version": __version__, **context}
        )
        response.headers["Content-Security-Policy"] = PAGE_POLICY
        response.headers["Cache-Control"] = "no-store"
        response.headers["Referrer-Policy"] = "no-referrer"
        return response

    async def index(request: Request) -> Response:
        return page(request, "index.html", title="Carousel Studio")

    async def thread_page(request: Request) -> Response:
        slug = request.path_params["slug"]
        if studio.source_of(slug) is None:
            return page(request, "missing.html", title="No such thread", slug=slug)
        return page(request, "thread.html", title=slug, slug=slug)

    async def api_threads(request: Request) -> Response:
        threads = await asyncio.to_thread(studio.threads)
        return _json({"threads": threads, "config_errors": list(studio.state.config_errors), "builds": studio.state.builds})

    async def api_thread(request: Request) -> Response:
        detail = await asyncio.to_thread(studio.thread, request.path_params["slug"])
        if detail is None:
            return _errors(404, [f"no thread '{request.path_params['slug']}'"])
        return _json(detail)

    async def read_change(request: Request) -> dict[str, Any]:
        refusal = security.write_refusal(request)
        if refusal:
            raise Refused(403, refusal)
        try:
            body = await request.json()
        except (ValueError, UnicodeDecodeError) as error:
            raise Refused(400, "the request body is not JSON") from error
        if not isinstance(body, dict):
            raise Refused(400, "the request body must be a JSON object")
        return body

    async def post_options(request: Request) -> Response:
        try:
            body = await read_change(request)
            post = body.get("post")
            if post is not None and (not isinstance(post, int) or isinstance(post, bool)):
                raise Refused(400, "post: give the post's number")
            result = await asyncio.to_thread(
                studio.apply_options, request.path_params["slug"], body.get("sha256"), body.get("options"), post
            )
        except Refused as refused:
            return _errors(refused.status, refused.messages)
        return _json(result)

    async def post_preset(request: Request) -> Response:
        try:
            body = await read_change(request)
            result = await asyncio.to_thread(studio.save_preset, body.get("name"), body.get("options"), body.get("config_sha256"))
        except Refused as refused:
            return _errors(refused.status, refused.messages)
        return _json(result)

    async def events(request: Request) -> Response:
        async def stream() -> AsyncIterator[dict[str, str]]:
            with hub.subscription() as queue:
                yield {"event": "hello", "data": json.dumps({"builds": studio.state.builds, "session": session})}
                while True:
                    event = await queue.get()
                    yield {"event": event["event"], "data": json.dumps(event)}

        return EventSourceResponse(stream(), ping=15, headers={"Cache-Control": "no-store"})

    def file_response(path: Path | None) -> Response:
        if path is None:
            return _errors(404, ["not found (only built output and project images are served)"])
        return FileResponse(
            path, headers={"Content-Security-Policy": FILE_POLICY, "X-Content-Type-Options": "nosniff", "Cache-Control": "no-cache"}
        )

    async def output_file(request: Request) -> Response:
        return file_response(safe_file(studio.out_dir, request.path_params["path"]))

    async def project_file(request: Request) -> Response:
        return file_response(safe_project_image(studio.project.root, request.path_params["path"]))

    routes = [
        Route("/", index),
        Route("/t/{slug}", thread_page),
        Route("/api/threads", api_threads),
        Route("/api/threads/{slug}", api_thread),
        Route("/api/threads/{slug}/options", post_options, methods=["POST"]),
        Route("/api/presets", post_preset, methods=["POST"]),
        Route("/events", events),
        Route("/output/{path:path}", output_file),
        Route("/project/{path:path}", project_file),
        Mount("/static", StaticFiles(directory=str(HERE / "static")), name="static"),
    ]
    middleware = [Middleware(TrustedHostMiddleware, allowed_hosts=list(security.allowed_hosts))]
    return Starlette(routes=routes, middleware=middleware)
