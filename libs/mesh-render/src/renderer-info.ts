import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

// three does not export its package.json; its entry is <root>/build/three.cjs
const threeRoot = dirname(dirname(createRequire(import.meta.url).resolve('three')));
const threeVersion = (JSON.parse(readFileSync(join(threeRoot, 'package.json'), 'utf8')) as { version: string }).version;

/** What renders the views, for a result's provenance. */
export const RENDERER = `three.js ${threeVersion} in headless Chromium (WebGL2 on SwiftShader)`;
