"""A scripted HTTP server on loopback, for the tests of the HTTP market source and the CLI that uses it."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlparse


class ScriptedServer:
    """Per path a list of (status, headers, body) served in order; the last entry repeats and unknown paths
    get a 404. Records every request's path and query. Use as a context manager: it serves inside it."""

    def __init__(self):
        self.script: dict[str, list[tuple[int, dict, bytes]]] = {}
        self.hits: list[tuple[str, str]] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # http.server calls this name
                url = urlparse(self.path)
                outer.hits.append((url.path, url.query))
                queue = outer.script.get(url.path, [(404, {}, b'{"error":"not found"}')])
                status, headers, body = queue.pop(0) if len(queue) > 1 else queue[0]
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def json(self, path: str, *responses):
        """Script `path`: each response is (status, headers, body), a non-bytes body sent as JSON."""
        self.script[path] = [(s, h, b if isinstance(b, bytes) else json.dumps(b).encode()) for s, h, b in responses]

    def __enter__(self) -> ScriptedServer:
        threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
