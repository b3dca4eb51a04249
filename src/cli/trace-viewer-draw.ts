// The trace viewer's data setup and canvas drawing (browser JavaScript, inlined into the page
// by trace-viewer-script.ts). Only what the view shows is drawn: events and arrows are sorted
// by time and found by binary search, and arrows are stroked in one path per style, so a
// 100,000-event trace pans at frame rate. Written without template literals (it lives in one).

export const VIEWER_DRAW = String.raw`
'use strict';
const $ = (id) => document.getElementById(id);
const M = JSON.parse($('trace-model').textContent);
const LINES = $('trace-lines').textContent.split('\n');
const N = M.t.length;
const T = Float64Array.from(M.t);
const HOST = Int32Array.from(M.host);
const SOCK = Int32Array.from(M.socket);
const KIND = Int32Array.from(M.kind);
const AF = Int32Array.from(M.arrowFrom);
const AT = Int32Array.from(M.arrowTo);
const AS = Uint8Array.from(M.arrowStyle);
const NA = AF.length;
const STYLES = ['normal', 'duplicate', 'stalled', 'late', 'dropped'];
const COLORS = ['#3b6ea5', '#8e44ad', '#e67e22', '#b7950b', '#c0392b'];
const DASHES = [[], [6, 4], [], [2, 3], [5, 3]];
const WINDOW_COLORS = { partition: 'rgba(231,76,60,0.16)', disconnect: 'rgba(231,76,60,0.24)', hold: 'rgba(230,126,34,0.18)', crash: 'rgba(60,60,60,0.10)', down: 'rgba(60,60,60,0.22)', pause: 'rgba(241,196,15,0.25)', latency: 'rgba(52,152,219,0.16)', drop: 'rgba(155,89,182,0.16)', duplicate: 'rgba(155,89,182,0.16)', clockJump: 'rgba(22,160,133,0.3)' };
const kindOf = (name) => M.kinds.indexOf(name);
const K = { send: kindOf('send'), deliver: kindOf('deliver'), drop: kindOf('drop'), log: kindOf('log'), crash: kindOf('crash'), start: kindOf('start'), restart: kindOf('restart'), result: kindOf('result'), event: kindOf('event'), timer: kindOf('timer') };
const FAILED_KIND = M.kinds.map((k) => /-failed$/.test(k));
const TIMER_KIND = M.kinds.map((k) => k === 'event' || /^timer/.test(k));
const GUTTER = 150, AXIS = 26, LANE_H = 34, MARKS_MAX = 6000, HEADS_MAX = 3000, DEDUPE_FROM = 2000;

const arrowStart = new Float64Array(NA);
let maxSpan = 0;
for (let a = 0; a < NA; a++) {
  arrowStart[a] = T[AF[a]];
  maxSpan = Math.max(maxSpan, T[AT[a]] - T[AF[a]]);
}
const arrowOfEvent = new Int32Array(N).fill(-1);
for (let a = 0; a < NA; a++) {
  arrowOfEvent[AT[a]] = a;
  if (arrowOfEvent[AF[a]] < 0) arrowOfEvent[AF[a]] = a;
}
const logsByHost = M.hosts.map(() => []);
if (K.log >= 0) for (let i = 0; i < N; i++) if (KIND[i] === K.log) logsByHost[HOST[i]].push(i);
const networkUsed = HOST.some((h) => h === 0);
// A start of a second incarnation is a restart: marked as one, as a crash is.
const RESTARTED = new Uint8Array(N);
for (let i = 0; i < N; i++) if (KIND[i] === K.restart || (KIND[i] === K.start && !/"incarnation":1[,}]/.test(LINES[i] || ''))) RESTARTED[i] = 1;

const state = { t0: M.tMin, t1: M.tMax, scrollY: 0, sockets: false, hidden: new Set(), call: '', callMatch: null, selected: -1, selectedArrow: -1 };
let lanes = [];
let hostLanes = [];
const laneOf = new Int32Array(N);
const stats = { drawMs: 0, drawnArrows: 0, drawnEvents: 0, frames: 0 };

function lowerBound(arr, value, n) {
  let lo = 0, hi = n;
  while (lo < hi) { const mid = (lo + hi) >> 1; if (arr[mid] < value) lo = mid + 1; else hi = mid; }
  return lo;
}

function buildLanes() {
  lanes = [];
  hostLanes = M.hosts.map(() => []);
  const hostLane = new Int32Array(M.hosts.length).fill(-1);
  const socketLane = new Int32Array(M.sockets.length).fill(-1);
  M.hosts.forEach((name, h) => {
    if (state.hidden.has(h) || (h === 0 && !networkUsed)) return;
    hostLane[h] = lanes.length;
    hostLanes[h].push(lanes.length);
    lanes.push({ label: name, host: h, socket: -1 });
    if (!state.sockets) return;
    M.sockets.forEach((s, k) => {
      if (M.socketHost[k] !== h) return;
      socketLane[k] = lanes.length;
      hostLanes[h].push(lanes.length);
      lanes.push({ label: s, host: h, socket: k });
    });
  });
  for (let i = 0; i < N; i++) {
    const s = SOCK[i];
    laneOf[i] = state.sockets && s >= 0 && socketLane[s] >= 0 ? socketLane[s] : hostLane[HOST[i]];
  }
}

const canvas = $('canvas');
const ctx = canvas.getContext('2d');
let W = 0, H = 0;
function resize() {
  const dpr = window.devicePixelRatio || 1;
  const rect = canvas.getBoundingClientRect();
  W = Math.max(1, rect.width); H = Math.max(1, rect.height);
  canvas.width = Math.round(W * dpr); canvas.height = Math.round(H * dpr);
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
}
const xOf = (t) => GUTTER + ((t - state.t0) / (state.t1 - state.t0)) * (W - GUTTER - 12);
const tOf = (x) => state.t0 + ((x - GUTTER) / (W - GUTTER - 12)) * (state.t1 - state.t0);
const yOf = (lane) => AXIS + lane * LANE_H - state.scrollY + LANE_H / 2;

function fmtMs(ms) {
  const a = Math.abs(ms);
  if (a >= 60000) return Math.floor(ms / 60000) + 'm ' + (Math.round((ms % 60000) / 10) / 100) + 's';
  if (a >= 10000) return (Math.round(ms / 10) / 100) + 's';
  return (Math.round(ms * 100) / 100) + 'ms';
}

function visibleCall(i) { return state.callMatch === null || state.callMatch[i] === 1; }

let pending = false;
function requestDraw() {
  if (pending) return;
  pending = true;
  requestAnimationFrame(() => { pending = false; draw(); });
}

function draw() {
  const started = performance.now();
  ctx.clearRect(0, 0, W, H);
  drawLanes();
  drawWindows();
  drawAxis();
  drawArrows();
  drawEvents();
  drawFailure();
  drawLabels();
  stats.drawMs = performance.now() - started;
  stats.frames++;
  document.body.dataset.drawnArrows = String(stats.drawnArrows);
  $('status').textContent = N + ' events, ' + NA + ' arrows (' + stats.drawnArrows + ' drawn), view ' + fmtMs(state.t0) + ' - ' + fmtMs(state.t1) + ', drawn in ' + stats.drawMs.toFixed(1) + 'ms';
}

function drawLanes() {
  for (let l = 0; l < lanes.length; l++) {
    const y = yOf(l);
    if (y < AXIS - LANE_H || y > H + LANE_H) continue;
    ctx.fillStyle = l % 2 ? '#f7f9fb' : '#ffffff';
    ctx.fillRect(GUTTER, y - LANE_H / 2, W - GUTTER, LANE_H);
    ctx.strokeStyle = lanes[l].socket >= 0 ? '#e3e7ec' : '#c9d1da';
    ctx.beginPath(); ctx.moveTo(GUTTER, y + 0.5); ctx.lineTo(W, y + 0.5); ctx.stroke();
  }
}

function drawLabels() {
  ctx.fillStyle = '#f6f8fa';
  ctx.fillRect(0, 0, GUTTER, H);
  ctx.font = '12px system-ui, sans-serif';
  ctx.textBaseline = 'middle';
  for (let l = 0; l < lanes.length; l++) {
    const y = yOf(l);
    if (y < AXIS || y > H) continue;
    const lane = lanes[l];
    ctx.fillStyle = lane.socket >= 0 ? '#6b7785' : '#1d2733';
    const text = lane.socket >= 0 ? '  ' + lane.label : lane.label;
    ctx.fillText(text.length > 22 ? text.slice(0, 21) + '…' : text, 8, y);
  }
  ctx.fillStyle = '#f6f8fa';
  ctx.fillRect(0, 0, GUTTER, AXIS);
}

function niceStep(span, px) {
  const raw = span / Math.max(1, px / 110);
  const p = Math.pow(10, Math.floor(Math.log10(raw)));
  for (const m of [1, 2, 5, 10]) if (m * p >= raw) return m * p;
  return 10 * p;
}

function drawAxis() {
  ctx.fillStyle = '#f6f8fa';
  ctx.fillRect(GUTTER, 0, W - GUTTER, AXIS);
  const step = niceStep(state.t1 - state.t0, W - GUTTER);
  ctx.font = '11px system-ui, sans-serif';
  ctx.textBaseline = 'middle';
  ctx.fillStyle = '#4b5866';
  ctx.strokeStyle = 'rgba(0,0,0,0.06)';
  for (let t = Math.ceil(state.t0 / step) * step; t <= state.t1; t += step) {
    const x = Math.round(xOf(t)) + 0.5;
    ctx.beginPath(); ctx.moveTo(x, AXIS - 6); ctx.lineTo(x, H); ctx.stroke();
    ctx.fillText(fmtMs(t), x + 3, AXIS / 2);
  }
}

function windowLanes(w) {
  if (w.hosts === null) return lanes.map((_, l) => l);
  const out = [];
  for (const h of w.hosts) for (const l of hostLanes[h] || []) out.push(l);
  return out;
}

function drawWindows() {
  ctx.font = '11px system-ui, sans-serif';
  ctx.textBaseline = 'top';
  for (const w of M.windows) {
    if (w.t1 < state.t0 || w.t0 > state.t1) continue;
    const x0 = Math.max(GUTTER, xOf(w.t0));
    const x1 = Math.min(W, Math.max(xOf(w.t1), x0 + 2));
    ctx.fillStyle = WINDOW_COLORS[w.kind] || 'rgba(231,76,60,0.16)';
    let top = Infinity;
    for (const l of windowLanes(w)) {
      const y = yOf(l) - LANE_H / 2;
      top = Math.min(top, y);
      ctx.fillRect(x0, y, x1 - x0, LANE_H);
    }
    if (top !== Infinity && x1 - x0 > 40) { ctx.fillStyle = '#7b2d26'; ctx.fillText(w.label, x0 + 3, Math.max(top, AXIS) + 2); }
  }
}

function arrowVisible(a) {
  const from = AF[a], to = AT[a];
  if (laneOf[from] < 0 || laneOf[to] < 0) return false;
  return visibleCall(from) || visibleCall(to);
}

function arrowPath(path, a, heads) {
  const from = AF[a], to = AT[a];
  const x1 = xOf(T[from]), y1 = yOf(laneOf[from]), x2 = xOf(T[to]);
  let y2 = yOf(laneOf[to]);
  if (laneOf[from] === laneOf[to]) y2 += 0.001;
  path.moveTo(x1, y1);
  if (laneOf[from] === laneOf[to]) path.quadraticCurveTo((x1 + x2) / 2, y1 - LANE_H * 0.45, x2, y2);
  else path.lineTo(x2, y2);
  if (AS[a] === 4) {
    path.moveTo(x2 - 4, y2 - 4); path.lineTo(x2 + 4, y2 + 4); path.moveTo(x2 + 4, y2 - 4); path.lineTo(x2 - 4, y2 + 4);
  } else if (heads) {
    const angle = laneOf[from] === laneOf[to] ? Math.PI / 4 : Math.atan2(y2 - y1, x2 - x1);
    path.moveTo(x2, y2); path.lineTo(x2 - 7 * Math.cos(angle - 0.4), y2 - 7 * Math.sin(angle - 0.4));
    path.moveTo(x2, y2); path.lineTo(x2 - 7 * Math.cos(angle + 0.4), y2 - 7 * Math.sin(angle + 0.4));
  }
}

function visibleArrows() {
  const lo = lowerBound(arrowStart, state.t0 - maxSpan, NA);
  const hi = lowerBound(arrowStart, state.t1 + 1e-9, NA);
  const out = [];
  for (let a = lo; a < hi; a++) if (T[AT[a]] >= state.t0 && arrowVisible(a)) out.push(a);
  return out;
}

// Past a few thousand arrows in view, most fall on the same pixels as another one: each line is
// drawn once per (lanes, style, start pixel, end pixel), which looks the same and rasters in a
// fraction of the time.
function distinctOnScreen(shown) {
  if (shown.length <= DEDUPE_FROM) return shown;
  const seen = new Set();
  const out = [];
  for (const a of shown) {
    const x1 = Math.max(-1, Math.min(8190, Math.round(xOf(T[AF[a]])))) + 1;
    const x2 = Math.max(-1, Math.min(8190, Math.round(xOf(T[AT[a]])))) + 1;
    const key = (((laneOf[AF[a]] * 1024 + laneOf[AT[a]]) * 8 + AS[a]) * 8192 + x1) * 8192 + x2;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(a);
  }
  return out;
}

function drawArrows() {
  const shown = visibleArrows();
  const heads = shown.length <= HEADS_MAX;
  const paths = STYLES.map(() => new Path2D());
  for (const a of distinctOnScreen(shown)) arrowPath(paths[AS[a]], a, heads);
  ctx.save();
  ctx.beginPath(); ctx.rect(GUTTER, AXIS, W - GUTTER, H - AXIS); ctx.clip();
  ctx.lineWidth = shown.length > HEADS_MAX ? 0.8 : 1.2;
  for (let s = 0; s < STYLES.length; s++) {
    ctx.strokeStyle = COLORS[s];
    ctx.setLineDash(DASHES[s]);
    ctx.stroke(paths[s]);
  }
  ctx.setLineDash([]);
  if (state.selectedArrow >= 0) {
    const p = new Path2D();
    arrowPath(p, state.selectedArrow, true);
    ctx.lineWidth = 3; ctx.strokeStyle = '#f39c12'; ctx.stroke(p);
  }
  ctx.restore();
  stats.drawnArrows = shown.length;
}
`;
