// Shared by every page: building elements safely (text, never HTML), the API with the page's key
// or token (read from the link's #fragment, which browsers never send to the server), polling.
"use strict";

function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else if (k === "cls") el.className = v;
    else el.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

function fragment() {
  return Object.fromEntries(new URLSearchParams(location.hash.slice(1)));
}

async function api(path, { method = "GET", body, secret } = {}) {
  const headers = {};
  if (secret) headers["Authorization"] = "Bearer " + secret;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const type = response.headers.get("content-type") || "";
  const data = type.includes("json") ? await response.json() : await response.blob();
  if (!response.ok) throw new Error((data && data.error) || response.statusText);
  return data;
}

function show(id, ...children) {
  const el = document.getElementById(id);
  el.replaceChildren(...children.flat(Infinity).filter((c) => c !== null && c !== undefined));
  return el;
}

function fail(message) {
  const box = document.getElementById("error");
  box.textContent = message || "";
  box.hidden = !message;
}

function poll(every, task) {
  let busy = false;
  const tick = async () => {
    if (busy) return;
    busy = true;
    try { await task(); } catch (e) { fail(e.message); } finally { busy = false; }
  };
  tick();
  return setInterval(tick, every);
}

function fmt(v, digits = 3) {
  if (v === null || v === undefined) return "–";
  return typeof v === "number" ? String(Number(v.toPrecision(digits))) : String(v);
}

function table(head, rows, cls) {
  return h("table", { cls: cls || "grid" },
    h("thead", {}, h("tr", {}, head.map((c) => h("th", {}, c)))),
    h("tbody", {}, rows.map((r) => h("tr", {}, r.map((c) => h("td", {}, c))))));
}

function historyTable(history) {
  if (!history.length) return h("p", { cls: "muted" }, "No rounds played yet.");
  return table(["round", "proposer", "offer", "answers", "deal"], history.map((r) => [
    r.round, r.proposer,
    Object.entries(r.offer).map(([k, v]) => `${k} ${fmt(v, 4)}`).join(", "),
    Object.entries(r.responses).map(([a, ok]) => `${a} ${ok ? "yes" : "no"}`).join(", "),
    r.deal ? "deal" : "",
  ]));
}

function newsList(news, events) {
  const items = news.map((n) => h("li", {}, h("b", {}, `Round ${n.round}: `), n.text));
  // an event fired by a news item was announced by its text above: list only what fired otherwise
  for (const e of events.filter((e) => e.cause !== "inject")) items.push(h("li", {}, h("b", {}, `Round ${e.round}: `), `${e.event} (${e.actor}, ${e.cause})`));
  return items.length ? h("ul", { cls: "news" }, items) : h("p", { cls: "muted" }, "No news yet.");
}

async function blobUrl(path, secret) {
  return URL.createObjectURL(await api(path, { secret }));
}
