import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { ModelManifest } from '@assay/models';
import { SHARED_MODELS, testEnv } from './helpers.js';

/** The CLI end to end: every command writes models whose manifests pass the schema and match their graphs. */
const BIN = fileURLToPath(new URL('../dist/bin.js', import.meta.url));
const { dir, host } = testEnv('model-tools-cli');
const cli = async (...args: string[]) =>
  JSON.parse((await promisify(execFile)(process.execPath, [BIN, ...args], { encoding: 'utf8' })).stdout);
const laion = (name: string) => join(SHARED_MODELS, 'laion-aesthetic', name);

const summaries: Record<string, { timings: Record<string, number> }> = {};

beforeAll(async () => {
  summaries.nsfwjs = await cli('convert-nsfwjs', '--out', dir);
  summaries.b32 = await cli(
    'convert-aesthetic',
    '--bin',
    laion('sa_0_4_vit_b_32_linear.f32le.bin'),
    '--clip-model',
    'clip-vit-b32-image',
    '--out',
    dir,
  );
  summaries.l14 = await cli(
    'convert-aesthetic',
    '--bin',
    laion('sa_0_4_vit_l_14_linear.f32le.bin'),
    '--clip-model',
    'clip-vit-l14-image',
    '--out',
    dir,
  );
  summaries.tiny = await cli('generate-tiny', '--out', dir, '--vocab', join(SHARED_MODELS, 'clip-bpe', 'bpe_simple_vocab_16e6.txt.gz'));
  console.log(
    `converter timings (ms): ${Object.entries(summaries)
      .map(([k, v]) => `${k} ${JSON.stringify(v.timings)}`)
      .join('; ')}`,
  );
}, 60_000);

describe('assay-model-tools CLI', () => {
  it('writes seven models, each manifest valid against the libs/models schema, hash and signature included', async () => {
    const manifests = readdirSync(dir)
      .filter((f) => f.endsWith('.model.yaml'))
      .sort();
    expect(manifests).toEqual(
      [
        'laion-aesthetic-vit-b32.model.yaml',
        'laion-aesthetic-vit-l14.model.yaml',
        'nsfw-mobilenet-v2.model.yaml',
        'tiny-aesthetic-head.model.yaml',
        'tiny-clip-image.model.yaml',
        'tiny-clip-text.model.yaml',
        'tiny-image-reward.model.yaml',
      ].sort(),
    );
    for (const file of manifests) {
      const parsed = ModelManifest.safeParse(parse(readFileSync(join(dir, file), 'utf8')));
      expect(parsed.error?.issues ?? [], file).toEqual([]);
      const m = parsed.data!;
      const onnx = join(dir, m.file);
      expect(createHash('sha256').update(readFileSync(onnx)).digest('hex'), file).toBe(m.sha256);
      const loaded = await host.load({ id: m.id, version: m.version, path: onnx });
      expect(loaded.inputs, file).toEqual(m.inputs.map((i) => ({ name: i.name, type: i.dtype, shape: i.shape })));
      expect(loaded.outputs, file).toEqual(m.outputs.map((o) => ({ name: o.name, type: o.dtype, shape: o.shape })));
      if (m.tokenizer) expect(existsSync(join(dir, m.tokenizer.vocab)), `${file}: ${m.tokenizer.vocab}`).toBe(true);
    }
  });

  it('links each embedding head to its CLIP model id, and the tiny head to a model of the same width', () => {
    const read = (id: string) => ModelManifest.parse(parse(readFileSync(join(dir, `${id}.model.yaml`), 'utf8')));
    expect(read('laion-aesthetic-vit-b32').inputs[0].from).toEqual({ model: 'clip-vit-b32-image', normalize: 'l2' });
    expect(read('laion-aesthetic-vit-l14').inputs[0].from).toEqual({ model: 'clip-vit-l14-image', normalize: 'l2' });
    const head = read('tiny-aesthetic-head');
    const image = read(head.inputs[0].from!.model);
    expect(image.outputs[0].shape).toEqual(head.inputs[0].shape);
    expect(read('nsfw-mobilenet-v2').outputs[0].labels).toEqual(['drawing', 'hentai', 'neutral', 'porn', 'sexy']);
  });

  // Debian's python3-onnx (.ci/run installs it)
  const python = process.env.PARITY_PYTHON ?? '/usr/bin/python3';
  it('writes graphs that pass onnx.checker.check_model(full_check=True)', async () => {
    const files = readdirSync(dir).filter((f) => f.endsWith('.onnx'));
    expect(files).toHaveLength(7);
    const script =
      'import sys, onnx\nfor p in sys.argv[1:]:\n    onnx.checker.check_model(onnx.load(p), full_check=True)\nprint("ok", len(sys.argv) - 1)';
    const { stdout } = await promisify(execFile)(python, ['-c', script, ...files.map((f) => join(dir, f))], { encoding: 'utf8' });
    expect(stdout.trim()).toBe('ok 7');
  });

  it('exits 2 with the usage on a bad command line', async () => {
    for (const args of [
      ['bogus'],
      ['generate-tiny'],
      ['convert-aesthetic', '--out', dir],
      ['generate-tiny', '--out', dir, '--seed', 'x'],
      ['convert-nsfwjs', '--nope'],
    ]) {
      const err = await promisify(execFile)(process.execPath, [BIN, ...args], { encoding: 'utf8' }).catch(
        (e: { code: number; stderr: string }) => e,
      );
      expect(err, args.join(' ')).toMatchObject({ code: 2, stderr: expect.stringMatching(/usage:/) });
    }
  });
});
