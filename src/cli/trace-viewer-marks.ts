// The trace viewer's event marks (browser JavaScript, inlined after trace-viewer-draw.ts): a dot
// per send and delivery while few enough are in view, log lines, timers, crashes, (re)starts,
// drops, failed assertions and the failure line, and the selected event's ring.

export const VIEWER_MARKS = String.raw`
function drawEvents() {
  const lo = lowerBound(T, state.t0, N);
  const hi = lowerBound(T, state.t1 + 1e-9, N);
  const marks = hi - lo <= MARKS_MAX;
  let drawn = 0;
  ctx.save();
  ctx.beginPath(); ctx.rect(GUTTER, AXIS, W - GUTTER, H - AXIS); ctx.clip();
  const dots = new Path2D(), logs = new Path2D(), timers = new Path2D(), other = new Path2D();
  for (let i = lo; i < hi; i++) {
    const lane = laneOf[i];
    if (lane < 0 || !visibleCall(i)) continue;
    const y = yOf(lane);
    if (y < AXIS - 10 || y > H + 10) continue;
    const x = xOf(T[i]);
    const k = KIND[i];
    if (k === K.send || k === K.deliver) { if (marks) { dots.moveTo(x + 2, y); dots.arc(x, y, 2, 0, 7); drawn++; } continue; }
    drawn++;
    if (k === K.log) logs.rect(x - 2, y - 12, 4, 4);
    else if (TIMER_KIND[k]) { timers.moveTo(x + 0.5, y + 5); timers.lineTo(x + 0.5, y + 12); }
    else if (k === K.crash) drawCross(x, y, '#c0392b', 'crash');
    else if (k === K.start || k === K.restart) drawTriangle(x, y, '#1e8449', RESTARTED[i] ? 'restart' : '');
    else if (k === K.drop) drawCross(x, y, '#c0392b', '');
    else if (FAILED_KIND[k] || k === K.result) { if (k !== K.result || i === M.failure) drawDiamond(x, y, '#c0392b'); }
    else if (marks) { other.moveTo(x + 2.5, y); other.arc(x, y, 2.5, 0, 7); }
  }
  ctx.fillStyle = '#3b6ea5'; ctx.fill(dots);
  ctx.fillStyle = '#2980b9'; ctx.fill(logs);
  ctx.strokeStyle = '#95a5a6'; ctx.lineWidth = 1; ctx.stroke(timers);
  ctx.strokeStyle = '#7f8c8d'; ctx.stroke(other);
  if (state.selected >= 0 && laneOf[state.selected] >= 0) {
    ctx.strokeStyle = '#f39c12'; ctx.lineWidth = 2.5;
    ctx.beginPath(); ctx.arc(xOf(T[state.selected]), yOf(laneOf[state.selected]), 7, 0, 7); ctx.stroke();
  }
  ctx.restore();
  stats.drawnEvents = drawn;
}

function drawCross(x, y, color, label) {
  ctx.strokeStyle = color; ctx.lineWidth = 2.5;
  ctx.beginPath(); ctx.moveTo(x - 6, y - 6); ctx.lineTo(x + 6, y + 6); ctx.moveTo(x + 6, y - 6); ctx.lineTo(x - 6, y + 6); ctx.stroke();
  if (label) { ctx.fillStyle = color; ctx.font = 'bold 11px system-ui, sans-serif'; ctx.textBaseline = 'bottom'; ctx.fillText(label, x + 7, y - 4); }
}

function drawTriangle(x, y, color, label) {
  ctx.fillStyle = color;
  ctx.beginPath(); ctx.moveTo(x, y - 7); ctx.lineTo(x + 6, y + 5); ctx.lineTo(x - 6, y + 5); ctx.closePath(); ctx.fill();
  if (label) { ctx.font = 'bold 11px system-ui, sans-serif'; ctx.textBaseline = 'bottom'; ctx.fillText(label, x + 7, y - 4); }
}

function drawDiamond(x, y, color) {
  ctx.fillStyle = color;
  ctx.beginPath(); ctx.moveTo(x, y - 8); ctx.lineTo(x + 8, y); ctx.lineTo(x, y + 8); ctx.lineTo(x - 8, y); ctx.closePath(); ctx.fill();
}

function drawFailure() {
  if (M.failure < 0) return;
  const t = T[M.failure];
  if (t < state.t0 || t > state.t1) return;
  const x = Math.round(xOf(t)) + 0.5;
  ctx.strokeStyle = '#c0392b'; ctx.lineWidth = 2;
  ctx.beginPath(); ctx.moveTo(x, AXIS); ctx.lineTo(x, H); ctx.stroke();
  ctx.fillStyle = '#c0392b'; ctx.font = 'bold 12px system-ui, sans-serif'; ctx.textBaseline = 'top';
  const label = 'failed: ' + M.kinds[KIND[M.failure]];
  ctx.fillText(label, x + 4 + ctx.measureText(label).width > W ? x - 4 - ctx.measureText(label).width : x + 4, AXIS + 2);
}
`;
