"""HTTP for the preview: what to answer to a request, kept apart from sockets so it is tested
without one; `Handler` adapts it to `http.server`.

The preview is for the editor's own browser: it answers only to a Host it knows (a page on some
web site cannot reach it by pointing a DNS name at 127.0.0.1), sends no CORS headers, and its
one extra endpoint, the reload events, tells nothing but a change counter. The reload script and
an error overlay are added to HTML responses here, never to the built files.
"""
from __future__ import annotations

import html
import ipaddress
import json
import mimetypes
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from pathlib import Path, PurePosixPath
from urllib.parse import unquote

from generator.labels import labels
from generator.serve.paths import resolve_request

EVENTS = "/__edition/events"
RELOAD_SCRIPT = """<script>/* edition serve: reload when the site changes */
(function () {
  var loaded = "%d", source = new EventSource("%s");
  source.onmessage = function (event) { if (event.data !== loaded) { source.close(); location.reload(); } };
})();
</script>"""
OVERLAY = """<div id="edition-error" role="alert" style="position:fixed;inset:auto 0 0 0;z-index:2147483647;\
max-height:50vh;overflow:auto;margin:0;padding:1em 1.5em;background:#3b0a0a;color:#fff;\
font:14px/1.5 ui-monospace,monospace;white-space:pre-wrap;border-top:4px solid #e33">\
<strong>%s</strong>
%s</div>"""


@dataclass
class PreviewState:
    """What the server shows: the site folder, a change counter, the current build error."""
    root: Path
    allowed_hosts: set[str]
    counter: int = 0
    error: str | None = None
    # An error is shown on the site it was found against, not on one a build committed since: a
    # good build's pages are served from its commit on, before the preview hears it succeeded
    # (a page showed the new text with the error of the build before). `commits`: the builds committed so far.
    error_against: int = 0
    commits: Callable[[], int] = lambda: 0
    changed: threading.Condition = field(default_factory=threading.Condition)
    stopping: bool = False
    words: dict[str, str] = field(default_factory=lambda: labels("en"))  # the edition's language, once known
    moved: dict[str, tuple[str, str]] = field(default_factory=dict)  # a section page gone → (its new page, title)

    def publish(self, error: str | None) -> None:
        """A rebuild finished (error None) or failed: bump the counter, wake the event streams."""
        with self.changed:
            self.error, self.error_against = error, self.commits()
            self.counter += 1
            self.changed.notify_all()

    def stop(self) -> None:
        with self.changed:
            self.stopping = True
            self.changed.notify_all()


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes = b""


def allowed_hosts(host: str, port: int) -> set[str]:
    names = {"localhost", "127.0.0.1", "[::1]", host if ":" not in host else f"[{host}]"}
    return {f"{name}:{port}" for name in names}


def host_allowed(header: str | None, state: PreviewState) -> bool:
    """Names we were told, or any IP literal (DNS rebinding needs a host *name*)."""
    if not header:
        return False
    if header in state.allowed_hosts:
        return True
    name = header.rsplit(":", 1)[0] if not header.endswith("]") else header
    try:
        ipaddress.ip_address(name.strip("[]"))
        return True
    except ValueError:
        return False


def respond(state: PreviewState, method: str, target: str, host: str | None) -> Response:
    if not host_allowed(host, state):
        return _text(403, "Forbidden: unknown Host header (the preview answers only on its own address)")
    if method not in ("GET", "HEAD"):
        return _text(405, "Method not allowed", {"Allow": "GET, HEAD"})
    file = resolve_request(state.root, target)
    if file is None:
        path = target.split("?", 1)[0]
        if resolve_request(state.root, path + "/") is not None and not path.endswith("/"):
            return Response(301, {"Location": path + "/", "Content-Length": "0"})
        if state.error and not (state.root / "index.html").is_file():
            return _page(500, "<!doctype html><title>Build error</title><body></body>", state)
        return _not_found(state, path)
    body = file.read_bytes()
    kind = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
    if kind == "text/html":
        return _page(200, body.decode("utf-8", "replace"), state)
    return Response(200, _headers(kind, len(body)), body)


def _not_found(state: PreviewState, path: str) -> Response:
    """The site's own 404 page (as a static host serves it), reloading with the site; for a
    section page whose id changed while the tab was open (a heading renumbered), a link to where
    it stands now, at the same paragraph."""
    page = resolve_request(state.root, "/404.html")
    if page is None:
        return _text(404, "Not found")
    text = page.read_bytes().decode("utf-8", "replace")
    gone = unquote(path).lstrip("/")
    if gone in state.moved:
        target, title = state.moved[gone]
        old_id, new_id = PurePosixPath(gone).stem, PurePosixPath(target).stem
        notice = (f'<p class="moved">{html.escape(state.words["moved"])} <a id="edition-moved" '
                  f'href="/{html.escape(target)}">{html.escape(title)}</a></p>\n'
                  # the same paragraph there: "#s6-1-p2" → "#s6-3-p2"
                  f'<script>(function () {{ var link = document.getElementById("edition-moved"), '
                  f'old = {json.dumps(old_id)}, now = {json.dumps(new_id)}, at = location.hash.slice(1); '
                  'if (at) link.hash = at === old || at.indexOf(old + "-") === 0 ? now + at.slice(old.length) : at; '
                  '})();</script>\n')
        at = text.rfind("</body>")
        text = text[:at] + notice + text[at:] if at >= 0 else text + notice
    return _page(404, text, state)


def _page(status: int, text: str, state: PreviewState) -> Response:
    extra = RELOAD_SCRIPT % (state.counter, EVENTS)
    if state.error and state.error_against == state.commits():
        extra = OVERLAY % (html.escape(state.words["build_failed"]), html.escape(state.error)) + extra
    at = text.rfind("</body>")
    text = text[:at] + extra + text[at:] if at >= 0 else text + extra
    body = text.encode("utf-8")
    return Response(status, _headers("text/html; charset=utf-8", len(body)), body)


def _text(status: int, message: str, extra: dict | None = None) -> Response:
    body = (message + "\n").encode("utf-8")
    return Response(status, _headers("text/plain; charset=utf-8", len(body)) | (extra or {}), body)


def _headers(kind: str, length: int) -> dict[str, str]:
    return {"Content-Type": kind, "Content-Length": str(length), "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff"}


class Handler(BaseHTTPRequestHandler):
    """Adapts `respond` (and the event stream) to http.server; `state` is set on a subclass."""
    state: PreviewState
    protocol_version = "HTTP/1.1"
    server_version = "edition-preview"
    sys_version = ""

    def do_GET(self) -> None:
        if self.path == EVENTS and host_allowed(self.headers.get("Host"), self.state):
            self._events()
            return
        self._send(respond(self.state, self.command, self.path, self.headers.get("Host")))

    def do_HEAD(self) -> None:
        self._send(respond(self.state, self.command, self.path, self.headers.get("Host")), body=False)

    def _other(self) -> None:
        self._send(respond(self.state, self.command, self.path, self.headers.get("Host")))

    do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = _other

    def _send(self, response: Response, body: bool = True) -> None:
        self.send_response(response.status)
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.end_headers()
        if body:
            self.wfile.write(response.body)

    def _events(self) -> None:
        """Server-sent events: the change counter now, and again each time it changes."""
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.close_connection = True
        state, sent = self.state, None
        try:
            while True:
                with state.changed:
                    if state.counter == sent and not state.stopping:
                        state.changed.wait(timeout=15)
                    if state.stopping:
                        return
                    counter = state.counter
                message = f"data: {counter}\n\n" if counter != sent else ": keep-alive\n\n"
                self.wfile.write(message.encode())
                self.wfile.flush()
                sent = counter
        except (BrokenPipeError, ConnectionResetError):
            return

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - the stdlib's name
        pass  # the terminal shows rebuilds and errors, not every request
