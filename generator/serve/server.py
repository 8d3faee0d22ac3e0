"""Run the studio: the watch loop in a thread, the web app on uvicorn in the main thread.

The watch loop (generator.watch.Watcher: warm renderers, build cache, dependency
tracking) is the same one `carousel watch` runs; it tells the studio about every
build through its listener, and the studio turns that into server-sent events.
Ctrl-C stops uvicorn, then the watch loop and its workers.
"""

from __future__ import annotations

import signal
import sys
import threading
import traceback
import webbrowser
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import uvicorn

from generator.build import BuildRequest
from generator.progress import BuildProgress
from generator.serve.app import EventHub, Security, create_app
from generator.serve.studio import Studio
from generator.watch import Watcher, WatchUpdate


@dataclass(frozen=True)
class ServeOptions:
    host: str = "127.0.0.1"
    port: int = 8000
    open_browser: bool = False
    poll: bool = False
    debounce: float = 0.1
    fixed_now: datetime | None = None


def _raise_keyboard_interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


def studio_url(host: str, port: int) -> str:
    shown = "127.0.0.1" if host in ("0.0.0.0", "") else (f"[{host}]" if ":" in host and not host.startswith("[") else host)
    return f"http://{shown}:{port}/"


def serve(request: BuildRequest, options: ServeOptions, echo: Callable[[str], None] | None = None) -> int:
    """Serve the studio until Ctrl-C; returns the exit code."""
    say = echo or (lambda line: print(line, file=sys.stderr, flush=True))
    studio = Studio(request, now=lambda: options.fixed_now or datetime.now(UTC))
    hub = EventHub()

    def listen(update: WatchUpdate) -> None:
        for event in studio.on_update(update):
            hub.publish(event)

    watcher = Watcher(
        request,
        poll=options.poll,
        debounce=options.debounce,
        fixed_now=options.fixed_now,
        progress=BuildProgress(sys.stderr, show_cached=False),
        listener=listen,
    )
    stop = threading.Event()

    def watch() -> None:
        try:
            watcher.start()
            say("watching content/, layouts/, themes/, assets/ and carousel.yaml for changes")
            watcher.watch_until(stop)
        except Exception:  # noqa: BLE001 (the web app stays up; the reason is printed)
            say("the watch loop stopped: " + "".join(traceback.format_exc()).strip())
        finally:
            watcher.stop()

    security = Security.for_host(options.host)
    app = create_app(studio, hub, security)
    server = uvicorn.Server(
        uvicorn.Config(app, host=options.host, port=options.port, log_level="warning", lifespan="off", timeout_graceful_shutdown=2)
    )
    url = studio_url(options.host, options.port)
    watch_thread = threading.Thread(target=watch, name="carousel-watch", daemon=True)

    def announce() -> None:
        # the watch loop starts once the port is ours: a failed start leaves nothing running
        while not server.started and not server.should_exit:
            stop.wait(0.05)
        if server.started:
            say(f"studio: {url} (Ctrl-C to stop)")
            if options.host not in ("127.0.0.1", "localhost", "::1"):
                say(f"warning: listening on {options.host}: whoever can reach this port can open the studio and change the project's files")
            watch_thread.start()
            if options.open_browser:
                webbrowser.open(url)

    announcer = threading.Thread(target=announce, name="carousel-announce", daemon=True)
    announcer.start()
    # uvicorn handles Ctrl-C and SIGTERM, then raises the signal again with the handler that
    # was there before it: ours, so that the watch loop and its workers are stopped too
    previous_term = signal.signal(signal.SIGTERM, _raise_keyboard_interrupt)
    try:
        server.run()
    except SystemExit:  # uvicorn exits when it cannot bind
        pass
    except KeyboardInterrupt:
        pass
    finally:
        server.should_exit = True
        announcer.join(timeout=5)
        stop.set()
        watcher.queue.wake()
        if watch_thread.is_alive():
            watch_thread.join(timeout=30)
        if watch_thread.is_alive():  # still rendering: end its workers from here
            watcher.stop()
        signal.signal(signal.SIGTERM, previous_term)
    if not server.started:
        say(f"error: could not serve on {options.host}:{options.port} (is the port in use? try --port)")
        return 2
    say("stopped the studio")
    return 0
