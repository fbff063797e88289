"use strict";
const key = fragment().key;
let current = fragment().s || null;
let scenarios = [];
let uploaded = null; // {filename, text, info}
let shownSeats = null;

function setHash() {
  location.hash = new URLSearchParams(current ? { key, s: current } : { key }).toString();
}

function chosen() {
  if (uploaded) return uploaded.info;
  return scenarios.find((s) => s.file === document.getElementById("scenario").value);
}

function renderActors() {
  const info = chosen();
  show("scenario-info", info ? (info.error || info.description || info.name) : "");
  show("actors", info && info.actors ? info.actors.map((a) => h("label", {},
    h("input", { type: "checkbox", name: "human", value: a.id, disabled: !a.playable }),
    ` ${a.name} (${a.role}${a.playable ? "" : ": nothing to decide here"})`)) : []);
}

async function loadScenarios() {
  scenarios = await api("/api/scenarios", { secret: key });
  show("scenario", scenarios.map((s) => h("option", { value: s.file }, s.file)));
  const select = document.getElementById("scenario");
  if (scenarios.some((s) => s.file === "summit_2025_package.yaml")) select.value = "summit_2025_package.yaml";
  renderActors();
}

async function onUpload(event) {
  const file = event.target.files[0];
  if (!file) { uploaded = null; renderActors(); return; }
  const text = await file.text();
  try {
    const info = await api("/api/upload", { method: "POST", body: { upload: { filename: file.name, text } }, secret: key });
    uploaded = { filename: file.name, text, info };
    fail("");
  } catch (e) {
    uploaded = null;
    fail(e.message);
  }
  renderActors();
}

async function create() {
  const humans = [...document.querySelectorAll("input[name=human]:checked")].map((c) => c.value);
  const body = {
    humans,
    seed: Number(document.getElementById("seed").value || 0),
    schedule: document.getElementById("schedule").value,
  };
  if (uploaded) body.upload = { filename: uploaded.filename, text: uploaded.text };
  else body.scenario = document.getElementById("scenario").value;
  const made = await api("/api/sessions", { method: "POST", body, secret: key });
  current = made.id;
  shownSeats = null;
  setHash();
  fail("");
  await refresh();
}

async function act(action, body) {
  try {
    await api(`/api/sessions/${encodeURIComponent(current)}/${action}`, { method: "POST", body, secret: key });
    fail("");
    await refresh();
  } catch (e) { fail(e.message); }
}

async function renderSeats(state) {
  const key_ = state.session + state.humans.join();
  if (shownSeats === key_) {
    for (const a of state.humans) {
      document.getElementById(`joined-${a}`).textContent = state.seats[a].joined ? "joined ✓" : "not joined yet";
    }
    return;
  }
  shownSeats = key_;
  const rows = [];
  for (const a of state.humans) {
    const url = location.origin + state.links[a];
    const img = h("img", { alt: `QR code for ${a}`, id: `qr-${a}` });
    blobUrl(`/api/sessions/${encodeURIComponent(state.session)}/qr/${a}.svg`, key).then((u) => { img.src = u; });
    rows.push(h("div", { cls: "seat" }, img, h("div", {},
      h("b", {}, a), " ", h("span", { cls: "badge", id: `joined-${a}` }, state.seats[a].joined ? "joined ✓" : "not joined yet"),
      h("div", { cls: "link" }, h("a", { href: url, target: "_blank", "data-seat": a }, url)))));
  }
  show("seats", rows);
}

async function refresh() {
  const list = await api("/api/sessions", { secret: key });
  const l = list.limits;
  document.getElementById("limits").textContent = `${l.players}/${l.max_players} players seated; at most ${l.max_sessions} open sessions`;
  show("sessions", list.sessions.length ? list.sessions.map((s) => h("div", {},
    h("a", { href: "#", onclick: (e) => { e.preventDefault(); current = s.id; shownSeats = null; setHash(); refresh(); } }, s.id),
    ` ${s.scenario} · ${s.humans.join(", ")} · `, h("span", { cls: "badge" }, s.status))) : h("p", { cls: "muted" }, "None yet."));
  if (!current) { document.getElementById("session").hidden = true; return; }
  const state = await api(`/api/sessions/${encodeURIComponent(current)}`, { secret: key });
  document.getElementById("session").hidden = false;
  show("session-title", `${state.scenario} · `, h("span", { cls: "badge", id: "status" }, state.status),
    ` round ${state.round} of ${state.rounds - 1}`, state.waiting_for ? ` · waiting for ${state.waiting_for}` : "");
  const open = ["lobby", "playing", "paused"].includes(state.status);
  show("controls",
    h("button", { id: "start", disabled: state.status !== "lobby", onclick: () => act("start") }, "Start the game"),
    h("button", { id: "pause", cls: "secondary", disabled: state.status !== "playing", onclick: () => act("pause") }, "Pause"),
    h("button", { id: "resume", cls: "secondary", disabled: state.status !== "paused", onclick: () => act("resume") }, "Resume"),
    h("button", { id: "end", cls: "secondary", disabled: !open, onclick: () => { if (confirm("End the game now?")) act("end"); } }, "End the game"),
    h("a", { id: "debrief-link", href: `/debrief#${new URLSearchParams({ key, s: state.session })}` }, "Debrief →"),
    h("span", { cls: "muted" }, ` agents play: ${state.agents.join(", ")}; seed ${state.seed}; saved in ${state.folder}`));
  await renderSeats(state);
  const o = state.outcome; // how the game ended: the deal, or why not (a breakdown and its cause)
  show("state", o ? [h("p", { id: "game-verdict" }, h("b", {}, o.verdict)), o.why ? h("p", { id: "game-why" }, h("b", {}, "Why: "), o.why) : null,
    h("p", {}, "Outcome: ", Object.entries(o.outcome).map(([k, v]) => `${k} ${fmt(v, 4)}`).join(", "))] : null,
    h("p", {}, state.situation));
  show("news-items", state.schedule === "manual"
    ? table(["scheduled", "news", "event", ""], state.news_items.map((n) => [
      `round ${n.round}`, n.text, n.event || "",
      n.released !== null ? `released: round ${n.released}` : h("button", { cls: "secondary", "data-release": n.index, disabled: !open, onclick: () => act("release", { item: n.index }) }, "Release now"),
    ]))
    : newsList(state.news, state.events));
  show("history", historyTable(state.history));
}

document.addEventListener("DOMContentLoaded", () => {
  if (!key) { fail("Open this page from the facilitator's link the server printed (it ends with #key=…)."); return; }
  document.getElementById("explorer-link").href = `/explore#${new URLSearchParams({ key })}`;
  document.getElementById("scenario").addEventListener("change", () => { uploaded = null; document.getElementById("upload").value = ""; renderActors(); });
  document.getElementById("upload").addEventListener("change", onUpload);
  document.getElementById("create-button").addEventListener("click", () => create().catch((e) => fail(e.message)));
  loadScenarios().catch((e) => fail(e.message));
  poll(1500, refresh);
});
