/**
 * Luma as OpenCV 4's `cvtColor(RGB2GRAY)` computes it for 8-bit input: BT.601 weights in 15-bit fixed
 * point (9798, 19235, 3735), rounded — verified pixel for pixel against OpenCV 4.6 on the parity set.
 * Matching it exactly keeps our numbers comparable with the usual OpenCV recipes.
 */
export function luma8(rgb: Uint8Array, pixels: number): Uint8Array {
  const out = new Uint8Array(pixels);
  for (let i = 0, j = 0; i < pixels; i++, j += 3) {
    out[i] = (rgb[j] * 9798 + rgb[j + 1] * 19235 + rgb[j + 2] * 3735 + 16384) >> 15;
  }
  return out;
}

const lumaCache = new WeakMap<Uint8Array, Uint8Array>();

/** Luma of a decoded image, computed once per image however many metrics ask. */
export function lumaOf(image: { width: number; height: number; rgb: Uint8Array }): Uint8Array {
  let y = lumaCache.get(image.rgb);
  if (!y) {
    y = luma8(image.rgb, image.width * image.height);
    lumaCache.set(image.rgb, y);
  }
  return y;
}
