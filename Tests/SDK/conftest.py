"""What the SDK tests share: the bot's webhook, a real HTTP server that accepts and keeps
every notification (headers and body), in arrival order."""

import http.server
import threading

import pytest


class Receiver(http.server.BaseHTTPRequestHandler):
    """The bot's webhook: answers 202 and keeps each POST."""

    received = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        Receiver.received.append((dict(self.headers), body))
        self.send_response(202)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture(scope="session")
def callback():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/callback"
    server.shutdown()
