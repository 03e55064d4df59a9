#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { readLocalApiKey } from '@assay/config';
import { AssayClient } from './client.js';
import { evalCommand } from './eval.js';

const USAGE = `usage: assay eval <folder-or-files...> [options]

Uploads the images, videos or audio files (one modality per run) as a new run, waits for their scores and
prints the run summary.

options:
  --run NAME              run name (default: eval-<timestamp>)
  --prompt-file FILE      JSONL lines {"file": "a.png", "prompt": "...", "attributes": {...}}
  --suite NAME            scoring suite (default: image-default, video-default or audio-default by the files)
  --model-version V       model version the assets come from (default: unknown)
  --concurrency N         parallel uploads (default: 4)
  --timeout SECONDS       how long to wait for scores (default: 600)
  --json                  print the summary as JSON
  --url URL               Assay API (default: $ASSAY_URL or http://127.0.0.1:8080)
  --api-key KEY           API key (default: $ASSAY_API_KEY, else the local key in $ASSAY_DATA_DIR/api-key)
`;

async function main(): Promise<number> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      run: { type: 'string' },
      'prompt-file': { type: 'string' },
      suite: { type: 'string' },
      'model-version': { type: 'string', default: 'unknown' },
      concurrency: { type: 'string', default: '4' },
      timeout: { type: 'string', default: '600' },
      json: { type: 'boolean', default: false },
      url: { type: 'string' },
      'api-key': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const [command, ...inputs] = positionals;
  if (values.help || command !== 'eval' || !inputs.length) {
    process.stderr.write(USAGE);
    return values.help ? 0 : 2;
  }
  const url = values.url ?? process.env.ASSAY_URL ?? `http://127.0.0.1:${process.env.PORT ?? 8080}`;
  const apiKey = values['api-key'] ?? process.env.ASSAY_API_KEY ?? readLocalApiKey(process.env.ASSAY_DATA_DIR ?? './data');
  if (!apiKey) {
    process.stderr.write('no API key: pass --api-key, set ASSAY_API_KEY, or run `npm start` here once (it creates data/api-key)\n');
    return 2;
  }
  await evalCommand(new AssayClient(url.replace(/\/$/, ''), apiKey), {
    inputs,
    run: values.run,
    promptFile: values['prompt-file'],
    suite: values.suite,
    modelVersion: values['model-version'],
    concurrency: Math.max(1, Number(values.concurrency) || 4),
    timeoutSeconds: Math.max(1, Number(values.timeout) || 600),
    json: values.json,
  });
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: Error) => {
    process.stderr.write(`assay: ${err.message}\n`);
    process.exit(1);
  },
);
