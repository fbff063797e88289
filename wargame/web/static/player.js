"use strict";
const token = fragment().t;
let shownAsk = null; // the decision whose form is on screen (kept while the player fills it in)
let shownStatus = null;

async function send(number, move) {
  document.querySelectorAll("#decision button").forEach((b) => { b.disabled = true; });
  try {
    const state = await api("/api/seat/move", { method: "POST", body: { number, move }, secret: token });
    fail("");
    render(state);
  } catch (e) {
    fail(e.message);
    document.querySelectorAll("#decision button").forEach((b) => { b.disabled = false; });
  }
}

function proposalForm(state) {
  const ask = state.ask;
  const fields = state.table.issues.map((i) => {
    const select = h("select", { name: i.name, id: `issue-${i.name}`, disabled: i.settled !== null });
    i.values.forEach((v, k) => select.append(h("option", { value: String(v) }, i.labels[k])));
    select.value = String(i.settled !== null ? i.settled : i.on_table);
    return h("label", {}, `${i.label} (${i.unit}) `, select, i.settled !== null ? " settled" : "");
  });
  const chosen = () => {
    const values = {};
    for (const i of state.table.issues) values[i.name] = Number(document.getElementById(`issue-${i.name}`).value);
    return values;
  };
  const preview = h("b", { id: "proposal-worth" }, fmt(state.table.on_table_worth));
  const update = async () => {
    try {
      preview.textContent = fmt((await api("/api/seat/worth", { method: "POST", body: { propose: chosen() }, secret: token })).worth);
    } catch (e) { fail(e.message); }
  };
  fields.forEach((f) => f.querySelector("select").addEventListener("change", update));
  const submit = h("button", { id: "propose", onclick: () => send(ask.number, { propose: chosen() }) }, "Propose this package");
  return [h("h2", {}, `Your turn: make an offer (round ${ask.round})`), ...fields,
    h("p", {}, "This package is worth ", preview, ` to you; walking away is worth ${fmt(state.table.walk_away)}.`), submit];
}

function answerForm(state) {
  const ask = state.ask;
  const offer = state.table.issues.map((i, k) => `${i.label}: ${i.labels[i.values.findIndex((v) => Math.abs(v - ask.offer[k]) < 1e-9)] ?? fmt(ask.offer[k], 4)}`);
  return [h("h2", {}, `Your turn: answer the offer (round ${ask.round})`),
    h("ul", {}, offer.map((o) => h("li", {}, o))),
    h("p", {}, "This offer is worth ", h("b", { id: "offer-worth" }, fmt(state.table.offer_worth)), ` to you; walking away is worth ${fmt(state.table.walk_away)}.`),
    h("div", { cls: "row" },
      h("button", { id: "accept", onclick: () => send(ask.number, "accept") }, "Accept"),
      h("button", { id: "reject", cls: "secondary", onclick: () => send(ask.number, "reject") }, "Reject"))];
}

function actForm(state) {
  const ask = state.ask;
  return [h("h2", {}, `Your turn: act now, or wait (round ${ask.round})`),
    ...ask.events.map((e) => h("p", {}, h("button", { "data-event": e, onclick: () => send(ask.number, { trigger: e }) }, e), " ", state.event_notes[e] || "")),
    h("button", { id: "pass", cls: "secondary", onclick: () => send(ask.number, "pass") }, "Pass (do nothing this round)")];
}

function render(state) {
  document.title = `${state.name} · Peninsula wargame`;
  show("who", `${state.name} (${state.role})`);
  show("status", state.status);
  show("turn", state.status === "complete" ? "The game is over." :
    state.waiting_for ? `Round ${state.round} of ${state.rounds - 1} · ${state.waiting_for === state.actor ? "your turn" : "waiting for " + state.waiting_for}` : "");
  show("situation", state.situation);
  if (document.getElementById("briefing").textContent !== state.briefing) show("briefing", state.briefing);
  const t = state.table;
  show("table", table(["issue", "range", "status quo", "no deal", "your ideal", "on the table"], t.issues.map((i) => [
    `${i.label} (${i.unit})`, i.allowed, fmt(i.status_quo, 4), fmt(i.no_deal, 4), fmt(i.ideal, 4),
    h("b", {}, i.settled !== null ? `${i.on_table_label} (settled)` : i.on_table_label),
  ])), h("p", {}, "What is on the table is worth ", h("b", { id: "table-worth" }, fmt(t.on_table_worth)),
    " to you; walking away (no deal) ", h("b", { id: "walk-away" }, fmt(t.walk_away)), "."));
  show("news", newsList(state.news, state.events));
  show("history", historyTable(state.history));
  const decision = document.getElementById("decision");
  const askKey = state.ask ? `${state.ask.number}` : null;
  if (askKey === shownAsk && state.status === shownStatus) return; // keep a form being filled in
  shownAsk = askKey;
  shownStatus = state.status;
  decision.classList.toggle("turn", Boolean(state.ask) && state.status === "playing");
  if (state.status === "complete" || state.status === "ended") {
    const o = state.outcome; // how the game ended: the deal, or why not (a breakdown and its cause)
    show("decision", h("h2", { id: "game-verdict" }, o ? o.verdict : "The game was ended."),
      o && o.why ? h("p", { id: "game-why" }, h("b", {}, "Why: "), o.why) : null,
      h("a", { id: "debrief-link", href: `/debrief#t=${encodeURIComponent(token)}` }, "See the debrief →"));
  } else if (state.status === "lobby") {
    show("decision", h("h2", {}, "Waiting for the facilitator to start the game."));
  } else if (state.status === "paused") {
    show("decision", h("h2", {}, "The facilitator paused the game."));
  } else if (!state.ask) {
    show("decision", h("h2", { id: "waiting" }, `Waiting for ${state.waiting_for || "the others"}…`));
  } else {
    show("decision", ...{ propose: proposalForm, respond: answerForm, act: actForm }[state.ask.kind](state));
  }
}

document.addEventListener("DOMContentLoaded", async () => {
  if (!token) { fail("Open this page from your government's link (it ends with #t=…)."); return; }
  try { await api("/api/seat/join", { method: "POST", secret: token }); } catch (e) { fail(e.message); return; }
  poll(1000, async () => render(await api("/api/seat", { secret: token })));
});
