import { zipSync } from 'fflate';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { ErrorCode } from '@assay/contracts';
import { DEFAULT_MESH_LIMITS, detectMeshFormat, readMesh } from '@assay/mesh-io';
import { HAVE_MODELS, model, rejectionOf, triangleCount, utf8, zipModels } from './mesh-fixtures.js';

const SPIDER = ['spider.obj', 'spider.mtl', 'SpiderTex.jpg', 'drkwood2.jpg', 'engineflare1.jpg', 'wal67ar_small.jpg', 'wal69ar_small.jpg'];

describe.skipIf(!HAVE_MODELS)('.zip bundles', () => {
  it('reads spider.obj with its MTL (backslash texture paths) and JPEG textures', async () => {
    const bundle = zipModels('OBJ', SPIDER);
    expect(detectMeshFormat(bundle, 'spider.zip')).toBe('zip');
    const asset = await readMesh(bundle, { filename: 'spider.zip' });
    expect(asset.format).toBe('obj');
    expect(asset.warnings).toEqual([]);
    // Brusttex is defined but no face uses it
    expect(asset.materials.map((m) => m.name)).toEqual(['HLeibTex', 'Skin', 'BeinTex', 'Augentex']);
    expect(asset.materials[1].baseColorFactor).toEqual([0.827451, 0.792157, 0.772549, 1]);
    const textureOf = (name: string) => asset.textures[asset.materials.find((m) => m.name === name)!.textures.baseColor!.texture];
    expect(textureOf('Skin')).toMatchObject({ name: 'wal67ar_small.jpg', mimeType: 'image/jpeg', width: 250, height: 250 });
    expect(textureOf('HLeibTex')).toMatchObject({ name: 'SpiderTex.jpg', width: 249, height: 250 });
    expect(textureOf('BeinTex')).toMatchObject({ name: 'drkwood2.jpg', width: 768, height: 768 });
    expect(asset.primitives.every((p) => p.material !== undefined)).toBe(true);
    // sizes come from the JPEG headers: they agree with libvips
    for (const t of asset.textures) expect(await sharp(t.bytes).metadata()).toMatchObject({ width: t.width, height: t.height });
  });

  it('reads a bundle under a folder, ignoring __MACOSX and hidden files', async () => {
    const bundle = zipSync({
      'box/box.obj': model('OBJ/box.obj'),
      '__MACOSX/box/._box.obj': utf8('resource fork'),
      'box/.hidden.stl': model('STL/triangle.stl'),
    });
    const asset = await readMesh(bundle, { filename: 'box.zip' });
    expect(asset.format).toBe('obj');
    expect(triangleCount(asset)).toBe(12);
  });

  it('refuses no mesh file, or several, naming them', async () => {
    const none = await rejectionOf(readMesh(zipModels('OBJ', ['spider.mtl'])));
    expect(none.code).toBe(ErrorCode.BundleInvalid);
    const several = await rejectionOf(readMesh(zipModels('OBJ', ['box.obj', 'testline.obj'])));
    expect(several.code).toBe(ErrorCode.BundleInvalid);
    expect(several.message).toContain('box.obj, testline.obj');
  });

  it('refuses entry paths that escape: ../, absolute, drive letters and backslashes', async () => {
    for (const name of ['../evil.obj', 'a/../../evil.obj', '/etc/evil.obj', 'C:/evil.obj', '..\\evil.obj']) {
      const err = await rejectionOf(readMesh(zipSync({ [name]: model('OBJ/box.obj') }), { filename: 'evil.zip' }));
      expect(err.code).toBe(ErrorCode.BundleInvalid);
      expect(err.message).toContain(name);
    }
  });

  it('refuses a zip bomb (200 MB of zeros in one entry) by its ratio, counted while inflating', async () => {
    const bomb = zipSync({ 'box.obj': model('OBJ/box.obj'), 'zeros.bin': new Uint8Array(200 * 1024 * 1024) }, { level: 9 });
    expect(bomb.length).toBeLessThan(1024 * 1024);
    const started = Date.now();
    const err = await rejectionOf(readMesh(bomb, { filename: 'bomb.zip' }));
    expect(err.code).toBe(ErrorCode.BundleInvalid);
    expect(err.message).toMatch(/more than 100 times its compressed size.*zeros\.bin/);
    expect(Date.now() - started).toBeLessThan(10_000);
    const bytes = await rejectionOf(
      readMesh(bomb, {
        limits: { ...DEFAULT_MESH_LIMITS, bundle: { ...DEFAULT_MESH_LIMITS.bundle, maxCompressionRatio: 1e6, maxUncompressedBytes: 50e6 } },
      }),
    );
    expect(bytes.code).toBe(ErrorCode.BundleInvalid);
    expect(bytes.message).toContain('more than 50000000 bytes');
  });

  it('refuses too many entries from the central directory', async () => {
    const files: Record<string, Uint8Array> = { 'box.obj': model('OBJ/box.obj') };
    for (let i = 0; i < 600; i++) files[`notes/${i}.txt`] = utf8(String(i));
    const err = await rejectionOf(readMesh(zipSync(files)));
    expect(err.code).toBe(ErrorCode.BundleInvalid);
    expect(err.message).toContain('601 entries, more than the limit of 512');
  });

  it('refuses a truncated zip', async () => {
    const err = await rejectionOf(readMesh(zipModels('OBJ', SPIDER).subarray(0, 5000), { filename: 'spider.zip' }));
    expect(err.code).toBe(ErrorCode.BundleInvalid);
  });
});
