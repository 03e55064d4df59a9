#!/usr/bin/env node
/**
 * assay-model-tools: writes ONNX models and their manifests into --out.
 *   convert-nsfwjs    --out DIR [--id ID]
 *   convert-aesthetic --bin FILE.f32le.bin --clip-model ID --out DIR [--id ID]
 *   generate-tiny     --out DIR [--seed N] [--vocab bpe_simple_vocab_16e6.txt.gz]
 * Prints a JSON summary (files, sha256, timings) on stdout.
 */
import { parseArgs } from 'node:util';
import { convertAesthetic } from './aesthetic.js';
import { convertNsfwjs } from './nsfwjs/convert.js';
import { generateTiny } from './tiny/generate.js';

const USAGE = `usage:
  assay-model-tools convert-nsfwjs --out DIR [--id ID]
  assay-model-tools convert-aesthetic --bin FILE.f32le.bin --clip-model ID --out DIR [--id ID]
  assay-model-tools generate-tiny --out DIR [--seed N] [--vocab FILE]`;

class UsageError extends Error {}

function run(argv: string[]): unknown {
  const [command, ...rest] = argv;
  const { values } = parseArgs({
    args: rest,
    options: {
      out: { type: 'string' },
      id: { type: 'string' },
      bin: { type: 'string' },
      'clip-model': { type: 'string' },
      seed: { type: 'string' },
      vocab: { type: 'string' },
    },
    strict: true,
  });
  const need = (name: keyof typeof values): string => {
    const v = values[name];
    if (!v) throw new UsageError(`${command} needs --${name}`);
    return v;
  };
  switch (command) {
    case 'convert-nsfwjs':
      return convertNsfwjs({ outDir: need('out'), id: values.id });
    case 'convert-aesthetic':
      return convertAesthetic({ bin: need('bin'), clipModel: need('clip-model'), outDir: need('out'), id: values.id });
    case 'generate-tiny': {
      const seed = values.seed === undefined ? undefined : Number(values.seed);
      if (seed !== undefined && !Number.isInteger(seed)) throw new UsageError('--seed must be an integer');
      return generateTiny({ outDir: need('out'), seed, vocab: values.vocab });
    }
    default:
      throw new UsageError(command ? `unknown command ${command}` : 'no command');
  }
}

try {
  console.log(JSON.stringify(run(process.argv.slice(2)), null, 2));
} catch (err) {
  const usage = err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
  console.error(`assay-model-tools: ${(err as Error).message}${usage ? `\n${USAGE}` : ''}`);
  process.exitCode = usage ? 2 : 1;
}
