/** Column-major 4×4 matrices, as glTF stores them. */
export type Mat4 = readonly number[];

export const IDENTITY: Mat4 = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1];

export function multiply(a: Mat4, b: Mat4): number[] {
  const out = new Array<number>(16);
  for (let col = 0; col < 4; col++)
    for (let row = 0; row < 4; row++) {
      let sum = 0;
      for (let k = 0; k < 4; k++) sum += a[k * 4 + row] * b[col * 4 + k];
      out[col * 4 + row] = sum;
    }
  return out;
}

export function isIdentity(m: Mat4): boolean {
  return m.every((v, i) => v === IDENTITY[i]);
}

/** Determinant of the upper 3×3: negative when the transform mirrors (triangle winding flips). */
export function determinant3(m: Mat4): number {
  return m[0] * (m[5] * m[10] - m[9] * m[6]) - m[4] * (m[1] * m[10] - m[9] * m[2]) + m[8] * (m[1] * m[6] - m[5] * m[2]);
}

/** The inverse transpose of the upper 3×3 (column-major 3×3), which carries normals; zero for a singular matrix. */
export function normalMatrix(m: Mat4): number[] {
  const det = determinant3(m);
  const s = det === 0 ? 0 : 1 / det;
  // the cofactor matrix over the determinant is the inverse transpose
  return [
    (m[5] * m[10] - m[6] * m[9]) * s,
    (m[8] * m[6] - m[4] * m[10]) * s,
    (m[4] * m[9] - m[8] * m[5]) * s,
    (m[9] * m[2] - m[1] * m[10]) * s,
    (m[0] * m[10] - m[8] * m[2]) * s,
    (m[8] * m[1] - m[0] * m[9]) * s,
    (m[1] * m[6] - m[5] * m[2]) * s,
    (m[4] * m[2] - m[0] * m[6]) * s,
    (m[0] * m[5] - m[4] * m[1]) * s,
  ];
}

export function transformPoints(points: Float32Array, m: Mat4): void {
  for (let i = 0; i < points.length; i += 3) {
    const x = points[i];
    const y = points[i + 1];
    const z = points[i + 2];
    points[i] = m[0] * x + m[4] * y + m[8] * z + m[12];
    points[i + 1] = m[1] * x + m[5] * y + m[9] * z + m[13];
    points[i + 2] = m[2] * x + m[6] * y + m[10] * z + m[14];
  }
}

export function transformVectors(vectors: Float32Array, n: number[]): void {
  for (let i = 0; i < vectors.length; i += 3) {
    const x = vectors[i];
    const y = vectors[i + 1];
    const z = vectors[i + 2];
    vectors[i] = n[0] * x + n[3] * y + n[6] * z;
    vectors[i + 1] = n[1] * x + n[4] * y + n[7] * z;
    vectors[i + 2] = n[2] * x + n[5] * y + n[8] * z;
  }
}
