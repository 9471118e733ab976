"""The command line as a user runs it: the server with options that change which services
it runs, and the benchmark in its own process. Each must start, serve and stop cleanly."""

import os
import re
import subprocess

import httpx

BIN = os.environ.get("SWITCHBOARD_BIN", ".build/debug/switchboard")


def serve_and_check(*options):
    """Starts `switchboard serve` with `options` on a free port and checks that it keeps
    answering: the token endpoint's keys and the health check, more than once."""
    process = subprocess.Popen(
        [BIN, "serve", "--port", "0", "--store", "memory", *options],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        match = re.search(r"http://127\.0\.0\.1:\d+", process.stdout.readline())
        assert match, f"switchboard printed no address: {process.stderr.read()[-2000:]}"
        base = match.group(0)
        for _ in range(3):
            assert httpx.get(f"{base}/_switchboard/health", timeout=10).status_code == 200
            assert httpx.get(f"{base}/v1/.well-known/OpenIdConfiguration", timeout=10).status_code == 200
        assert process.poll() is None, process.stderr.read()
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_serve_without_key_rotation_keeps_serving():
    """`--callback-key-rotation 0` leaves the key ring with nothing to do: the server must
    still run (a background service that returned stopped it as it started)."""
    serve_and_check("--callback-key-rotation", "0")


def test_serve_takes_minus_one_to_turn_pacing_off():
    """`--pace-backlog -1` (as the help and the README write it) is the number -1, not an
    unknown option `-1`."""
    serve_and_check("--pace-backlog", "-1")


def test_serve_refuses_a_pace_backlog_below_minus_one():
    result = subprocess.run([BIN, "serve", "--port", "0", "--pace-backlog", "-2"], capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert "--pace-backlog must be -1 or more" in result.stderr


def test_bench_runs_a_server_of_its_own():
    """`switchboard bench` without `--server` starts one in its own process and ends with its
    summary line: every call created and established, none failed."""
    result = subprocess.run([BIN, "bench", "--calls", "100", "--concurrency", "8", "--timeout", "60"],
                            capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stderr[-2000:]
    summary = [line for line in (result.stdout + result.stderr).splitlines() if line.startswith("summary ")]
    assert summary, result.stderr[-2000:]
    fields = dict(pair.split("=", 1) for pair in summary[-1].split()[1:])
    assert fields["mode"] == "closed"
    assert fields["calls"] == "100"
    assert fields["failures"] == "0"
    assert fields["timed_out"] == "false"
    assert float(fields["established_rps"]) > 0
