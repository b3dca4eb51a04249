// The trace viewer page's CSS (inlined into the page).

export const VIEWER_STYLE = String.raw`
* { box-sizing: border-box; }
html, body { margin: 0; height: 100%; font: 13px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1d2733; background: #fff; }
body { display: flex; flex-direction: column; }
header { padding: 6px 10px; border-bottom: 1px solid #d5dbe3; background: #f6f8fa; }
h1 { font-size: 15px; margin: 0 0 4px; }
#outcome { margin: 0 0 4px; }
#outcome.ok { color: #1e7d32; }
#outcome.failed { color: #fff; background: #c0392b; padding: 4px 8px; border-radius: 3px; white-space: pre-wrap; }
#outcome code { font: 12px ui-monospace, monospace; }
#outcome details { margin: 2px 0; }
#outcome details pre { max-height: 40vh; overflow: auto; margin: 2px 0; font: 12px ui-monospace, monospace; }
#controls { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; }
#controls button { font: inherit; padding: 1px 9px; }
#hosts label { margin-right: 6px; }
#legend { margin-top: 4px; font-size: 12px; color: #4b5866; }
.key { margin-right: 12px; }
.key::before { content: ""; display: inline-block; width: 18px; height: 3px; margin-right: 4px; vertical-align: middle; }
.key.normal::before { background: #3b6ea5; }
.key.duplicate::before { border-top: 3px dashed #8e44ad; height: 0; }
.key.stalled::before { background: #e67e22; }
.key.late::before { border-top: 3px dotted #b7950b; height: 0; }
.key.dropped::before { border-top: 3px dashed #c0392b; height: 0; }
.key.fault::before { background: rgba(231, 76, 60, 0.25); height: 10px; }
.key.down::before { background: rgba(60, 60, 60, 0.3); height: 10px; }
.key.log::before { background: #2980b9; width: 6px; height: 6px; }
.key.timer::before { background: #95a5a6; width: 2px; height: 10px; }
#status { float: right; font-variant-numeric: tabular-nums; }
main { flex: 1; display: flex; min-height: 0; }
#chart { flex: 1; position: relative; min-width: 0; overflow: hidden; }
#canvas { position: absolute; inset: 0; width: 100%; height: 100%; cursor: grab; }
#canvas.dragging { cursor: grabbing; }
#details { width: 380px; border-left: 1px solid #d5dbe3; overflow: auto; padding: 8px 10px; background: #fbfcfd; }
#details h2 { font-size: 14px; margin: 0 0 4px; }
#details h3 { font-size: 12px; margin: 10px 0 4px; color: #4b5866; text-transform: uppercase; letter-spacing: 0.04em; }
#details pre { font: 12px ui-monospace, monospace; white-space: pre-wrap; word-break: break-all; margin: 0; padding: 6px; background: #eef1f5; border-radius: 3px; }
#details .failed { border-left: 4px solid #c0392b; padding-left: 6px; }
#details .log { font: 12px ui-monospace, monospace; white-space: pre-wrap; word-break: break-all; }
#details .log.warn, #details .log.error, #details .log.fatal { color: #a04000; }
#details button.link { border: 0; background: none; color: #1f5fa8; text-decoration: underline; cursor: pointer; padding: 0; font: inherit; }
.hint { color: #6b7785; }
`;
