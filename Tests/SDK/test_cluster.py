"""Several nodes on one PostgreSQL database: three Switchboard processes share a throwaway
database, calls are created on them in turn (and read back through the others), one node is
killed with SIGKILL in the middle of the load, and then every call acknowledged with 201
still exists on the survivors, every notification committed for it reaches the bot in order,
and the ringing timers the lost node held fire on another node.

Needs SWITCHBOARD_TEST_POSTGRES (an administrator's URL; scripts/test starts a throwaway
cluster and sets it) and PostgreSQL's psql to create the database."""

import concurrent.futures
import contextlib
import glob
import http.server
import itertools
import os
import shutil
import signal
import subprocess
import threading
import time
import urllib.parse
import uuid

import httpx

from test_sigkill import Bot, BIN, assert_arrived_in_order, call_john, create_call, token, wait_for

NODES = 3
CALLS = 300
KILL_AFTER = 100


def admin_url():
    url = os.environ.get("SWITCHBOARD_TEST_POSTGRES")
    assert url, ("the cluster test needs SWITCHBOARD_TEST_POSTGRES, an administrator's URL of a PostgreSQL server "
                 "(scripts/test starts a throwaway cluster with scripts/throwaway-postgres and sets it)")
    return url


def psql():
    found = shutil.which("psql") or next(iter(sorted(glob.glob("/usr/lib/postgresql/*/bin/psql"))), None)
    assert found, "the cluster test needs PostgreSQL's psql (Debian's postgresql-client)"
    return found


def create_database():
    """A new database on the test server; returns its URL."""
    url = admin_url()
    name = f"switchboard_cluster_{uuid.uuid4().hex}"
    subprocess.run([psql(), url, "-qc", f"CREATE DATABASE {name}"], check=True)
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit(parts._replace(path=f"/{name}")), name


def drop_database(name):
    subprocess.run([psql(), admin_url(), "-qc", f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"], check=False)


def start(store, *options):
    process = subprocess.Popen(
        [BIN, "serve", "--port", "0", "--store", store, "--ring-time", "2", *options],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )
    for line in process.stdout:
        if "listening on http://127.0.0.1:" in line:
            # The rest of its output is read and dropped, so the node never blocks on it.
            threading.Thread(target=lambda: [None for _ in process.stdout], daemon=True).start()
            return process, line.split("listening on ")[1].strip()
    raise AssertionError("switchboard did not start on PostgreSQL")


@contextlib.contextmanager
def cluster(count, *options):
    """`count` nodes on a new database and a bot's webhook; yields the nodes and the webhook's
    URL, and stops them all (and drops the database) afterwards."""
    bot = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Bot)
    threading.Thread(target=bot.serve_forever, daemon=True).start()
    store, database = create_database()
    nodes = []
    try:
        nodes.extend(start(store, *options) for _ in range(count))
        yield nodes, f"http://127.0.0.1:{bot.server_address[1]}/callback"
    finally:
        for process, _ in nodes:
            process.kill()
            process.wait()
        bot.shutdown()
        drop_database(database)


def test_three_nodes_lose_nothing_when_one_is_killed():
    with cluster(NODES) as (nodes, callback):
        bases = [base for _, base in nodes]
        bearer = {"Authorization": f"Bearer {token(bases[0])}"}
        body = call_john(callback)
        acknowledged = {}  # call id -> the node that acknowledged it
        lock = threading.Lock()
        turn = itertools.count()

        def create(_):
            node = next(turn) % NODES
            call_id = create_call(bases[node], body, bearer)
            if call_id:
                with lock:
                    acknowledged[call_id] = node

        victim = 1
        with concurrent.futures.ThreadPoolExecutor(max_workers=12) as pool:
            futures = [pool.submit(create, n) for n in range(CALLS)]
            wait_for(lambda: len(acknowledged) >= KILL_AFTER, "calls to be acknowledged")
            nodes[victim][0].send_signal(signal.SIGKILL)
            killed_at = time.monotonic()
            nodes[victim][0].wait()
            concurrent.futures.wait(futures)
        with lock:
            acknowledged = dict(acknowledged)
        on_victim = [call for call, node in acknowledged.items() if node == victim]
        assert KILL_AFTER <= len(acknowledged) < CALLS, "the kill landed outside the load"
        assert on_victim, "the killed node had acknowledged no call"
        survivors = [base for index, base in enumerate(bases) if index != victim]

        with httpx.Client(headers=bearer) as client:
            # Every acknowledged call is there, read through a node other than its own.
            for call_id, node in acknowledged.items():
                other = survivors[0] if bases[node] != survivors[0] else survivors[1]
                assert client.get(f"{other}/v1.0/communications/calls/{call_id}").status_code == 200, call_id

            def journals():
                return {call_id: client.get(f"{survivors[hash(call_id) % 2]}/_switchboard/calls/{call_id}/notifications").json()["value"]
                        for call_id in acknowledged}

            def settled():
                return all(len(journal) == 2 and all(n["state"] == "delivered" for n in journal) for journal in journals().values())

            # The killed node's ringing timers and notifications are taken over (its heartbeat
            # stops; after 3 s of silence a survivor takes them, at its next beat).
            wait_for(settled, "every notification to be delivered")
            print(f"acknowledged {len(acknowledged)} ({len(on_victim)} by the killed node); "
                  f"settled {time.monotonic() - killed_at:.1f} s after the kill")
            for call_id, journal in journals().items():
                assert client.get(f"{survivors[0]}/v1.0/communications/calls/{call_id}").json()["state"] == "established", call_id
                assert_arrived_in_order(call_id, journal)


def test_two_nodes_share_one_manual_clock():
    """The manual clock is the deployment's: moved through one node, it moves on the other, and
    the timers of calls the other node holds fire in time order."""
    with cluster(2, "--clock", "manual") as (nodes, callback):
        (_, a), (_, b) = nodes
        bearer = {"Authorization": f"Bearer {token(a)}"}
        with httpx.Client(headers=bearer) as client:
            # A node that joins later starts at the deployment's time.
            assert client.get(f"{a}/_switchboard/clock").json()["now"] == client.get(f"{b}/_switchboard/clock").json()["now"]
            created = client.post(f"{a}/v1.0/communications/calls", json=call_john(callback))
            assert created.status_code == 201
            call_id = created.json()["id"]
            # John rings for 2 s of the deployment's time: moved through the other node.
            assert client.post(f"{b}/_switchboard/clock/advance", json={"seconds": 1}).status_code == 200
            assert client.get(f"{a}/v1.0/communications/calls/{call_id}").json()["state"] == "establishing"
            assert client.post(f"{b}/_switchboard/clock/advance", json={"seconds": 2}).status_code == 200
            assert client.get(f"{a}/v1.0/communications/calls/{call_id}").json()["state"] == "established"
            # The other node's inspector lists the call and shows its notifications (kept in
            # the database); the bot's requests are in the inspector of the node they reached.
            listed = {call["id"]: call for call in client.get(f"{b}/_switchboard/calls").json()["value"]}
            assert listed[call_id]["state"] == "established"
            timeline = client.get(f"{b}/_switchboard/calls/{call_id}/timeline").json()["events"]
            assert [e["kind"] for e in timeline if e["kind"] == "notification"] == ["notification", "notification"]
            assert [e["kind"] for e in client.get(f"{a}/_switchboard/calls/{call_id}/timeline").json()["events"]][0] == "request"
            moved = client.get(f"{b}/_switchboard/clock").json()["now"]
            wait_for(lambda: client.get(f"{a}/_switchboard/clock").json()["now"] == moved, "the other node to take the new time")
            # A reset through one node is a reset for both.
            assert client.post(f"{b}/_switchboard/reset").status_code == 204
            assert client.get(f"{a}/v1.0/communications/calls/{call_id}").status_code == 404
            # The first node's inspector forgets the call too (it had seen the bot's create).
            wait_for(lambda: client.get(f"{a}/_switchboard/calls").json()["value"] == [], "the other node's inspector to forget")


def test_the_worlds_changes_are_the_deployments():
    """Faults and meetings' attendees changed through one node are the same on the others and
    on a node that starts later; a reset through any node puts the world back on all."""
    user = "98da8a1a-1b87-452c-a713-65d3f10b5555"
    plan = {"notifications": [{"kind": "delay", "rate": 1, "delayMs": 10}]}

    def attendees(base):
        meeting = next(m for m in httpx.get(f"{base}/_switchboard/meetings").json()["value"] if m["id"] == "seed-meeting")
        return [person["user"]["id"] for person in meeting["attendees"]]

    with cluster(2) as (nodes, _):
        (_, a), (_, b) = nodes
        before = attendees(a)
        assert user not in before
        assert httpx.put(f"{a}/_switchboard/faults", json=plan).status_code == 200
        assert httpx.post(f"{a}/_switchboard/meetings/seed-meeting/attendees", json={"user": {"id": user}}).status_code == 201
        assert httpx.get(f"{b}/_switchboard/faults").json()["plan"]["notifications"][0]["kind"] == "delay"
        assert attendees(b) == before + [user]
        # The other node left the attendee in place: leaving through it is seen on the first.
        assert httpx.delete(f"{b}/_switchboard/meetings/seed-meeting/attendees/{user}").status_code == 204
        assert attendees(a) == before
        assert httpx.post(f"{b}/_switchboard/meetings/seed-meeting/attendees", json={"user": {"id": user}}).status_code == 201
        # A node that starts later joins the deployment's world.
        store = nodes[0][0].args[nodes[0][0].args.index("--store") + 1]
        late, c = start(store)
        try:
            assert attendees(c) == before + [user]
            assert httpx.get(f"{c}/_switchboard/faults").json()["plan"]["notifications"][0]["kind"] == "delay"
            assert httpx.post(f"{a}/_switchboard/reset").status_code == 204
            for base in (a, b, c):
                wait_for(lambda: attendees(base) == before, "the reset world on every node")
                wait_for(lambda: httpx.get(f"{base}/_switchboard/faults").json()["plan"]["notifications"] == [], "no faults on every node")
        finally:
            late.kill()
            late.wait()
