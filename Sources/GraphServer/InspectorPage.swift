/// The inspector's page, served at `/_switchboard/`: plain HTML, CSS and JavaScript, built
/// into the binary (no build step, nothing fetched). It reads `/_switchboard/calls`, a
/// call's `/timeline`, `/_switchboard/world` and `/_switchboard/clock`, refreshes on
/// `/_switchboard/events` (server-sent events; polling when the server has a control token,
/// which an EventSource cannot send), and acts through the control API.
enum InspectorPage {
    static let html = ##"""
<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Switchboard inspector</title>
<style>
:root { --bg: #f6f7f9; --panel: #fff; --line: #d9dde3; --text: #1d2530; --muted: #667085; --bot: #2e6bd8; --sb: #6d4ad6; --far: #1c8a5b; --bad: #c83a3a; --warn: #b7791f; }
* { box-sizing: border-box; }
body { margin: 0; font: 13px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--text); background: var(--bg); }
header { display: flex; align-items: center; gap: 12px; padding: 10px 16px; background: #1d2530; color: #fff; flex-wrap: wrap; }
header h1 { font-size: 16px; margin: 0 12px 0 0; font-weight: 600; }
header .clock { font-family: ui-monospace, monospace; }
header .spacer { flex: 1; }
button, select, input { font: inherit; }
button { border: 1px solid var(--line); background: #fff; color: var(--text); border-radius: 6px; padding: 4px 10px; cursor: pointer; }
button:hover { border-color: #98a2b3; }
header button { background: #2c3645; color: #fff; border-color: #3d4a5c; }
input, select { border: 1px solid var(--line); border-radius: 6px; padding: 3px 6px; background: #fff; }
main { display: grid; grid-template-columns: minmax(440px, 42%) 1fr; gap: 12px; padding: 12px; }
section { background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: 10px 12px; margin-bottom: 12px; }
section h2 { font-size: 13px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); margin: 0 0 8px; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 4px 6px; border-bottom: 1px solid #eef0f3; vertical-align: top; }
#world td { overflow-wrap: anywhere; }
#calls td.mono, #calls td:nth-child(2) { white-space: nowrap; }
#call-id { text-transform: none; letter-spacing: 0; }
th { color: var(--muted); font-weight: 500; }
#calls tbody tr { cursor: pointer; }
#calls tbody tr:hover { background: #f2f4f7; }
#calls tbody tr.selected { background: #e8effc; }
.mono { font-family: ui-monospace, monospace; font-size: 12px; }
.state { display: inline-block; padding: 0 8px; border-radius: 10px; font-size: 12px; background: #eef0f3; }
.state.established { background: #dcf5e8; color: #136c44; }
.state.establishing, .state.incoming, .state.ringing, .state.transferring, .state.redirecting { background: #fff3d6; color: #8a5a00; }
.state.terminated, .state.terminating { background: #f2f4f7; color: var(--muted); }
.muted { color: var(--muted); }
.row { display: flex; gap: 6px; align-items: center; flex-wrap: wrap; margin: 4px 0; }
.error { color: var(--bad); min-height: 1em; }
#timeline { position: relative; }
.lanes { display: grid; grid-template-columns: repeat(3, 1fr); text-align: center; font-weight: 600; position: sticky; top: 0; background: var(--panel); padding: 4px 0; border-bottom: 1px solid var(--line); z-index: 1; }
.lanes div:nth-child(1) { color: var(--bot); } .lanes div:nth-child(2) { color: var(--sb); } .lanes div:nth-child(3) { color: var(--far); }
.events { position: relative; background:
  linear-gradient(var(--line), var(--line)) calc(100% / 6) 0 / 1px 100% no-repeat,
  linear-gradient(var(--line), var(--line)) 50% 0 / 1px 100% no-repeat,
  linear-gradient(var(--line), var(--line)) calc(500% / 6) 0 / 1px 100% no-repeat; }
.event { position: relative; min-height: 30px; cursor: pointer; }
.event:hover { background: rgba(46, 107, 216, .04); }
.arrow { position: absolute; top: 18px; height: 0; border-top: 2px solid currentColor; }
.arrow.reply { border-top-style: dashed; }
.arrow::after { content: ""; position: absolute; top: -6px; border: 5px solid transparent; }
.arrow.right::after { right: -2px; border-left: 8px solid currentColor; border-right: 0; }
.arrow.left::after { left: -2px; border-right: 8px solid currentColor; border-left: 0; }
.label { position: absolute; top: 1px; font-size: 12px; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; text-align: center; }
.note { position: absolute; left: calc(50% - 90px); width: 180px; top: 4px; text-align: center; border: 1px solid #d6ccf5; background: #f4f0ff; border-radius: 4px; font-size: 12px; padding: 1px 4px; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.note.roster { background: #eef7f2; border-color: #c6e6d4; }
.note.operation { background: #fff8e6; border-color: #f0dca6; }
.time { position: absolute; left: 2px; top: 2px; font-size: 10px; color: var(--muted); font-family: ui-monospace, monospace; }
.bot { color: var(--bot); } .sb { color: var(--sb); } .far { color: var(--far); }
.fail { color: var(--bad); } .dead { color: var(--bad); font-weight: 600; }
.tries { position: absolute; top: 20px; font-size: 11px; white-space: nowrap; }
.event.ev-notification { min-height: 40px; }
pre.json { margin: 0 8px 8px; padding: 8px; background: #0f1720; color: #d7e1ee; border-radius: 6px; overflow: auto; max-height: 420px; font-size: 12px; cursor: text; }
details summary { cursor: pointer; color: var(--muted); }
.tabs button.active { background: #1d2530; color: #fff; }
</style>
</head>
<body>
<header>
  <h1>Switchboard inspector</h1>
  <span>clock <span class="clock" id="clock">…</span></span>
  <span class="row" id="clock-controls" hidden><input id="advance-seconds" type="number" min="0" step="1" value="10" style="width:70px"> s <button id="advance">Advance</button></span>
  <span class="spacer"></span>
  <button id="snapshot-take">Take snapshot</button>
  <label><button id="snapshot-restore-button" type="button">Restore snapshot…</button><input id="snapshot-file" type="file" accept="application/json" hidden></label>
  <button id="reset">Reset</button>
  <span id="live" class="muted">connecting…</span>
</header>
<div class="error" id="error" style="padding: 0 16px"></div>
<main>
  <div>
    <section>
      <h2>Calls</h2>
      <table id="calls">
        <thead><tr><th>call</th><th>state</th><th>kind</th><th>app</th><th>tenant</th><th>participants</th><th>started</th></tr></thead>
        <tbody></tbody>
      </table>
      <p class="muted" id="no-calls">No calls yet. Create one with Graph's API, or place an incoming call below.</p>
    </section>
    <section>
      <h2>Place an incoming call</h2>
      <div class="row">from <select id="incoming-from"></select> or phone <input id="incoming-phone" placeholder="+14255550123" size="14"></div>
      <div class="row">to <select id="incoming-to"></select></div>
      <div class="row">callback <input id="incoming-callback" placeholder="the application's callingWebhook" size="38"></div>
      <div class="row"><button id="incoming-place">Call the bot</button></div>
    </section>
    <section>
      <h2>World</h2>
      <div class="row tabs" id="world-tabs"></div>
      <div id="world"></div>
    </section>
  </div>
  <div>
    <section id="call-panel" hidden>
      <h2>Call <span class="mono" id="call-id"></span></h2>
      <div class="row"><span class="state" id="call-state"></span><span id="call-summary" class="muted"></span></div>
      <div class="row" id="far-end">
        far end:
        <input id="far-participant" placeholder="who (default: the peer)" size="22">
        <button data-action="answer">Answer</button>
        <button data-action="decline">Decline</button>
        <button data-action="hangUp">Hang up</button>
        <input id="far-keys" value="123#" size="6"><button data-action="pressKeys">Press keys</button>
        <button data-action="startSharing">Share</button>
        <button data-action="stopSharing">Stop sharing</button>
        <button data-action="mute">Mute</button>
        <button data-action="unmute">Unmute</button>
      </div>
    </section>
    <section id="timeline-panel" hidden>
      <h2>Timeline</h2>
      <div class="lanes"><div>Bot</div><div>Switchboard</div><div>Far end · control API</div></div>
      <div class="events" id="timeline"></div>
    </section>
    <section id="pick" class="muted">Pick a call to see its timeline: the bot's requests and the answers, state and roster changes, operations, and every notification with each try.</section>
  </div>
</main>
<script>
"use strict";
const $ = (id) => document.getElementById(id);
let token = localStorage.getItem("switchboard-control-token") || "";
let selected = new URLSearchParams(location.hash.slice(1)).get("call");
let world = null;
let worldTab = "applications";
const open = new Set();

async function api(method, path, body) {
  const headers = {};
  if (token) headers["Authorization"] = "Bearer " + token;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const sent = token;
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  if (response.status === 401) {
    // Asked once: a request that went out before the answer tries again with it.
    if (token !== sent) return api(method, path, body);
    const given = prompt("This server has a control token (--control-token). Token:");
    if (given) { token = given; localStorage.setItem("switchboard-control-token", token); return api(method, path, body); }
  }
  const text = await response.text();
  const json = text ? (() => { try { return JSON.parse(text); } catch { return text; } })() : null;
  if (!response.ok) throw new Error((json && json.error && json.error.message) || (method + " " + path + ": " + response.status));
  return json;
}

function show(error) { $("error").textContent = error ? String(error.message || error) : ""; }
async function act(work) { try { show(null); await work(); await refresh(); } catch (error) { show(error); } }
function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (key === "class") node.className = value; else if (key === "text") node.textContent = value; else if (key.startsWith("on")) node.addEventListener(key.slice(2), value); else node.setAttribute(key, value);
  }
  for (const child of children) if (child != null) node.append(child);
  return node;
}
const time = (iso) => iso ? iso.slice(11, 23) : "";

async function refreshClock() {
  const clock = await api("GET", "/_switchboard/clock");
  $("clock").textContent = clock.now + (clock.mode === "manual" ? " (manual)" : "");
  $("clock-controls").hidden = clock.mode !== "manual";
}

let lastCalls = null, lastTimeline = null;
async function refreshCalls() {
  const calls = (await api("GET", "/_switchboard/calls")).value;
  const body = $("calls").querySelector("tbody");
  // Redrawn only when something changed: a row replaced under the pointer loses its click.
  const drawn = JSON.stringify([calls, selected]);
  if (drawn === lastCalls) return;
  lastCalls = drawn;
  body.replaceChildren(...calls.map((call) => el("tr", { "data-call-id": call.id, class: call.id === selected ? "selected" : "", onclick: () => select(call.id) },
    el("td", { class: "mono", title: call.id, text: call.id.slice(0, 8) }),
    el("td", {}, el("span", { class: "state " + call.state, "data-state": call.state, text: call.state })),
    el("td", { text: call.kind + (call.direction ? " · " + call.direction : "") }),
    el("td", { text: call.app || call.appId }),
    el("td", { title: call.tenantId, text: tenantName(call.tenantId) }),
    el("td", { text: call.participants.join(", ") }),
    el("td", { class: "mono", text: time(call.started) }))));
  $("no-calls").hidden = calls.length > 0;
}

function lane(from) { return from === "bot" ? 0 : from === "sb" ? 1 : 2; }
function arrow(fromLane, toLane, label, cls, reply) {
  const left = Math.min(fromLane, toLane), width = Math.abs(fromLane - toLane);
  const style = `left: calc(${(left + 0.5) * 100 / 3}% + 2px); width: calc(${width * 100 / 3}% - 4px)`;
  return [el("div", { class: "arrow " + (toLane > fromLane ? "right" : "left") + (reply ? " reply" : "") + " " + cls, style }),
          el("div", { class: "label " + cls, style, text: label })];
}

function eventRow(event, index) {
  const key = event.kind + ":" + (event.sequence ?? index);
  const row = el("div", { class: "event ev-" + event.kind, "data-kind": event.kind });
  row.append(el("span", { class: "time", text: time(event.at) }));
  let detail = null;
  if (event.kind === "request") {
    const side = event.from === "bot" ? 0 : 2, cls = event.from === "bot" ? "bot" : "far";
    const path = event.path.replace(/^\/(v1\.0|beta)\/communications/, "/$1");
    row.append(...arrow(side, 1, event.method + " " + path, cls, false));
    const reply = el("div", { class: "event ev-reply", "data-kind": "reply" });
    reply.append(...arrow(1, side, String(event.status) + " · " + event.durationMs + " ms", event.status >= 400 ? "fail" : "sb", true));
    detail = { request: event.request, response: event.response };
    row.addEventListener("click", () => toggle(key));
    reply.addEventListener("click", () => toggle(key));
    return [row, reply, open.has(key) ? json(detail) : null];
  }
  if (event.kind === "notification") {
    const dead = event.delivery === "dead";
    row.append(...arrow(1, 0, "notification #" + event.sequence + ": " + event.summary, dead ? "dead" : "sb", false));
    const tries = (event.attempts || []).map((attempt) => (attempt.status ? attempt.status : "✗") + (attempt.error ? " " + attempt.error : "") + " · " + attempt.durationMs + " ms").join("  →  ");
    row.append(el("div", { class: "tries " + (dead ? "dead" : (event.attempts || []).some((a) => a.error) ? "fail" : "muted"), style: "left: calc(100% / 6 + 4px)",
      text: (event.delivery === "pending" ? "pending" : dead ? "dead letter" : "delivered") + (tries ? ": " + tries : "") }));
    detail = { url: event.path, state: event.delivery, attempts: event.attempts, body: event.body };
  } else {
    row.append(el("div", { class: "note " + event.kind, title: event.summary, text: event.kind === "roster" ? "roster: " + event.participants.join(", ") : event.summary }));
    detail = { kind: event.kind, summary: event.summary, state: event.state, participants: event.participants };
  }
  row.addEventListener("click", () => toggle(key));
  return [row, open.has(key) ? json(detail) : null];
}
function json(value) { return el("pre", { class: "json", text: JSON.stringify(value, null, 2) }); }
function toggle(key) { open.has(key) ? open.delete(key) : open.add(key); refreshTimeline(); }

async function refreshTimeline() {
  $("pick").hidden = !!selected;
  $("call-panel").hidden = $("timeline-panel").hidden = !selected;
  if (!selected) return;
  let timeline;
  try { timeline = await api("GET", "/_switchboard/calls/" + encodeURIComponent(selected) + "/timeline"); }
  catch (error) { $("timeline").replaceChildren(el("p", { class: "muted", text: String(error.message) })); return; }
  const drawn = JSON.stringify([selected, timeline, [...open]]);
  if (drawn === lastTimeline) return;
  lastTimeline = drawn;
  const call = timeline.call;
  $("call-id").textContent = selected;
  $("call-state").textContent = call ? call.state : "ended";
  $("call-state").className = "state " + (call ? call.state : "terminated");
  $("call-state").setAttribute("data-state", call ? call.state : "terminated");
  $("call-summary").textContent = call ? [call.kind, call.direction, call.app || call.appId, call.participants.join(", ")].filter(Boolean).join(" · ") : "";
  $("timeline").replaceChildren(...timeline.events.flatMap(eventRow).filter(Boolean));
}

function select(id) {
  selected = id;
  location.hash = "call=" + encodeURIComponent(id);
  refresh();
}

function renderWorld() {
  if (!world) return;
  const tabs = { applications: "applications", users: "users", numbers: "phone numbers", magic: "magic numbers", meetings: "meetings", instances: "instances" };
  $("world-tabs").replaceChildren(...Object.entries(tabs).map(([key, label]) => el("button", { class: key === worldTab ? "active" : "", "data-tab": key, onclick: () => { worldTab = key; renderWorld(); }, text: label })));
  const table = (headings, rows) => el("table", {}, el("thead", {}, el("tr", {}, ...headings.map((h) => el("th", { text: h })))),
    el("tbody", {}, ...rows.map((cells) => el("tr", {}, ...cells.map((cell) => el("td", { class: /^[0-9a-f-]{36}$|^\+/.test(cell) ? "mono" : "", text: cell ?? "" }))))));
  const views = {
    applications: () => table(["name", "id", "callingWebhook", "permissions"], world.applications.map((a) => [a.displayName, a.id, a.callingWebhook, a.permissions.join(", ")])),
    users: () => table(["name", "id", "when called"], world.users.map((u) => [u.displayName, u.id, u.behaviour])),
    numbers: () => table(["number", "when called"], world.phoneNumbers.map((n) => [n.number, n.behaviour])),
    magic: () => table(["number", "when called"], world.magicNumbers.map((n) => [n.number, n.behaviour])),
    meetings: () => table(["id", "join id", "passcode", "organizer", "attendees", "calls"], meetings.map((m) => [m.id, m.joinMeetingId, m.passcode, who(m.organizer), m.attendees.map(who).join(", "), m.calls.map((c) => c.slice(0, 8)).join(", ")])),
    instances: () => table(["name", "id", "application", "phone"], world.applicationInstances.map((i) => [i.displayName, i.id, i.applicationId, i.phoneNumber])),
  };
  $("world").replaceChildren(views[worldTab]());
}
function tenantName(id) { const tenant = world && world.tenants.find((t) => t.id.toLowerCase() === id.toLowerCase()); return tenant ? tenant.displayName : id.slice(0, 8); }
function who(identitySet) { const identity = Object.values(identitySet || {}).find((value) => value && typeof value === "object"); return identity ? identity.displayName || identity.id : "?"; }

let meetings = [];
async function refreshWorld() {
  [world, meetings] = await Promise.all([api("GET", "/_switchboard/world"), api("GET", "/_switchboard/meetings").then((m) => m.value)]);
  const from = $("incoming-from"), to = $("incoming-to");
  if (!from.options.length) {
    from.replaceChildren(...world.users.map((u) => el("option", { value: u.id, text: u.displayName })));
    to.replaceChildren(...world.applications.map((a) => el("option", { value: "application:" + a.id, text: a.displayName })),
      ...world.applicationInstances.map((i) => el("option", { value: "applicationInstance:" + i.id, text: i.displayName + " (instance)" })));
  }
  renderWorld();
}

// One refresh at a time; one asked for meanwhile (a click, an event) runs after it, so
// what it asks about (a call just selected) is never answered by a refresh begun before.
let pending = null, again = false;
async function refresh() {
  if (pending) { again = true; return pending; }
  pending = (async () => {
    do {
      again = false;
      try { await Promise.all([refreshClock(), refreshCalls(), refreshTimeline(), worldTab === "meetings" ? refreshWorld() : null]); show(null); }
      catch (error) { show(error); }
    } while (again);
    pending = null;
  })();
  return pending;
}
let timer = null;
function soon() { clearTimeout(timer); timer = setTimeout(refresh, 100); }

// Server-sent events, unless the server wants a control token (an EventSource cannot send
// one): then every second.
function poll() { $("live").textContent = "polling"; setInterval(refresh, 1000); }
function listen() {
  if (token || !window.EventSource) return poll();
  const events = new EventSource("/_switchboard/events");
  events.addEventListener("changed", soon);
  events.onopen = () => { $("live").textContent = "live"; };
  events.onerror = () => {
    if (token) { events.close(); return poll(); }
    $("live").textContent = "reconnecting…";
  };
}

document.querySelectorAll("#far-end button[data-action]").forEach((button) => button.addEventListener("click", () => act(async () => {
  const body = { action: button.dataset.action };
  const who = $("far-participant").value.trim();
  if (who) body.participant = who;
  if (body.action === "pressKeys") body.tones = $("far-keys").value;
  await api("POST", "/_switchboard/calls/" + encodeURIComponent(selected) + "/far-end", body);
})));
$("advance").addEventListener("click", () => act(() => api("POST", "/_switchboard/clock/advance", { seconds: Number($("advance-seconds").value) })));
$("reset").addEventListener("click", () => act(async () => { if (confirm("Forget every call and notification?")) { await api("POST", "/_switchboard/reset"); selected = null; location.hash = ""; } }));
$("snapshot-take").addEventListener("click", () => act(async () => {
  const snapshot = await api("GET", "/_switchboard/snapshot");
  const link = el("a", { href: URL.createObjectURL(new Blob([JSON.stringify(snapshot, null, 2)], { type: "application/json" })), download: "switchboard-snapshot.json" });
  document.body.append(link); link.click(); link.remove();
}));
$("snapshot-restore-button").addEventListener("click", () => $("snapshot-file").click());
$("snapshot-file").addEventListener("change", () => act(async () => {
  const file = $("snapshot-file").files[0];
  if (file) await api("PUT", "/_switchboard/snapshot", JSON.parse(await file.text()));
  $("snapshot-file").value = "";
}));
$("incoming-place").addEventListener("click", () => act(async () => {
  const phone = $("incoming-phone").value.trim();
  const [kind, id] = $("incoming-to").value.split(":");
  const body = { from: phone ? { phone: { id: phone } } : { user: { id: $("incoming-from").value } }, to: { [kind]: { id } } };
  const callback = $("incoming-callback").value.trim();
  if (callback) body.callbackUri = callback;
  const created = await api("POST", "/_switchboard/incoming-calls", body);
  selected = created.id; location.hash = "call=" + encodeURIComponent(created.id);
}));

refreshWorld().catch(show);
refresh().then(listen);
</script>
</body>
</html>
"""##
}
