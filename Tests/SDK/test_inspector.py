"""The inspector in a real browser: a server of its own (manual clock, 2 s of ringing), a
call created through Graph's API, then headless Chromium (Debian's package, driven with
Playwright) loads /_switchboard/, finds the call and its state, follows it live as the page's
own clock control moves time on and shows a call the bot creates meanwhile by itself
(server-sent events), opens its timeline (the bot's request and the answer, the
state changes, each notification and its tries), presses a far-end control and sees the
call end, places an incoming call from the page, and takes, resets and restores a snapshot
from it. Screenshots go to
$SWITCHBOARD_SCREENSHOTS (default .build/inspector-screenshots)."""

import http.server
import os
import re
import shutil
import subprocess
import threading

import httpx
from playwright.sync_api import expect, sync_playwright

from test_sigkill import BIN, Bot, call_john, create_call, token

SHOTS = os.environ.get("SWITCHBOARD_SCREENSHOTS", ".build/inspector-screenshots")


def chromium():
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    assert found, "the inspector test needs Chromium (Debian's chromium package; scripts/test installs it)"
    return found


def test_the_inspector_shows_a_call_live_and_drives_the_far_end():
    bot = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Bot)
    threading.Thread(target=bot.serve_forever, daemon=True).start()
    callback = f"http://127.0.0.1:{bot.server_address[1]}/callback"
    server = subprocess.Popen([BIN, "serve", "--port", "0", "--store", "memory", "--clock", "manual", "--ring-time", "2"],
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        base = re.search(r"http://127\.0\.0\.1:\d+", server.stdout.readline()).group(0)
        threading.Thread(target=lambda: [None for _ in server.stdout], daemon=True).start()
        bearer = {"Authorization": f"Bearer {token(base)}"}
        call_id = create_call(base, call_john(callback), bearer)
        assert call_id
        os.makedirs(SHOTS, exist_ok=True)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium(), args=["--headless=new"])
            page = browser.new_page(viewport={"width": 1500, "height": 950})
            page.goto(f"{base}/_switchboard/")
            row = page.locator(f'#calls tr[data-call-id="{call_id}"]')
            expect(row.locator("[data-state]")).to_have_attribute("data-state", "establishing")
            expect(page.locator("#live")).to_have_text("live")
            row.click()
            timeline = page.locator("#timeline")
            expect(timeline.locator('[data-kind="request"]').first).to_contain_text("POST /v1.0/calls")
            expect(timeline.locator('[data-kind="reply"]').first).to_contain_text("201")
            expect(timeline.locator('[data-kind="state"]').first).to_contain_text("call establishing")

            # John rings for 2 s of the manual clock: moved by the page's own control, and
            # the list and timeline follow without a reload.
            page.fill("#advance-seconds", "3")
            page.click("#advance")
            expect(row.locator("[data-state]")).to_have_attribute("data-state", "established")
            expect(page.locator("#call-state")).to_have_attribute("data-state", "established")
            expect(timeline.locator('[data-kind="state"]')).to_have_count(2)
            expect(timeline.locator('[data-kind="notification"]').last).to_contain_text("delivered: 202")
            # A notification opens to its JSON.
            timeline.locator('[data-kind="notification"]').last.click()
            expect(page.locator("pre.json")).to_contain_text('"state": "established"')
            page.screenshot(path=f"{SHOTS}/inspector-call.png", full_page=True)

            # The far end hangs up from the page.
            page.click('#far-end button[data-action="hangUp"]')
            expect(page.locator("#call-state")).to_have_attribute("data-state", "terminated")
            expect(row.locator("[data-state]")).to_have_attribute("data-state", "terminated")
            expect(timeline.locator('[data-kind="request"]').last).to_contain_text("POST /_switchboard/calls/")
            expect(timeline.locator('[data-kind="state"]').last).to_contain_text("call terminated")

            # Someone calls the bot from the page; the world is listed.
            page.fill("#incoming-callback", callback)
            page.click("#incoming-place")
            expect(page.locator("#call-state")).to_have_attribute("data-state", "incoming")
            expect(page.locator('#calls tr[data-call-id] [data-state="incoming"]')).to_have_count(1)
            page.click('#world-tabs button[data-tab="users"]')
            expect(page.locator("#world")).to_contain_text("John")
            page.click('#world-tabs button[data-tab="magic"]')
            expect(page.locator("#world")).to_contain_text("+12065550102")
            page.screenshot(path=f"{SHOTS}/inspector-incoming.png", full_page=True)

            # A call the bot creates meanwhile appears by itself (the event stream), and
            # nothing on the page was touched.
            another = create_call(base, call_john(callback), bearer)
            expect(page.locator(f'#calls tr[data-call-id="{another}"] [data-state]')).to_have_attribute("data-state", "establishing")
            listing = httpx.get(f"{base}/_switchboard/calls").json()["value"]
            assert sorted(call["state"] for call in listing) == ["establishing", "incoming", "terminated"]

            # A snapshot taken from the page, a reset, and the snapshot restored from the page:
            # the live calls are back (the ended one was only in the inspector's memory).
            with page.expect_download() as taken:
                page.click("#snapshot-take")
            snapshot = taken.value.path()
            page.once("dialog", lambda dialog: dialog.accept())
            page.click("#reset")
            expect(page.locator("#calls tr[data-call-id]")).to_have_count(0)
            page.set_input_files("#snapshot-file", snapshot)
            expect(page.locator("#calls tr[data-call-id]")).to_have_count(2)
            expect(page.locator(f'#calls tr[data-call-id="{another}"] [data-state]')).to_have_attribute("data-state", "establishing")
            browser.close()
    finally:
        server.kill()
        server.wait()
        bot.shutdown()


def test_with_a_control_token_the_inspector_asks_for_it_once_and_polls():
    server = subprocess.Popen([BIN, "serve", "--port", "0", "--store", "memory", "--control-token", "s3cret"],
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        base = re.search(r"http://127\.0\.0\.1:\d+", server.stdout.readline()).group(0)
        threading.Thread(target=lambda: [None for _ in server.stdout], daemon=True).start()
        created = httpx.post(f"{base}/_switchboard/incoming-calls", headers={"Authorization": "Bearer s3cret"}, json={
            "from": {"user": {"id": "112f7296-5fa4-42ca-bae8-6a692b15d4b8"}},
            "to": {"application": {"id": "2891555a-92ff-42e6-80fa-6e1300c6b5c6"}}, "callbackUri": "http://127.0.0.1:9/callback"})
        assert created.status_code == 201
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium(), args=["--headless=new"])
            page = browser.new_page()
            asked = []
            page.on("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept("s3cret")))
            page.goto(f"{base}/_switchboard/")
            expect(page.locator(f'#calls tr[data-call-id="{created.json()["id"]}"]')).to_have_count(1)
            expect(page.locator("#live")).to_have_text("polling")
            assert len(asked) == 1, asked
            # Kept for the next visit: not asked again.
            page.reload()
            expect(page.locator(f'#calls tr[data-call-id="{created.json()["id"]}"]')).to_have_count(1)
            assert len(asked) == 1, asked
            browser.close()
    finally:
        server.kill()
        server.wait()
