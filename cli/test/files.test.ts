import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AssetId, MODALITIES, MODALITY_DESCRIPTORS } from '@assay/contracts';
import { runCli } from '../dist/cli.js';
import { collectAssets, describeSkipped, FILE_TYPES, isAssetId } from '../dist/files.js';
import { captured } from './helpers.js';

const root = mkdtempSync(join(tmpdir(), 'assay-cli-files-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A folder with the given files (relative paths; content is irrelevant to collecting). */
function folder(name: string, files: string[]): string {
  const dir = join(root, name);
  for (const f of files) {
    mkdirSync(join(dir, f, '..'), { recursive: true });
    writeFileSync(join(dir, f), 'x');
  }
  return dir;
}

describe('collecting the files to evaluate', () => {
  it('takes supported files recursively (ids relative to the folder) and lists every other one with its reason', () => {
    const dir = folder('mixed', ['a.png', 'sub/b.JPG', 'notes.txt', 'sub/model.bin', 'README', '.DS_Store', '.git/HEAD', 'photo (1).png']);
    symlinkSync(join(dir, 'sub'), join(dir, 'loop')); // a link to a folder is followed
    symlinkSync(dir, join(dir, 'sub', 'back')); // one to a folder that contains it is not: it would never end
    const { assets, skipped } = collectAssets([dir]);
    expect(assets.map((a) => [a.assetId, a.contentType, a.modality])).toEqual([
      ['a.png', 'image/png', 'image'],
      ['loop/b.JPG', 'image/jpeg', 'image'],
      ['sub/b.JPG', 'image/jpeg', 'image'],
    ]);
    expect(skipped.map((s) => [s.name, s.reason])).toEqual([
      ['.DS_Store', 'hidden'],
      ['.git/', 'hidden'],
      ['loop/back/', 'cycle'],
      ['loop/model.bin', 'unsupported'],
      ['notes.txt', 'unsupported'],
      ['photo (1).png', 'bad-name'],
      ['README', 'unsupported'],
      ['sub/back/', 'cycle'],
      ['sub/model.bin', 'unsupported'],
    ]);
    expect(describeSkipped(skipped)).toEqual([
      'skipped 4 files with other extensions (not image, video, audio or 3D): loop/model.bin, notes.txt, README, sub/model.bin',
      'skipped 2 hidden files or folders: .DS_Store, .git/',
      'skipped 2 links to a folder that contains them: loop/back/, sub/back/',
      'skipped 1 file whose name cannot be an asset id (letters, digits, space and . - / : @ + = ~ _ only, at most 256): photo (1).png',
    ]);
  });

  it('lists at most ten names per reason, then how many more', () => {
    const skipped = Array.from({ length: 13 }, (_, i) => ({ name: `f${i}.txt`, path: `f${i}.txt`, reason: 'unsupported' as const }));
    expect(describeSkipped(skipped)).toEqual([
      `skipped 13 files with other extensions (not image, video, audio or 3D): ${skipped
        .slice(0, 10)
        .map((s) => s.name)
        .join(', ')}, and 3 more`,
    ]);
  });

  it('files given directly keep their name as id; two files with one id are refused, the same file twice is one asset', () => {
    const a = folder('one', ['x.png', 'clip.mp4']);
    const b = folder('two', ['x.png']);
    expect(collectAssets([join(a, 'x.png'), join(a, 'clip.mp4')]).assets.map((x) => [x.assetId, x.modality])).toEqual([
      ['clip.mp4', 'video'],
      ['x.png', 'image'],
    ]);
    expect(collectAssets([a, join(a, 'x.png')]).assets.map((x) => x.assetId)).toEqual(['clip.mp4', 'x.png']);
    expect(() => collectAssets([a, b])).toThrow(
      `two files would have the same asset id "x.png": ${join(a, 'x.png')} and ${join(b, 'x.png')}`,
    );
  });

  it('a missing path is one message naming every missing one, before anything else', () => {
    expect(() => collectAssets([root, join(root, 'nope'), 'also-nope'])).toThrow(
      `no such file or folder: ${join(root, 'nope')}, also-nope`,
    );
  });

  it("the CLI's asset id rule is the API's (libs/contracts AssetId)", () => {
    const names = [
      'a.png',
      'dir/b c.jpg',
      'x:y@z+w=v~u_t-s.png',
      'photo (1).png',
      'café.png',
      'a,b.png',
      'semi;colon.png',
      'q?.png',
      'x'.repeat(256),
      'x'.repeat(257),
      '',
    ];
    for (const name of names) expect([name, isAssetId(name)]).toEqual([name, AssetId.safeParse(name).success]);
  });

  it("the CLI's file types are the modality descriptors' (libs/contracts MODALITY_DESCRIPTORS)", () => {
    const described = MODALITIES.flatMap((modality) =>
      Object.entries(MODALITY_DESCRIPTORS[modality].files).map(([ext, contentType]) => [ext, { contentType, modality }] as const),
    );
    expect(FILE_TYPES).toEqual(Object.fromEntries(described));
    expect(FILE_TYPES['.glb']).toEqual({ contentType: 'model/gltf-binary', modality: '3d' });
  });
});

describe('assay eval lists what it skips, before it needs a service', () => {
  it('on stderr, leaving out the prompt file; a folder with nothing to score is exit 2', async () => {
    const dir = folder('nothing', ['notes.txt', 'prompts.jsonl', '.hidden']);
    writeFileSync(join(dir, 'prompts.jsonl'), '{"file": "a.png", "prompt": "p"}\n');
    const ctx = captured({ HOME: '/nonexistent' });
    expect(await runCli(['eval', dir, '--prompt-file', join(dir, 'prompts.jsonl')], ctx)).toBe(2);
    expect(ctx.err.text).toBe(
      [
        'skipped 1 file with other extensions (not image, video, audio or 3D): notes.txt',
        'skipped 1 hidden file or folder: .hidden',
        `assay eval: no image, video, audio or 3D files in ${dir}`,
        '',
      ].join('\n'),
    );
  });

  it('one modality per run', async () => {
    const dir = folder('both', ['a.png', 'b.wav']);
    const ctx = captured({ HOME: '/nonexistent' });
    expect(await runCli(['eval', dir], ctx)).toBe(2);
    expect(ctx.err.text).toBe('assay eval: one modality per run: found image, audio files; evaluate them as separate runs\n');
  });
});
