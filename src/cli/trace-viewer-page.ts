// The trace viewer's HTML file: one self-contained page (inline CSS and script, no network)
// holding the model and the trace's lines. The data sits in non-executed script blocks with
// every `<` written as the JSON escape \u003c, so no payload text can end a block early.

import type { TraceModel } from './trace-model.js';
import { VIEWER_SCRIPT } from './trace-viewer-script.js';
import { VIEWER_STYLE } from './trace-viewer-style.js';

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** JSON text safe inside a <script> block: `<` becomes \u003c (the same string once parsed). */
function scriptSafe(json: string): string {
  return json.replace(/</g, '\\u003c');
}

/** The page for `model`, with `lines` (the trace's JSON lines, in the model's order) for the details panel. */
export function viewerPage(model: TraceModel, lines: readonly string[]): string {
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(model.title)} - toto trace viewer</title>`,
    `<style>${VIEWER_STYLE}</style>`,
    '</head><body>',
    '<header id="top">',
    `<h1 id="title">${escapeHtml(model.title)}</h1>`,
    '<div id="outcome"></div>',
    '<div id="controls">',
    '<button id="fit" title="show the whole run (f)">Fit</button>',
    '<button id="zoom-in" title="zoom in (+)">+</button>',
    '<button id="zoom-out" title="zoom out (-)">&minus;</button>',
    '<button id="to-failure" title="show the failure">Failure</button>',
    '<label><input type="checkbox" id="sockets"> lane per socket</label>',
    '<label>call id <input id="call" type="search" placeholder="e.g. ping-3" spellcheck="false"></label>',
    '<span id="hosts"></span>',
    '</div>',
    '<div id="legend">',
    '<span class="key normal">message</span><span class="key duplicate">duplicate</span><span class="key stalled">stalled</span>',
    '<span class="key late">late</span><span class="key dropped">dropped</span><span class="key fault">fault window</span>',
    '<span class="key down">host down</span><span class="key log">log line</span><span class="key timer">timer</span>',
    '<span id="status"></span>',
    '</div>',
    '</header>',
    '<main><div id="chart"><canvas id="canvas"></canvas></div><aside id="details"><p class="hint">Click an event or an arrow to see its line, payload and the host\'s recent log lines. Drag to pan, wheel to zoom, shift+wheel to scroll lanes.</p></aside></main>',
    `<script type="application/json" id="trace-model">${scriptSafe(JSON.stringify(model))}</script>`,
    `<script type="text/plain" id="trace-lines">${scriptSafe(lines.join('\n'))}</script>`,
    `<script>${VIEWER_SCRIPT}</script>`,
    '</body></html>',
    '',
  ].join('\n');
}
