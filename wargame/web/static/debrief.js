"use strict";
const params = fragment();
const secret = params.key || params.t;
const query = params.s ? `?session=${encodeURIComponent(params.s)}` : "";
let drawn = false;
let timer = null;

async function refresh() {
  const state = await api(`/api/debrief${query}`, { secret });
  show("status", state.status);
  show("markdown", state.markdown);
  const d = state.transcript.debrief;
  if (!d) {
    show("verdict", state.status === "complete"
      ? (state.debrief.startsWith("failed") ? `The debrief could not be computed: ${state.debrief}` : "Comparing the game with the agents' runs…")
      : `The game is ${state.status}: no outcome to debrief yet.`);
    return;
  }
  if (drawn) return;
  drawn = true;
  clearInterval(timer);
  // the verdict `wargame run` gives (a debrief saved before it was recorded: whether there was a deal)
  show("verdict", d.verdict || (d.deal ? `Deal in round ${d.deal_round}.` : "No deal: every issue fell to its no-deal value."));
  if (d.why) document.getElementById("verdict").after(h("p", { id: "why" }, h("b", {}, "Why: "), d.why));
  show("outcome", table(["issue", "unit", "status quo", "no deal", "Nash point", "outcome", "agents' median"],
    Object.entries(d.issues).map(([name, i]) => [name, i.unit, fmt(i.status_quo, 4), fmt(i.no_deal, 4), fmt(i.nash, 4), h("b", {}, fmt(i.outcome, 4)), fmt(i.simulated_p50, 4)])));
  show("players", h("h2", {}, "Each player against the agents"), table(["government", "your utility", "walking away", "score", "percentile among agents' runs", "agents' median score"],
    Object.entries(d.players).map(([a, p]) => [a, fmt(p.utility), fmt(p.reservation), fmt(p.score), h("b", { "data-percentile": a }, `${p.percentile.toFixed(0)}%`), fmt(p.simulated_score_p50)])),
    h("p", { cls: "muted" }, `Compared with ${d.reference.runs} runs in which the agents played every government (seed ${d.reference.seed}).`));
  document.getElementById("figure").src = await blobUrl(`/api/debrief.png${query}`, secret);
}

document.addEventListener("DOMContentLoaded", () => {
  if (!secret) { fail("Open the debrief from the facilitator's page or your government's page."); return; }
  document.getElementById("download").addEventListener("click", async () => {
    const a = h("a", { href: await blobUrl(`/api/transcript${query}`, secret), download: "transcript.yaml" });
    document.body.append(a);
    a.click();
    a.remove();
  });
  timer = poll(1500, refresh);
});
