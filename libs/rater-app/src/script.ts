import { readFileSync } from 'node:fs';

/**
 * The page's script: client/*.ts compiled by tsc (`npm run build`) into one plain script, wrapped in a function
 * so that none of its names land on `window`.
 */
export const RATER_SCRIPT = `(() => {\n${readFileSync(new URL('./client/rater.js', import.meta.url), 'utf8')}})();\n`;
