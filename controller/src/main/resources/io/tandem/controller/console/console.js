// The tandem pair console: polls this controller's /api/pair (both controllers' `ctl status --json`), its own
// /metrics (IOPS and latency) and /api/events (both journals), draws the pair, and sends the operations of its
// buttons to POST /api/ctl, which forwards them to the controllers' control ports as `tandem ctl` does.
"use strict";

const POLL_MS = 1000;
const EVENTS_POLL_MS = 2000;
const WINDOW_S = 300;
const SVG = "http://www.w3.org/2000/svg";

const state = { pair: null, lastPairMs: 0, lastEventMs: 0, seenEvents: new Set(), prevScrape: null };
const series = { t: [], read: [], write: [], wp50: [], wp99: [], rp99: [] };

// ---------- the pair ----------

function controllerOf(role) {
  if (!state.pair) return null;
  return state.pair.controllers.find(c => c.status && c.status.role === role) || null;
}

async function pollPair() {
  try {
    const response = await fetch("/api/pair", { cache: "no-store" });
    state.pair = await response.json();
    state.lastPairMs = Date.now();
    drawPair();
    drawFigures();
  } catch (e) {
    // shown as stale by the freshness line
  }
  freshness();
}

function freshness() {
  const el = document.getElementById("freshness");
  if (!state.lastPairMs) { el.textContent = "no answer yet"; return; }
  const age = (Date.now() - state.lastPairMs) / 1000;
  el.textContent = age < 2 ? "live" : "last update " + age.toFixed(0) + " s ago";
  el.classList.toggle("stale", age >= 3);
}

function el(name, attrs, text) {
  const node = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = text;
  return node;
}

function roleOf(c) {
  if (!c.status) return "unreachable";
  return c.status.role === "primary" ? "primary" : c.status.role === "secondary" ? "secondary" : c.status.role;
}

function pathsOf(status) {
  const paths = [];
  if (!status) return paths;
  for (let p = 0; ("path." + p) in status; p++) {
    const pulled = status["path." + p + ".pulled"] === true;
    paths.push(pulled ? "pulled" : status["path." + p] === "up" ? "up" : "down");
  }
  return paths;
}

function drawPair() {
  const svg = document.getElementById("pair");
  svg.replaceChildren();
  const pair = state.pair;
  const me = pair.controllers[pair.self];
  document.getElementById("whoami").textContent = "controller " + pair.self + " (" + roleOf(me) + ")";

  const boxes = [{ x: 20 }, { x: 470 }];
  const primary = controllerOf("primary");
  // the volume, above whoever serves it
  const service = primary && primary.status.service;
  const volumeX = primary ? boxes[primary.id].x + 115 : 360;
  svg.appendChild(el("rect", { x: volumeX - 95, y: 6, width: 190, height: 34, rx: 6, class: "volume",
    style: primary ? "" : "stroke: var(--down)" }));
  svg.appendChild(el("text", { x: volumeX, y: 28, "text-anchor": "middle" },
    "volume " + (service || "not served")));
  if (primary) {
    svg.appendChild(el("line", { x1: volumeX, y1: 40, x2: volumeX, y2: 62, class: "serve" }));
  }

  pair.controllers.forEach((c, i) => {
    const x = boxes[i].x, y = 62, role = roleOf(c);
    const s = c.status || {};
    svg.appendChild(el("rect", { x, y, width: 230, height: 170, rx: 10, class: "box " + role,
      "data-controller": c.id, "data-role": role }));
    svg.appendChild(el("text", { x: x + 14, y: y + 26, style: "font-size:15px;font-weight:600" },
      "controller " + c.id + (c.id === pair.self ? "  (this one)" : "")));
    svg.appendChild(el("text", { x: x + 14, y: y + 48, class: "badge " + role }, role.toUpperCase()));
    if (!c.status) {
      svg.appendChild(el("text", { x: x + 14, y: y + 74, class: "dim" }, "no answer on " + c.at));
      return;
    }
    const mode = s.mirror || s.mode || "";
    svg.appendChild(el("text", { x: x + 14, y: y + 72 }, "mode " + String(mode).toLowerCase()));
    svg.appendChild(el("text", { x: x + 14, y: y + 92, class: "dim" }, "epoch " + s.epoch +
      (s["pool.mirrorGeneration"] !== undefined ? "   generation " + s["pool.mirrorGeneration"] : "")));
    const fill = typeof s["nvlog.fill"] === "number" ? s["nvlog.fill"] : null;
    svg.appendChild(el("text", { x: x + 14, y: y + 116, class: "dim" },
      "NVLog " + (fill === null ? "-" : (fill * 100).toFixed(1) + "%")));
    svg.appendChild(el("rect", { x: x + 110, y: y + 107, width: 100, height: 10, rx: 3, class: "fill-bg" }));
    svg.appendChild(el("rect", { x: x + 110, y: y + 107, width: Math.max(0, Math.min(1, fill || 0)) * 100,
      height: 10, rx: 3, class: "fill" }));
    const detail = role === "primary"
      ? "CPs " + s["cp.count"] + "   lag " + streamLag(s)
      : s.takeover ? "takeover: " + String(s["takeover.verdict"] || s.takeover).toLowerCase() : "";
    svg.appendChild(el("text", { x: x + 14, y: y + 140, class: "dim" }, detail));
    svg.appendChild(el("text", { x: x + 14, y: y + 160, class: "dim" }, "nbd " + s.nbd));
  });

  // the interconnect: one line per path between the boxes, as the serving side sees it
  const viewer = primary || me;
  const paths = pathsOf(viewer.status);
  const top = 95, bottom = 215;
  paths.forEach((p, i) => {
    const y = paths.length === 1 ? (top + bottom) / 2 : top + i * (bottom - top) / (paths.length - 1);
    svg.appendChild(el("line", { x1: 250, y1: y, x2: 470, y2: y, class: "path " + p, "data-path": i,
      "data-state": p }));
    svg.appendChild(el("text", { x: 360, y: y - 7, "text-anchor": "middle", class: "path-label " + p },
      "path " + i + "  " + p));
  });
  if (primary) {
    const toRight = primary.id === 0;
    const ax = toRight ? 455 : 265, dir = toRight ? 1 : -1, ay = bottom + 14;
    svg.appendChild(el("text", { x: 360, y: ay + 4, "text-anchor": "middle", class: "dim" }, "mirror"));
    svg.appendChild(el("polygon", { class: "mirror-arrow",
      points: `${ax},${ay} ${ax - 10 * dir},${ay - 5} ${ax - 10 * dir},${ay + 5}` }));
  }
  drawPathButtons(paths);
}

function streamLag(s) {
  let lag = 0;
  for (let i = 0; ("stream." + i + ".lag") in s; i++) lag += s["stream." + i + ".lag"];
  return lag;
}

function drawPathButtons(paths) {
  const key = paths.join(",");
  if (key === state.pathKey) return; // redrawn only when a path changes, so a button is not replaced under a click
  state.pathKey = key;
  const box = document.getElementById("paths");
  box.replaceChildren();
  paths.forEach((p, i) => {
    const row = document.createElement("div");
    row.className = "path-row";
    row.id = "path-" + i;
    row.dataset.state = p;
    const dot = document.createElement("span");
    dot.className = "dot " + p;
    const label = document.createElement("span");
    label.textContent = "path " + i + " " + p;
    const button = document.createElement("button");
    button.className = "small";
    const restore = p === "pulled";
    button.id = (restore ? "restore-" : "pull-") + i;
    button.textContent = restore ? "Restore" : "Pull";
    button.addEventListener("click", () => operate(restore ? "path restore " + i : "path pull " + i));
    row.append(dot, label, button);
    box.appendChild(row);
  });
}

function pairErrors() {
  let n = 0;
  for (const c of state.pair.controllers) if (c.status) n += Number(c.status["errors.count"] || 0);
  return n;
}

function drawFigures() {
  const primary = controllerOf("primary");
  const secondary = controllerOf("secondary");
  const s = primary ? primary.status : {};
  const items = [
    ["serving", primary ? "controller " + primary.id : "nobody"],
    ["mirror", secondary ? "controller " + secondary.id + " " + String(secondary.status.mode).toLowerCase() : "none"],
    ["epoch", primary ? s.epoch : "-"],
    ["consistency points", primary ? s["cp.count"] : "-"],
    ["last CP", primary ? s["cp.lastDurationMs"] + " ms" : "-"],
    ["stream lag", primary ? streamLag(s) + " records" : "-"],
    ["NVLog", primary ? (s["nvlog.fill"] * 100).toFixed(1) + "% full" : "-"],
    ["writes", primary ? Number(s["writes.completed"]).toLocaleString() : "-"],
    ["errors", pairErrors()],
  ];
  const verdict = secondary && secondary.status["takeover.verdict"];
  items.push(["if the primary failed now", verdict ? String(verdict).toLowerCase().replace(/_/g, " ") + ": " +
    String(secondary.status["takeover.reason"]).toLowerCase().replace(/_/g, " ") : "no secondary"]);
  const dl = document.getElementById("figures");
  dl.replaceChildren();
  for (const [k, v] of items) {
    const div = document.createElement("div");
    if (k.startsWith("if the primary")) div.className = "wide";
    const dt = document.createElement("dt");
    dt.textContent = k;
    const dd = document.createElement("dd");
    dd.textContent = v;
    div.append(dt, dd);
    dl.appendChild(div);
  }
  document.getElementById("op-cp").disabled = !primary;
  document.getElementById("op-giveback").disabled = !primary || !secondary;
  document.getElementById("op-takeover").disabled = !secondary;
}

// ---------- operations ----------

const EXPLAIN = {
  "cp": "Take a consistency point now: the serving controller destages its cache to the pool and frees its log.",
  "giveback": "Give the volume to the partner: the serving controller quiesces, takes a consistency point and " +
    "hands the pool over. Clients on the service address follow it.",
  "takeover": "Make the secondary take over now: it fences the primary, replays the mirror and serves. It is " +
    "refused, with the reason, unless it loses nothing.",
};

function targetFor(command) {
  return command === "takeover" ? controllerOf("secondary") : controllerOf("primary");
}

function confirmDialog(title, text) {
  const dialog = document.getElementById("confirm");
  document.getElementById("confirm-title").textContent = title;
  document.getElementById("confirm-text").textContent = text;
  return new Promise(resolve => {
    dialog.addEventListener("close", () => resolve(dialog.returnValue === "ok"), { once: true });
    dialog.showModal();
  });
}

async function operate(command) {
  const target = targetFor(command);
  const result = document.getElementById("result");
  if (!target) {
    show(result, false, "no controller to send '" + command + "' to: " +
      (command === "takeover" ? "no secondary answers" : "no primary answers"));
    return;
  }
  const explain = command.startsWith("path pull")
    ? "Pull " + command.substring(10) + ": every frame on it is dropped both ways, as a pulled cable."
    : command.startsWith("path restore") ? "Put " + command.substring(13) + " back." : EXPLAIN[command];
  if (!await confirmDialog("tandem ctl " + command + " on controller " + target.id + "?", explain)) return;
  try {
    const response = await fetch("/api/ctl", {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", "X-Tandem-Console": "1" },
      body: new URLSearchParams({ controller: target.id, command }),
    });
    const answer = await response.json();
    show(result, answer.ok, (answer.ok ? "controller " + answer.controller + ": " : "refused: ") + answer.reply);
  } catch (e) {
    show(result, false, "the console's controller did not answer: " + e);
  }
  pollPair();
}

function show(node, ok, text) {
  node.textContent = text;
  node.className = "result " + (ok ? "ok" : "refused");
}

document.querySelectorAll("button.op").forEach(b => b.addEventListener("click", () => operate(b.dataset.op)));

// ---------- I/O from this controller's /metrics ----------

function parseMetrics(text) {
  const samples = [];
  for (const line of text.split("\n")) {
    if (!line || line[0] === "#") continue;
    const m = line.match(/^([a-zA-Z_:][\w:]*)(\{([^}]*)\})?\s+(\S+)/);
    if (!m) continue;
    const labels = {};
    if (m[3]) for (const l of m[3].matchAll(/(\w+)="([^"]*)"/g)) labels[l[1]] = l[2];
    samples.push({ name: m[1], labels, value: parseFloat(m[4]) });
  }
  return samples;
}

function scrapeOf(samples) {
  const requests = {}, buckets = {};
  for (const s of samples) {
    if (s.name === "tandem_nbd_requests_total") requests[s.labels.op] = s.value;
    if (s.name === "tandem_nbd_request_duration_seconds_bucket") {
      (buckets[s.labels.op] = buckets[s.labels.op] || []).push([parseFloat(s.labels.le), s.value]);
    }
  }
  for (const op in buckets) buckets[op].sort((a, b) => a[0] - b[0]);
  return { timeS: Date.now() / 1000, requests, buckets };
}

// the q-quantile of the requests between two scrapes, from the deltas of their cumulative buckets
function quantile(q, before, after) {
  if (!before || !after) return null;
  const deltas = after.map((b, i) => [b[0], b[1] - (before[i] ? before[i][1] : 0)]);
  const total = deltas[deltas.length - 1][1];
  if (total <= 0) return null;
  const rank = q * total;
  let lower = 0, below = 0;
  for (const [le, count] of deltas) {
    if (count >= rank) {
      if (!isFinite(le)) return lower;
      const inBucket = count - below;
      return inBucket > 0 ? lower + (le - lower) * (rank - below) / inBucket : le;
    }
    lower = le;
    below = count;
  }
  return lower;
}

function rate(op, before, after, dt) {
  const d = (after.requests[op] || 0) - (before.requests[op] || 0);
  return d >= 0 ? d / dt : 0;
}

async function pollMetrics() {
  try {
    const text = await (await fetch("/metrics", { cache: "no-store" })).text();
    const now = scrapeOf(parseMetrics(text));
    const before = state.prevScrape;
    state.prevScrape = now;
    if (!before) return;
    const dt = now.timeS - before.timeS;
    const reads = rate("read", before, now, dt);
    const writes = rate("write", before, now, dt) + rate("write_zeroes", before, now, dt);
    const ms = v => v === null ? null : v * 1000;
    push(now.timeS, reads, writes, ms(quantile(0.5, before.buckets.write, now.buckets.write)),
      ms(quantile(0.99, before.buckets.write, now.buckets.write)),
      ms(quantile(0.99, before.buckets.read, now.buckets.read)));
    document.getElementById("iops-now").textContent =
      "read " + reads.toFixed(0) + "  write " + writes.toFixed(0) + " per second";
    const wp99 = series.wp99[series.wp99.length - 1];
    document.getElementById("latency-now").textContent =
      wp99 === null ? "no writes" : "write p99 " + wp99.toFixed(2) + " ms";
  } catch (e) {
    // the next poll tries again
  }
}

function push(t, read, write, wp50, wp99, rp99) {
  series.t.push(t); series.read.push(read); series.write.push(write);
  series.wp50.push(wp50); series.wp99.push(wp99); series.rp99.push(rp99);
  while (series.t.length && series.t[0] < t - WINDOW_S) {
    for (const k in series) series[k].shift();
  }
  charts.iops.setData([series.t, series.read, series.write]);
  document.getElementById("iops-chart").dataset.points = series.t.length;
  charts.latency.setData([series.t, series.wp50, series.wp99, series.rp99]);
}

function chart(id, yLabel, lines) {
  const node = document.getElementById(id);
  const axis = { stroke: "#8b93a3", grid: { stroke: "#262b36" }, ticks: { stroke: "#262b36" } };
  const opts = {
    width: node.clientWidth || 500, height: 200,
    scales: {
      // at least the last half minute, so that the first points do not stretch over years
      x: { time: true, range: (u, min, max) => [Math.min(min, max - 30), max] },
      y: { range: (u, min, max) => [0, Math.max(max || 0, 1) * 1.1] },
    },
    axes: [Object.assign({ space: 70, values: (u, ticks) => ticks.map(clock1000) }, axis),
      Object.assign({ label: yLabel, size: 60 }, axis)],
    series: [{}].concat(lines.map(([label, color]) => ({
      label, stroke: color, width: 2, spanGaps: false, points: { show: false },
      value: (u, v) => v === null || v === undefined ? "-" : v.toFixed(v < 10 ? 2 : 0),
    }))),
    legend: { live: false },
  };
  const u = new uPlot(opts, [[]].concat(lines.map(() => [])), node);
  new ResizeObserver(() => u.setSize({ width: node.clientWidth, height: 200 })).observe(node);
  return u;
}

const charts = {
  iops: chart("iops-chart", "requests/s", [["read", "#58a6ff"], ["write", "#3fb950"]]),
  latency: chart("latency-chart", "ms", [["write p50", "#3fb950"], ["write p99", "#d29922"],
    ["read p99", "#58a6ff"]]),
};

// ---------- events ----------

function clock1000(s) {
  return clock(s * 1000);
}

function clock(ms) {
  return new Date(ms).toLocaleTimeString([], { hour12: false });
}

function describe(e) {
  if (e.type === "ROLE_CHANGE") return "became " + e.to + " (was " + e.from + ")";
  const parts = [];
  if (e.type === "PATH_UP" || e.type === "PATH_DOWN") parts.push("path " + e.value);
  if (e.subject) parts.push(e.subject);
  if (e.status) parts.push(e.status);
  if (e.detail) parts.push(e.detail);
  return parts.join(": ");
}

async function pollEvents() {
  try {
    const answer = await (await fetch("/api/events?after=" + Math.max(0, state.lastEventMs - 1),
      { cache: "no-store" })).json();
    const list = document.getElementById("events");
    for (const e of answer.events) {
      const key = JSON.stringify(e);
      if (state.seenEvents.has(key)) continue;
      state.seenEvents.add(key);
      state.lastEventMs = Math.max(state.lastEventMs, e.time_ms);
      const li = document.createElement("li");
      for (const [cls, text] of [["time", clock(e.time_ms)], ["who", "ctl " + e.controller],
        ["type " + e.type, e.type.toLowerCase().replace(/_/g, " ")], ["detail", describe(e)]]) {
        const span = document.createElement("span");
        span.className = cls;
        span.textContent = text;
        if (cls === "detail") span.title = text;
        li.appendChild(span);
      }
      list.prepend(li);
    }
    while (list.children.length > 300) list.lastChild.remove();
  } catch (e) {
    // the next poll tries again
  }
}

pollPair();
pollMetrics();
pollEvents();
setInterval(pollPair, POLL_MS);
setInterval(pollMetrics, POLL_MS);
setInterval(pollEvents, EVENTS_POLL_MS);
setInterval(freshness, 500);
