// The trace viewer's interaction (browser JavaScript, inlined after trace-viewer-draw.ts):
// zoom and pan, host and call id filters, the details panel of a clicked event (its line,
// payload preview, the message's other end, the host's recent log lines), the failure shown
// on load, and `window.__viewer`, the hook the browser test reads. Text goes into the page
// through textContent only, so nothing in a trace can inject markup.

export const VIEWER_UI = String.raw`
const LOG_LINES_SHOWN = 12;

function el(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className) node.className = className;
  return node;
}

function parsed(i) {
  try { return JSON.parse(LINES[i]); } catch (e) { return { line: LINES[i] }; }
}

function hostName(i) { return M.hosts[HOST[i]]; }

function eventButton(i, text) {
  const b = el('button', text, 'link');
  b.addEventListener('click', () => { select(i); reveal(i); });
  return b;
}

function showDetails(i) {
  const panel = $('details');
  panel.replaceChildren();
  if (i < 0) return;
  const e = parsed(i);
  const head = el('h2', '#' + i + ' ' + e.kind + ' at ' + fmtMs(T[i]) + (HOST[i] > 0 ? ' on ' + hostName(i) : ''));
  if (i === M.failure) head.className = 'failed';
  panel.append(head);
  const a = arrowOfEvent[i];
  if (a >= 0) {
    const from = AF[a], to = AT[a];
    const p = el('p');
    p.append('message ' + e.msg + ' (' + STYLES[AS[a]] + '): ', eventButton(from, 'sent by ' + hostName(from) + ' at ' + fmtMs(T[from])), ' → ',
      eventButton(to, (KIND[to] === K.drop ? 'dropped on ' : 'delivered to ') + hostName(to) + ' at ' + fmtMs(T[to])), ', after ' + fmtMs(T[to] - T[from]));
    panel.append(p);
  }
  if (typeof e.preview === 'string') { panel.append(el('h3', 'payload')); panel.append(el('pre', e.preview)); }
  if (e.kind === 'result' || /-failed$/.test(e.kind)) { panel.append(el('h3', 'failure')); panel.append(el('pre', String(e.message || ''), 'failed')); }
  panel.append(el('h3', 'trace line'));
  panel.append(el('pre', JSON.stringify(e, null, 2)));
  if (HOST[i] > 0) {
    const logs = logsByHost[HOST[i]];
    const end = lowerBound(logs.map((j) => T[j]), T[i] + 1e-9, logs.length);
    const recent = logs.slice(Math.max(0, end - LOG_LINES_SHOWN), end);
    panel.append(el('h3', 'log lines of ' + hostName(i) + ' up to ' + fmtMs(T[i]) + (recent.length ? '' : ': none')));
    for (const j of recent) {
      const l = parsed(j);
      const rest = Object.assign({}, l);
      delete rest.tMs; delete rest.kind; delete rest.host; delete rest.level; delete rest.msg;
      const extra = Object.keys(rest).length ? ' ' + JSON.stringify(rest) : '';
      panel.append(el('div', fmtMs(T[j]) + ' ' + l.level + ' ' + (l.msg || '') + extra, 'log ' + l.level));
    }
  }
  document.body.dataset.selected = String(i);
}

function select(i) {
  state.selected = i;
  state.selectedArrow = i >= 0 ? arrowOfEvent[i] : -1;
  showDetails(i);
  requestDraw();
}

/** Pans (keeping the zoom) so event i is in view, and scrolls its lane into view. */
function reveal(i) {
  const span = state.t1 - state.t0;
  if (T[i] < state.t0 || T[i] > state.t1) { state.t0 = T[i] - span * 0.3; state.t1 = state.t0 + span; }
  const lane = laneOf[i];
  if (lane >= 0) {
    const y = yOf(lane);
    if (y < AXIS + LANE_H || y > H - LANE_H) state.scrollY = Math.max(0, lane * LANE_H - (H - AXIS) / 3);
  }
  requestDraw();
}

function clampScroll() {
  state.scrollY = Math.max(0, Math.min(state.scrollY, Math.max(0, lanes.length * LANE_H - (H - AXIS) + 10)));
}

function zoomAt(x, factor) {
  const t = tOf(x);
  const total = M.tMax - M.tMin;
  const span = Math.min(total * 1.5, Math.max(0.01, (state.t1 - state.t0) * factor));
  const f = (t - state.t0) / (state.t1 - state.t0);
  state.t0 = t - f * span; state.t1 = state.t0 + span;
  requestDraw();
}

function pan(dxPx, dyPx) {
  const dt = (dxPx / (W - GUTTER - 12)) * (state.t1 - state.t0);
  state.t0 -= dt; state.t1 -= dt;
  state.scrollY -= dyPx; clampScroll();
  requestDraw();
}

function fit() {
  const pad = (M.tMax - M.tMin) * 0.02;
  state.t0 = M.tMin - pad; state.t1 = M.tMax + pad; state.scrollY = 0;
  requestDraw();
}

function hit(x, y) {
  const tol = (6 / (W - GUTTER - 12)) * (state.t1 - state.t0);
  let best = -1, bestD = 9 * 9;
  for (let i = lowerBound(T, tOf(x) - tol, N); i < N && T[i] <= tOf(x) + tol; i++) {
    if (laneOf[i] < 0 || !visibleCall(i)) continue;
    const dx = xOf(T[i]) - x, dy = yOf(laneOf[i]) - y, d = dx * dx + dy * dy;
    if (d < bestD) { bestD = d; best = i; }
  }
  if (best >= 0) return best;
  let bestArrow = -1; bestD = 5 * 5;
  for (const a of visibleArrows()) {
    const x1 = xOf(T[AF[a]]), y1 = yOf(laneOf[AF[a]]), x2 = xOf(T[AT[a]]), y2 = yOf(laneOf[AT[a]]);
    const len = (x2 - x1) * (x2 - x1) + (y2 - y1) * (y2 - y1) || 1;
    const u = Math.max(0, Math.min(1, ((x - x1) * (x2 - x1) + (y - y1) * (y2 - y1)) / len));
    const dx = x1 + u * (x2 - x1) - x, dy = y1 + u * (y2 - y1) - y, d = dx * dx + dy * dy;
    if (d < bestD) { bestD = d; bestArrow = a; }
  }
  return bestArrow >= 0 ? AT[bestArrow] : -1;
}

function setCallFilter(text) {
  state.call = text.trim();
  if (state.call === '') state.callMatch = null;
  else {
    const quoted = state.call.replace(/[.*+?^$()|[\]\\{}]/g, '\\$&');
    const re = new RegExp('(^|[^A-Za-z0-9_-])' + quoted + '($|[^A-Za-z0-9_-])');
    state.callMatch = new Uint8Array(N);
    for (let i = 0; i < N; i++) if (re.test(LINES[i])) state.callMatch[i] = 1;
    // A message matches as a whole: both of its ends are shown.
    for (let a = 0; a < NA; a++) if (state.callMatch[AF[a]] || state.callMatch[AT[a]]) { state.callMatch[AF[a]] = 1; state.callMatch[AT[a]] = 1; }
  }
  requestDraw();
}

function setHostHidden(h, hidden) {
  if (hidden) state.hidden.add(h); else state.hidden.delete(h);
  buildLanes(); clampScroll(); requestDraw();
}

function showOutcome() {
  const box = $('outcome');
  const o = M.outcome;
  if (!o) { box.textContent = M.failure >= 0 ? 'failed: ' + (parsed(M.failure).message || M.kinds[KIND[M.failure]]) : ''; box.className = M.failure >= 0 ? 'failed' : ''; return; }
  box.className = o.ok ? 'ok' : 'failed';
  // The message's first line in the banner; the rest (a stack, a trace tail) folded under it.
  const [firstLine, ...rest] = String(o.message || '').split('\n');
  box.append(el('span', (o.scenario || '') + (o.seed !== undefined ? ' seed ' + o.seed : '') + ': ' + (o.ok ? 'ok' : 'FAILED (' + (o.phase || '?') + ' phase): ' + firstLine)));
  if (rest.length > 0) {
    const more = el('details');
    more.append(el('summary', 'the whole message (' + rest.length + ' more lines)'), el('pre', rest.join('\n')));
    box.append(more);
  }
  if (o.replay) { box.append(el('br')); box.append('replay: '); box.append(el('code', o.replay)); }
  if (o.traceHash) box.append(el('span', '  trace ' + o.traceHash));
}

function setup() {
  M.hosts.forEach((name, h) => {
    if (h === 0 && !networkUsed) return;
    const label = el('label');
    const box = el('input');
    box.type = 'checkbox'; box.checked = true; box.dataset.host = name;
    box.addEventListener('change', () => setHostHidden(h, !box.checked));
    label.append(box, ' ' + name);
    $('hosts').append(label);
  });
  $('fit').addEventListener('click', fit);
  $('zoom-in').addEventListener('click', () => zoomAt(GUTTER + (W - GUTTER) / 2, 0.5));
  $('zoom-out').addEventListener('click', () => zoomAt(GUTTER + (W - GUTTER) / 2, 2));
  $('to-failure').disabled = M.failure < 0;
  $('to-failure').addEventListener('click', showFailure);
  $('sockets').addEventListener('change', (ev) => { state.sockets = ev.target.checked; buildLanes(); clampScroll(); requestDraw(); });
  $('call').addEventListener('input', (ev) => setCallFilter(ev.target.value));
  canvas.addEventListener('wheel', (ev) => {
    ev.preventDefault();
    if (ev.shiftKey) pan(0, -ev.deltaY);
    else if (Math.abs(ev.deltaX) > Math.abs(ev.deltaY)) pan(-ev.deltaX, 0);
    else zoomAt(ev.offsetX, Math.exp(ev.deltaY * 0.0015));
  }, { passive: false });
  let drag = null;
  canvas.addEventListener('pointerdown', (ev) => { drag = { x: ev.clientX, y: ev.clientY, moved: 0 }; canvas.setPointerCapture(ev.pointerId); canvas.classList.add('dragging'); });
  canvas.addEventListener('pointermove', (ev) => {
    if (!drag) return;
    const dx = ev.clientX - drag.x, dy = ev.clientY - drag.y;
    drag.moved += Math.abs(dx) + Math.abs(dy); drag.x = ev.clientX; drag.y = ev.clientY;
    pan(dx, dy);
  });
  canvas.addEventListener('pointerup', (ev) => {
    canvas.classList.remove('dragging');
    if (drag && drag.moved < 4) select(hit(ev.offsetX, ev.offsetY));
    drag = null;
  });
  window.addEventListener('keydown', (ev) => {
    if (ev.target instanceof HTMLInputElement) return;
    const mid = GUTTER + (W - GUTTER) / 2;
    if (ev.key === '+' || ev.key === '=') zoomAt(mid, 0.5);
    else if (ev.key === '-') zoomAt(mid, 2);
    else if (ev.key === 'ArrowLeft') pan((W - GUTTER) / 4, 0);
    else if (ev.key === 'ArrowRight') pan(-(W - GUTTER) / 4, 0);
    else if (ev.key === 'f' || ev.key === '0') fit();
  });
  new ResizeObserver(() => { resize(); clampScroll(); draw(); }).observe($('chart'));
}

/** Zooms to the failure, selects it and scrolls it into view. */
function showFailure() {
  if (M.failure < 0) return;
  // A failure found after the run (an invariant) is about the whole run: show all of it.
  if (KIND[M.failure] === K.result) { fit(); select(M.failure); $('outcome').scrollIntoView({ block: 'nearest' }); return; }
  const total = M.tMax - M.tMin;
  const span = Math.min(total * 1.04, Math.max(50, total / 8));
  state.t0 = T[M.failure] - span * 0.7; state.t1 = state.t0 + span;
  select(M.failure);
  state.scrollY = 0; reveal(M.failure);
  $('outcome').scrollIntoView({ block: 'nearest' });
}

const countsByStyle = {};
STYLES.forEach((s) => { countsByStyle[s] = 0; });
for (let a = 0; a < NA; a++) countsByStyle[STYLES[AS[a]]]++;

buildLanes();
resize();
setup();
showOutcome();
fit();
if (M.failure >= 0) showFailure();
draw();
const loadMs = performance.now();
document.body.dataset.events = String(N);
document.body.dataset.arrows = String(NA);
document.body.dataset.loadMs = loadMs.toFixed(0);
window.__viewer = {
  events: N, arrows: NA, arrowsByStyle: countsByStyle, hosts: M.hosts.slice(networkUsed ? 0 : 1), windows: M.windows.length, failure: M.failure, loadMs: loadMs,
  stats: stats, lanes: () => lanes.map((l) => l.label), view: () => ({ t0: state.t0, t1: state.t1, scrollY: state.scrollY }),
  select: select, selected: () => state.selected, fit: fit, setView: (t0, t1) => { state.t0 = t0; state.t1 = t1; requestDraw(); }, pan: pan, zoomAt: zoomAt, draw: draw, filterCall: setCallFilter,
  hideHost: (name) => setHostHidden(M.hosts.indexOf(name), true),
  // Where event i is drawn, in page coordinates (for clicking it).
  screenPos: (i) => { const r = canvas.getBoundingClientRect(); return { x: r.left + xOf(T[i]), y: r.top + yOf(laneOf[i]) }; },
  eventsOfKind: (kind) => { const k = M.kinds.indexOf(kind), out = []; for (let i = 0; i < N; i++) if (KIND[i] === k) out.push(i); return out; },
};
`;
