// The trace viewer page's script: data and drawing, marks, then interaction, in one function scope.

import { VIEWER_DRAW } from './trace-viewer-draw.js';
import { VIEWER_MARKS } from './trace-viewer-marks.js';
import { VIEWER_UI } from './trace-viewer-ui.js';

export const VIEWER_SCRIPT = `(() => {\n${VIEWER_DRAW}\n${VIEWER_MARKS}\n${VIEWER_UI}\n})();`;
