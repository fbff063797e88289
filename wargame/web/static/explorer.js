"use strict";
const key = fragment().key;
let knobs = [];
let values = {};
let episode = [];
let pending = null;
let generation = 0;

function knobControl(k) {
  const out = h("span", { id: `out-${k.path}` }, fmt(k.value));
  let input;
  if (k.kind === "choice" || k.options) {
    input = h("select", { "data-path": k.path });
    for (const o of k.options) input.append(h("option", { value: String(o.value) }, o.label));
    input.value = String(k.value);
  } else {
    input = h("input", { type: "range", "data-path": k.path, min: k.min, max: k.max, step: k.step || "any", value: k.value });
  }
  input.addEventListener("input", () => {
    const raw = input.value;
    values[k.path] = k.kind === "choice" ? raw : Number(raw);
    out.textContent = k.kind === "choice" ? raw : fmt(Number(raw));
    schedule();
  });
  return h("div", { cls: "knob" }, h("span", {}, k.label), input, out);
}

function renderKnobs() {
  const byActor = {};
  for (const k of knobs) (byActor[k.actor] = byActor[k.actor] || []).push(k);
  show("knobs", Object.entries(byActor).map(([actor, ks]) => h("details", { open: actor === knobs[0].actor },
    h("summary", {}, ks[0].who), ks.map(knobControl))));
}

function bars(rows) {
  const top = Math.max(...rows.map((r) => r.share), 1e-9);
  return h("div", { cls: "bars" }, rows.flatMap((r) => {
    const bar = h("div", { cls: "bar" });
    bar.style.width = `${(100 * r.share) / top}%`;
    return [h("span", {}, r.label), bar, h("span", {}, `${(100 * r.share).toFixed(0)}%`)];
  }));
}

function renderResult(r) {
  const ended = Object.entries(r.ended).map(([k, v]) => `${k} ${(100 * v).toFixed(0)}%`).join(", ");
  show("summary", `Outcomes of ${r.episodes} episodes: deal rate `, h("span", { id: "deal-rate" }, `${(100 * r.deal_rate).toFixed(1)}%`));
  show("distributions", h("p", { cls: "muted" }, `How the talks ended: ${ended}. Mean utility: `,
    Object.entries(r.utility).map(([a, u]) => `${a} ${fmt(u.mean)}`).join(", ")),
  Object.entries(r.issues).map(([name, i]) => [h("h3", {}, `${i.label} (${i.unit}); median ${fmt(i.median, 4)}`),
    bars(i.bars), h("p", { cls: "muted" }, `status quo ${fmt(i.status_quo, 4)}, no deal ${fmt(i.no_deal, 4)}`)]),
  h("h3", {}, "Deal round"), bars(r.deal_rounds.map((d) => ({ label: `round ${d.round}`, share: d.share }))));
  episode = r.episode;
  const step = document.getElementById("step");
  step.max = Math.max(episode.length - 1, 0);
  step.value = step.max;
  renderEpisode();
}

function renderEpisode() {
  const upto = Number(document.getElementById("step").value);
  show("step-label", episode.length ? `round ${upto} of ${episode.length - 1}` : "");
  const issues = episode.length ? Object.keys(episode[0].offer) : [];
  const actors = episode.length ? Object.keys(episode[0].utility) : [];
  show("episode", table(["round", "proposer", ...issues, "answers", "events", ...actors.map((a) => `${a}'s utility`)],
    episode.slice(0, upto + 1).map((r) => [
      r.round, r.proposer, ...issues.map((k) => fmt(r.offer[k], 4)),
      Object.entries(r.responses).map(([a, ok]) => `${a} ${ok ? "yes" : "no"}`).join(", ") + (r.deal ? " (deal)" : ""),
      r.events.join(", "), ...actors.map((a) => fmt(r.utility[a])),
    ])));
}

function schedule() {
  clearTimeout(pending);
  pending = setTimeout(update, 250);
}

async function update() {
  const mine = ++generation;
  const started = performance.now();
  document.getElementById("timing").textContent = "updating…";
  const body = { scenario: document.getElementById("scenario").value, values, seed: Number(document.getElementById("seed").value || 0) };
  try {
    const result = await api("/api/explore", { method: "POST", body, secret: key });
    if (mine !== generation) return;
    fail("");
    renderResult(result);
    document.getElementById("timing").textContent = `updated in ${((performance.now() - started) / 1000).toFixed(1)} s`;
    document.body.dataset.updates = String(Number(document.body.dataset.updates || 0) + 1);
  } catch (e) {
    if (e.message.includes("busy")) { schedule(); return; }
    fail(e.message);
    document.getElementById("timing").textContent = "";
  }
}

async function load(name) {
  const data = await api(`/api/explore?scenario=${encodeURIComponent(name || "summit_2025_package.yaml")}`, { secret: key });
  show("scenario", data.scenarios.map((s) => h("option", { value: s }, s)));
  document.getElementById("scenario").value = data.scenario;
  knobs = data.knobs;
  values = {};
  renderKnobs();
  await update();
}

document.addEventListener("DOMContentLoaded", () => {
  if (!key) { fail("Open the explorer from the facilitator's page (its link carries the facilitator's key)."); return; }
  document.getElementById("scenario").addEventListener("change", (e) => load(e.target.value).catch((err) => fail(err.message)));
  document.getElementById("seed").addEventListener("change", schedule);
  document.getElementById("reset").addEventListener("click", () => load(document.getElementById("scenario").value));
  document.getElementById("step").addEventListener("input", renderEpisode);
  document.getElementById("play").addEventListener("click", () => {
    const step = document.getElementById("step");
    step.value = 0;
    renderEpisode();
    const timer = setInterval(() => {
      if (Number(step.value) >= Number(step.max)) { clearInterval(timer); return; }
      step.value = Number(step.value) + 1;
      renderEpisode();
    }, 600);
  });
  load().catch((e) => fail(e.message));
});
