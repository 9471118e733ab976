"""Nothing acknowledged is lost: Switchboard is killed with SIGKILL while hundreds of calls
are being created and notified, restarted on the same SQLite file, and then every call
acknowledged with 201 still exists, every notification committed for it reaches the bot in
order, and the ringing timers that were in flight fire."""

import concurrent.futures
import http.server
import json
import os
import re
import signal
import subprocess
import tempfile
import threading
import time

import httpx

BIN = os.environ.get("SWITCHBOARD_BIN", ".build/debug/switchboard")
TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47"
APP_ID = "2891555a-92ff-42e6-80fa-6e1300c6b5c6"
SECRET = "switchboard-dev-secret"
JOHN = "112f7296-5fa4-42ca-bae8-6a692b15d4b8"
CALLS = 400
KILL_AFTER = 150


class Bot(http.server.BaseHTTPRequestHandler):
    """Keeps (delivery id, call id, state) of every POST, in arrival order."""

    lock = threading.Lock()
    seen = []

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))))
        notification = body["value"][0]
        call_id = notification["resourceUrl"].rstrip("/").split("/")[-1]
        state = (notification.get("resourceData") or {}).get("state")
        with Bot.lock:
            Bot.seen.append((int(self.headers["Switchboard-Delivery-Id"]), call_id, state))
        self.send_response(202)
        self.end_headers()

    def log_message(self, *args):
        pass


def start(database):
    """Starts a server on `database` with a manual clock and 2 s of ringing; returns it and its URL."""
    process = subprocess.Popen(
        [BIN, "serve", "--port", "0", "--store", f"sqlite:{database}", "--clock", "manual", "--ring-time", "2"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )
    line = process.stdout.readline()
    match = re.search(r"http://127\.0\.0\.1:\d+", line)
    assert match, f"switchboard did not start: {line!r}"
    return process, match.group(0)


def call_john(callback):
    """A create-call body: the bot calls John, who answers after the ring time."""
    return {
        "@odata.type": "#microsoft.graph.call", "callbackUri": callback,
        "targets": [{"@odata.type": "#microsoft.graph.invitationParticipantInfo",
                     "identity": {"@odata.type": "#microsoft.graph.identitySet",
                                  "user": {"@odata.type": "#microsoft.graph.identity", "id": JOHN}}}],
        "requestedModalities": ["audio"],
        "mediaConfig": {"@odata.type": "#microsoft.graph.serviceHostedMediaConfig"},
    }


def create_call(base, body, bearer):
    """Creates a call; its id when the server acknowledged it with 201, else None (it died
    under the request, or refused it)."""
    try:
        response = httpx.post(f"{base}/v1.0/communications/calls", json=body, headers=bearer, timeout=10)
    except httpx.HTTPError:
        return None
    return response.json()["id"] if response.status_code == 201 else None


def assert_arrived_in_order(call_id, journal):
    """What reached the bot for `call_id` is what was committed (its journal), in order:
    repeats are allowed (at least once), and dropping them by delivery id leaves exactly the
    committed sequences; the states are establishing, then established."""
    committed = [n["sequence"] for n in journal]
    with Bot.lock:
        arrived = [delivery for delivery, call, _ in Bot.seen if call == call_id]
        states = [state for _, call, state in Bot.seen if call == call_id]
    assert list(dict.fromkeys(arrived)) == committed, (call_id, arrived, committed)
    assert list(dict.fromkeys(states)) == ["establishing", "established"], (call_id, states)


def token(base):
    response = httpx.post(f"{base}/{TENANT}/oauth2/v2.0/token", data={
        "grant_type": "client_credentials", "client_id": APP_ID, "client_secret": SECRET,
        "scope": "https://graph.microsoft.com/.default",
    })
    response.raise_for_status()
    return response.json()["access_token"]


def wait_for(condition, what, seconds=60):
    """Polls a condition on another process; the deadline only bounds a failure."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def test_nothing_acknowledged_is_lost_across_a_sigkill():
    bot = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Bot)
    threading.Thread(target=bot.serve_forever, daemon=True).start()
    callback = f"http://127.0.0.1:{bot.server_address[1]}/callback"
    directory = tempfile.mkdtemp()
    database = os.path.join(directory, "switchboard.sqlite")
    server, base = start(database)
    try:
        bearer = {"Authorization": f"Bearer {token(base)}"}
        body = call_john(callback)
        acknowledged = []
        lock = threading.Lock()

        def create(_):
            call_id = create_call(base, body, bearer)
            if call_id:
                with lock:
                    acknowledged.append(call_id)

        with concurrent.futures.ThreadPoolExecutor(max_workers=16) as pool:
            futures = [pool.submit(create, n) for n in range(CALLS)]
            wait_for(lambda: len(acknowledged) >= KILL_AFTER, "calls to be acknowledged")
            server.send_signal(signal.SIGKILL)
            server.wait()
            concurrent.futures.wait(futures)
        with lock:
            acknowledged = list(acknowledged)
        assert KILL_AFTER <= len(acknowledged) < CALLS, "the kill landed outside the load"
        print(f"acknowledged {len(acknowledged)}; notifications before the kill {len(Bot.seen)}")

        server, base = start(database)
        bearer = {"Authorization": f"Bearer {token(base)}"}
        with httpx.Client(base_url=base, headers=bearer) as client:
            # Every acknowledged call is there.
            for call_id in acknowledged:
                assert client.get(f"/v1.0/communications/calls/{call_id}").status_code == 200, call_id
            # The ringing timers in flight fire (overdue ones at the restart; the rest now).
            assert client.post("/_switchboard/clock/advance", json={"seconds": 5}).status_code == 200

            def journals():
                return {call_id: client.get(f"/_switchboard/calls/{call_id}/notifications").json()["value"]
                        for call_id in acknowledged}

            def settled():
                entries = journals()
                return all(len(journal) == 2 and all(n["state"] == "delivered" for n in journal) for journal in entries.values())

            wait_for(settled, "every notification to be delivered")
            for call_id, journal in journals().items():
                assert client.get(f"/v1.0/communications/calls/{call_id}").json()["state"] == "established", call_id
                assert_arrived_in_order(call_id, journal)
    finally:
        server.kill()
        server.wait()
        bot.shutdown()
