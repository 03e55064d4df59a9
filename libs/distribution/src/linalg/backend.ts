import { nativeLinalg, type NativeLinalg } from '@assay/linalg-native';

let active: NativeLinalg | undefined = nativeLinalg;

/**
 * Which kernels the heavy steps (co-moments, inner products, the congruence, eigenvalues) run on: the system's
 * OpenBLAS/LAPACK through @assay/linalg-native when it was built, else this package's TypeScript.
 */
export function linalgBackend(): 'openblas' | 'typescript' {
  return active ? 'openblas' : 'typescript';
}

/** Forces a backend (tests compare the two; benchmarks time both). `openblas` needs the addon. */
export function setLinalgBackend(backend: 'openblas' | 'typescript'): void {
  if (backend === 'openblas' && !nativeLinalg) throw new Error('the OpenBLAS addon is not built (npm run build; libopenblas-dev)');
  active = backend === 'openblas' ? nativeLinalg : undefined;
}

/** The native kernels when active. */
export const native = (): NativeLinalg | undefined => active;
