import { readdirSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { ErrorCode } from '@assay/contracts';
import { DEFAULT_MESH_LIMITS, parseMesh, readMesh } from '@assay/mesh-io';
import { HAVE_MODELS, model, rejectionOf, text, triangleCount, utf8 } from './mesh-fixtures.js';

/** OS threads of this process: a worker that was not terminated would keep one (Linux's /proc). */
const threads = () => readdirSync('/proc/self/task').length;

/** Spider_ascii.stl's facets repeated into one large ASCII STL: a real file that takes seconds to parse. */
function largeAsciiStl(copies: number): Uint8Array {
  const source = text(model('STL/Spider_ascii.stl'));
  const facets = source.slice(source.indexOf('facet'), source.lastIndexOf('endsolid'));
  return utf8(`solid big\n${facets.repeat(copies)}endsolid big\n`);
}

describe.skipIf(!HAVE_MODELS)('readMesh in a worker thread', () => {
  it('gives the same asset as parseMesh in-process, its arrays transferred', async () => {
    const bytes = model('glTF2/BoxTextured-glTF-Binary/BoxTextured.glb');
    const [inThread, inProcess] = await Promise.all([readMesh(bytes), parseMesh(bytes)]);
    expect(inThread.primitives[0].positions).toEqual(inProcess.primitives[0].positions);
    expect(inThread.primitives[0].positions).toBeInstanceOf(Float32Array);
    expect(inThread.textures[0].bytes).toBeInstanceOf(Uint8Array);
    // the caller's bytes are copied into the thread, not detached
    expect(bytes.byteLength).toBeGreaterThan(0);
  });

  it('terminates a parse that outlasts parseTimeoutMs (mesh_parse_timeout) and leaves no thread behind', async () => {
    const big = largeAsciiStl(150);
    await readMesh(model('STL/triangle.stl'));
    const before = threads();
    const started = Date.now();
    const err = await rejectionOf(readMesh(big, { limits: { ...DEFAULT_MESH_LIMITS, parseTimeoutMs: 300 } }));
    expect(err.code).toBe(ErrorCode.MeshParseTimeout);
    expect(err.message).toContain('300 ms');
    expect(Date.now() - started).toBeLessThan(3000);
    expect(threads()).toBeLessThanOrEqual(before);
    // the same file parses given the time
    expect(triangleCount(await readMesh(big))).toBe(1368 * 150);
  });

  it('terminates on abort, and refuses an already aborted signal without starting a thread', async () => {
    await readMesh(model('STL/triangle.stl'));
    const before = threads();
    const controller = new AbortController();
    const reading = rejectionOf(readMesh(largeAsciiStl(150), { signal: controller.signal }));
    await sleep(100);
    expect(threads()).toBeGreaterThan(before);
    controller.abort(new Error('the job was cancelled'));
    expect((await reading).message).toBe('the job was cancelled');
    expect(threads()).toBeLessThanOrEqual(before);
    const err = await rejectionOf(readMesh(model('STL/triangle.stl'), { signal: AbortSignal.abort() }));
    expect(err.name).toBe('AbortError');
  });

  it('answers the cheap refusals without a thread: size and unknown format', async () => {
    const size = await rejectionOf(readMesh(model('STL/triangle.stl'), { limits: { ...DEFAULT_MESH_LIMITS, maxBytes: 10 } }));
    expect(size.code).toBe(ErrorCode.MeshTooLarge);
    expect(size.message).toContain('exceeds the limit of 10');
    const format = await rejectionOf(readMesh(model('OBJ/SpiderTex.jpg'), { filename: 'SpiderTex.jpg', contentType: 'image/jpeg' }));
    expect(format.code).toBe(ErrorCode.UnsupportedMeshFormat);
  });
});
