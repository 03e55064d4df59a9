import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import type { MeshAsset } from '@assay/mesh-io';
import { chromiumProblem, contactSheet, MeshRenderer, MeshRenderError, type RenderedView } from '@assay/mesh-render';
import {
  BOX_TEXTURED,
  CAN_RENDER,
  CHROMIUM,
  chromiumChildren,
  ENGINE,
  meanColour,
  pixelStats,
  readModel,
  rejectionOf,
  SPIDER,
  triangleCount,
} from './render-fixtures.js';

/**
 * Live pids in the process group a chromium leads (playwright starts it detached, so its helpers share its group).
 * Zombies are left out: helpers orphaned by the browser's exit are init's to reap.
 */
const processGroup = (pgid: number): number[] =>
  execFileSync('ps', ['-eo', 'pid=,pgid=,stat='])
    .toString()
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter(([pid, group, stat]) => pid && Number(group) === pgid && !stat.startsWith('Z'))
    .map(([pid]) => Number(pid));

describe('chromiumProblem', () => {
  it('names the missing binary and how to get one', () => {
    expect(chromiumProblem('/nonexistent/chromium')).toMatch(/\/nonexistent\/chromium.*apt-get install chromium.*CHROMIUM_PATH/);
  });

  it('launch refuses a missing executable with a typed error', async () => {
    const err = await rejectionOf(MeshRenderer.launch({ executablePath: '/nonexistent/chromium' }));
    expect(err).toBeInstanceOf(MeshRenderError);
    expect((err as MeshRenderError).code).toBe('chromium_missing');
  });

  it.skipIf(!CAN_RENDER)('has nothing to say about an installed chromium', () => {
    expect(chromiumProblem(CHROMIUM)).toBeUndefined();
  });
});

describe.skipIf(!CAN_RENDER)('MeshRenderer on real meshes', { timeout: 180_000 }, () => {
  let renderer: MeshRenderer;
  const requests: { url: string; served: boolean }[] = [];
  let box: MeshAsset;
  let engine: MeshAsset;
  let spider: MeshAsset;
  let boxViews: RenderedView[];
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'assay-test-mesh-render-'));
    [box, engine, spider] = await Promise.all([readModel(BOX_TEXTURED), readModel(ENGINE), readModel(SPIDER)]);
    renderer = await MeshRenderer.launch({ executablePath: CHROMIUM, onRequest: (url, served) => requests.push({ url, served }) });
    boxViews = await renderer.render(box);
  }, 180_000);
  afterAll(async () => {
    await renderer?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('renders 8 views at 512² by default, evenly spaced around the turntable', async () => {
    expect(boxViews.map((v) => [v.index, v.azimuthDeg, v.elevationDeg])).toEqual(
      [0, 45, 90, 135, 180, 225, 270, 315].map((az, i) => [i, az, 20]),
    );
    for (const view of boxViews) {
      const meta = await sharp(view.png).metadata();
      expect([meta.format, meta.width, meta.height, view.width, view.height]).toEqual(['png', 512, 512, 512, 512]);
    }
    boxViews.forEach((v) => writeFileSync(join(dir, `box-${v.index}.png`), v.png));
  });

  it('shows the texture: the box looks like its image, not like the white base colour', async () => {
    const texture = await meanColour(box.textures[0].bytes);
    const stats = await Promise.all(boxViews.map((v) => pixelStats(v.png)));
    const mean = [0, 1, 2].map((c) => stats.reduce((s, v) => s + v.objectMean[c], 0) / stats.length);
    // the image is green-blue on white (mean ≈ 155, 186, 176); the views' mean is within 1 of it here
    for (const c of [0, 1, 2]) expect(Math.abs(mean[c] - texture[c])).toBeLessThan(20);
    expect(mean[1] - mean[0]).toBeGreaterThan(15);
    expect(mean[2] - mean[0]).toBeGreaterThan(10);
  });

  it('falls back to the material factors when the texture is unreadable', async () => {
    const broken = { ...box, textures: box.textures.map((t) => ({ ...t, width: 0, height: 0, problem: 'corrupt PNG' })) };
    const [view] = await renderer.render(broken, { views: 1, size: 128 });
    const { objectMean, coverage } = await pixelStats(view.png);
    expect(coverage).toBeGreaterThan(0.1);
    // the base colour factor is white: grey shades, no green-blue cast
    expect(Math.max(...objectMean) - Math.min(...objectMean)).toBeLessThan(8);
  });

  it('frames the asset so it fills a sensible share of every view', async () => {
    for (const view of boxViews) {
      const { coverage } = await pixelStats(view.png);
      expect(coverage).toBeGreaterThan(0.1);
      expect(coverage).toBeLessThan(0.9);
    }
  });

  it('renders a ~120 k triangle asset, different from every azimuth', async () => {
    expect(triangleCount(engine)).toBeGreaterThan(100_000);
    const started = performance.now();
    const views = await renderer.render(engine);
    console.log(`2CylinderEngine (${triangleCount(engine)} triangles): 8 views at 512² in ${Math.round(performance.now() - started)} ms`);
    const distinct = new Set(views.map((v) => Buffer.from(v.png).toString('base64')));
    expect(distinct.size).toBe(8);
    for (const view of views) {
      const { coverage } = await pixelStats(view.png);
      expect(coverage).toBeGreaterThan(0.05);
      expect(coverage).toBeLessThan(0.9);
    }
  });

  it('renders the same asset to the same bytes twice', async () => {
    const options = { views: 4, size: 192, elevationDeg: 35, background: '#203040' };
    const first = await renderer.render(spider, options);
    const second = await renderer.render(spider, options);
    expect(second.map((v) => Buffer.from(v.png))).toEqual(first.map((v) => Buffer.from(v.png)));
    expect((await pixelStats(first[0].png)).coverage).toBeGreaterThan(0.02);
    expect(await meanColour(first[0].png)).not.toEqual(await meanColour(first[1].png));
  });

  it('asks for nothing but its own origin, and gets every file it asks for', () => {
    expect(requests.length).toBeGreaterThan(0);
    expect(requests.filter((r) => !r.url.startsWith('http://assay-render.local/') || !r.served)).toEqual([]);
    expect(new Set(requests.map((r) => new URL(r.url).pathname))).toEqual(
      new Set([
        '/',
        '/render-page.js',
        '/three/build/three.module.js',
        '/three/build/three.core.js',
        '/three/examples/jsm/environments/RoomEnvironment.js',
        '/geometry',
        '/textures/0',
      ]),
    );
  });

  it('lays the views out in a contact sheet', async () => {
    const small = await renderer.render(box, { views: 6, size: 128 });
    const grid = await sharp(await contactSheet(small)).metadata();
    expect([grid.format, grid.width, grid.height]).toEqual(['png', 4 * 128, 2 * 128]);
    const threeWide = await sharp(await contactSheet(small, { columns: 3, label: false })).metadata();
    expect([threeWide.width, threeWide.height]).toEqual([3 * 128, 2 * 128]);
    writeFileSync(join(dir, 'box-sheet.png'), await contactSheet(boxViews));
  });

  it('gives up on a render that takes too long, then renders the next asset', async () => {
    const err = await rejectionOf(renderer.render(engine, { timeoutMs: 50 }));
    expect(err).toBeInstanceOf(MeshRenderError);
    expect((err as MeshRenderError).code).toBe('render_timeout');
    expect(await renderer.render(box, { views: 1, size: 64 })).toHaveLength(1);
  });

  it('starts a new browser when its chromium died', async () => {
    const [browser] = chromiumChildren();
    process.kill(browser.pid, 'SIGKILL');
    await expect.poll(() => chromiumChildren().some((c) => c.pid === browser.pid), { timeout: 10_000 }).toBe(false);
    const views = await renderer.render(box, { views: 2, size: 64 });
    expect(views).toHaveLength(2);
    expect(chromiumChildren().map((c) => c.pid)).not.toContain(browser.pid);
  });

  it('shows the vertex colours of a PLY without a material as they are', async () => {
    const triangle = await readModel('PLY/float-color.ply'); // one pure blue triangle facing +z
    const [front] = await renderer.render(triangle, { views: 1, size: 128 });
    const { objectMean, coverage } = await pixelStats(front.png);
    expect(coverage).toBeGreaterThan(0.05);
    // pure blue under a white room: the specular reflection (4 % at normal incidence) lifts red and green to ~100
    expect(objectMean[2]).toBeGreaterThan(220);
    expect(objectMean[2] - Math.max(objectMean[0], objectMean[1])).toBeGreaterThan(110);
  });

  it('draws point clouds with their vertex colours', async () => {
    const points = await readModel('PLY/points.ply');
    expect(points.primitives.map((p) => p.mode)).toEqual(['points']);
    const [view] = await renderer.render(points, { views: 1, size: 256 });
    const { coverage } = await pixelStats(view.png);
    // a few 2×2-pixel dots
    expect(coverage).toBeGreaterThan(0);
    expect(coverage).toBeLessThan(0.01);
  });

  it('refuses an asset with nothing to frame', async () => {
    const empty: MeshAsset = {
      ...box,
      primitives: [{ mesh: 0, mode: 'triangles', positions: new Float32Array([NaN, 0, 0]), indices: new Uint32Array([0, 0, 0]) }],
    };
    const err = await rejectionOf(renderer.render(empty));
    expect((err as MeshRenderError).code).toBe('empty_asset');
  });
});

describe.skipIf(!CAN_RENDER)('MeshRenderer lifecycle', { timeout: 120_000 }, () => {
  it('reports a chromium without WebGL with a typed error', async () => {
    const renderer = await MeshRenderer.launch({ executablePath: CHROMIUM, args: ['--disable-webgl'] });
    try {
      const err = await rejectionOf(renderer.render(await readModel(SPIDER), { views: 1, size: 64 }));
      expect(err).toBeInstanceOf(MeshRenderError);
      expect((err as MeshRenderError).code).toBe('webgl_unavailable');
    } finally {
      await renderer.close();
    }
  });

  it('close() leaves no chromium process behind, and a new browser renders the same bytes', async () => {
    const spider = await readModel(SPIDER);
    const options = { views: 2, size: 128 };
    const renderer = await MeshRenderer.launch({ executablePath: CHROMIUM });
    const first = await renderer.render(spider, options);
    const [browser] = chromiumChildren();
    expect(processGroup(browser.pid).length).toBeGreaterThan(1); // the GPU, renderer and utility processes
    await renderer.close();
    expect(chromiumChildren()).toEqual([]);
    expect(processGroup(browser.pid)).toEqual([]);
    await expect(renderer.render(spider)).rejects.toThrow(/closed/);

    const again = await MeshRenderer.launch({ executablePath: CHROMIUM });
    try {
      const second = await again.render(spider, options);
      expect(second.map((v) => Buffer.from(v.png))).toEqual(first.map((v) => Buffer.from(v.png)));
    } finally {
      await again.close();
    }
  });
});
