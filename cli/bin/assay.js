#!/usr/bin/env node
// `npx assay` entry. npm links bins at install time, before `npm run build` compiles the CLI, so the
// link must point at a file that exists in a fresh clone; it loads the compiled CLI.
import('../dist/main.js').catch((err) => {
  if (err && err.code === 'ERR_MODULE_NOT_FOUND' && String(err.message).includes('dist/main.js')) {
    process.stderr.write('assay: the CLI is not built yet; run `npm run build` (or `npm start`) first\n');
    process.exit(1);
  }
  throw err;
});
