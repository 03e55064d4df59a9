import { describe, expect, it } from 'vitest';
import { ProtoWriter } from '@assay/onnx-builder';

const hex = (w: ProtoWriter) => Buffer.from(w.finish()).toString('hex');

describe('ProtoWriter', () => {
  it('writes the examples of the protobuf encoding guide', () => {
    expect(hex(new ProtoWriter().int(1, 150))).toBe('089601');
    expect(hex(new ProtoWriter().string(2, 'testing'))).toBe('120774657374696e67');
    expect(hex(new ProtoWriter().packedVarints(4, [3, 270, 86942]))).toBe('2206038e029ea705');
  });

  it('encodes varints past 32 bits and sign-extends negative values to ten bytes', () => {
    expect(hex(new ProtoWriter().varint(0))).toBe('00');
    expect(hex(new ProtoWriter().varint(300))).toBe('ac02');
    expect(hex(new ProtoWriter().varint(2 ** 32))).toBe('8080808010');
    expect(hex(new ProtoWriter().varint(Number.MAX_SAFE_INTEGER))).toBe('ffffffffffffff0f');
    expect(hex(new ProtoWriter().varint(-1))).toBe('ffffffffffffffffff01');
    expect(hex(new ProtoWriter().varint(-2n))).toBe('feffffffffffffffff01');
    expect(hex(new ProtoWriter().varint(2n ** 63n - 1n))).toBe('ffffffffffffffff7f');
    expect(() => new ProtoWriter().varint(1.5)).toThrow(/not a safe integer/);
    expect(() => new ProtoWriter().varint(2n ** 64n)).toThrow(/64 bits/);
  });

  it('writes floats as little-endian fixed32 and nests messages with a length prefix', () => {
    expect(hex(new ProtoWriter().float(2, 1))).toBe('150000803f');
    expect(hex(new ProtoWriter().packedFloats(7, [1, -2]))).toBe('3a080000803f000000c0');
    expect(hex(new ProtoWriter().message(3, (m) => m.int(1, 150)))).toBe('1a03089601');
  });

  it('grows its buffer for large payloads', () => {
    const data = new Uint8Array(100_000).map((_, i) => i % 251);
    const out = new ProtoWriter().bytes(1, data).finish();
    expect(out.length).toBe(1 + 3 + data.length);
    expect(Buffer.from(out.subarray(4)).equals(Buffer.from(data))).toBe(true);
  });
});
