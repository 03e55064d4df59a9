import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page, Route } from 'playwright-core';
import type { MeshAsset } from '@assay/mesh-io';

/** The page's only origin: never resolved, every request to it is answered by `page.route`. */
export const RENDER_ORIGIN = 'http://assay-render.local';

const THREE_ROOT = dirname(dirname(createRequire(import.meta.url).resolve('three')));
/** page/ sits beside dist/ in the package */
const PAGE_SCRIPT = fileURLToPath(new URL('../page/render-page.js', import.meta.url));

const PAGE_HTML = `<!doctype html>
<html><head><meta charset="utf-8"><title>assay mesh render</title>
<script type="importmap">{ "imports": { "three": "/three/build/three.module.js", "three/examples/jsm/": "/three/examples/jsm/" } }</script>
<script type="module">import { render } from '/render-page.js'; window.assayRender = render;</script>
</head><body></body></html>`;

/** The parts of three.js the page may load: the build and the examples' modules, nothing above them. */
function threeFile(path: string): string | undefined {
  const relative = normalize(path.slice('/three/'.length));
  if (!relative.startsWith(`build${sep}`) && !relative.startsWith(`examples${sep}jsm${sep}`)) return undefined;
  if (relative.split(sep).includes('..') || !relative.endsWith('.js')) return undefined;
  return join(THREE_ROOT, relative);
}

const fileCache = new Map<string, Promise<Buffer>>();
function cachedFile(path: string): Promise<Buffer> {
  let file = fileCache.get(path);
  if (!file) {
    file = readFile(path);
    file.catch(() => fileCache.delete(path));
    fileCache.set(path, file);
  }
  return file;
}

/** Told of every request a page makes, and whether it was answered (false: aborted or 404). */
export type RequestListener = (url: string, served: boolean) => void;

interface Response {
  contentType: string;
  body: Buffer;
}

async function answer(path: string, asset: MeshAsset, geometry: Buffer): Promise<Response | undefined> {
  const js = async (file: string) => ({ contentType: 'text/javascript', body: await cachedFile(file) });
  if (path === '/') return { contentType: 'text/html', body: Buffer.from(PAGE_HTML) };
  if (path === '/render-page.js') return js(PAGE_SCRIPT);
  if (path === '/geometry') return { contentType: 'application/octet-stream', body: geometry };
  const three = path.startsWith('/three/') ? threeFile(path) : undefined;
  if (three) return js(three).catch(() => undefined);
  const texture = /^\/textures\/(\d+)$/.exec(path);
  const image = texture ? asset.textures[Number(texture[1])] : undefined;
  if (!image) return undefined;
  return { contentType: image.mimeType, body: Buffer.from(image.bytes.buffer, image.bytes.byteOffset, image.bytes.byteLength) };
}

/**
 * Answers the page's requests from memory and node_modules: the HTML, the page script, three.js, the geometry and
 * the textures. Any other origin is aborted, so nothing reaches the network; any other path gets a 404.
 */
export async function routePage(page: Page, asset: MeshAsset, geometry: Buffer, onRequest?: RequestListener): Promise<void> {
  await page.route('**/*', async (route: Route) => {
    const url = new URL(route.request().url());
    const ours = url.origin === RENDER_ORIGIN;
    const response = ours ? await answer(url.pathname, asset, geometry) : undefined;
    onRequest?.(url.href, response !== undefined);
    if (!ours) return route.abort('blockedbyclient');
    return route.fulfill(response ? { status: 200, ...response } : { status: 404 });
  });
}
