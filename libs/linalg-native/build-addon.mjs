// Part of `npm run build`: compiles the optional BLAS/LAPACK addon with node-gyp (the copy bundled with npm),
// against Node's headers (npm_config_nodedir, as npm sets it for scripts) and the system's OpenBLAS. Skipped
// when it is up to date; a failure is reported and the build goes on: @assay/distribution then computes in
// TypeScript (same results, slower).
import { execFileSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const addon = join(here, 'build', 'Release', 'assay_linalg.node');
const sources = ['native/linalg.c', 'binding.gyp'].map((f) => join(here, f));
const fresh = existsSync(addon) && sources.every((s) => statSync(s).mtimeMs <= statSync(addon).mtimeMs);
if (!fresh) {
  const npmRoot = execFileSync('npm', ['root', '-g'], { encoding: 'utf8' }).trim();
  const gyp = join(npmRoot, 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
  try {
    if (!existsSync('/usr/include/x86_64-linux-gnu/cblas.h') && !existsSync('/usr/include/cblas.h'))
      throw new Error('no cblas.h: install libopenblas-dev');
    execFileSync(process.execPath, [gyp, 'rebuild'], { cwd: here, stdio: ['ignore', 'ignore', 'pipe'] });
    console.log('linalg-native: built the OpenBLAS/LAPACK addon');
  } catch (err) {
    console.warn(`linalg-native: addon not built (${String(err.message ?? err).split('\n')[0]}); distribution metrics use TypeScript`);
  }
}
