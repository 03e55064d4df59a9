/**
 * The protobuf wire format, encode side only, for the few field kinds ONNX needs: varint (int32, int64,
 * enums), fixed32 (float), and length-delimited (strings, bytes, nested messages, packed arrays).
 */

const WireType = { Varint: 0, LengthDelimited: 2, Fixed32: 5 } as const;
type WireType = (typeof WireType)[keyof typeof WireType];

const utf8 = new TextEncoder();
const TWO_POW_63 = 2n ** 63n;

export class ProtoWriter {
  private buf = new Uint8Array(64);
  private len = 0;

  private reserve(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }

  private byte(b: number): void {
    this.reserve(1);
    this.buf[this.len++] = b;
  }

  /**
   * An unsigned varint. Negative int32/int64 values are sign-extended to 64 bits, as protobuf does, so they
   * always take ten bytes.
   */
  varint(value: number | bigint): this {
    if (typeof value === 'number') {
      if (!Number.isSafeInteger(value)) throw new RangeError(`varint: ${value} is not a safe integer`);
      if (value >= 0) {
        // plain arithmetic: bit operators would truncate to 32 bits
        while (value >= 0x80) {
          this.byte((value % 0x80) | 0x80);
          value = Math.floor(value / 0x80);
        }
        this.byte(value);
        return this;
      }
      value = BigInt(value);
    }
    if (value < -TWO_POW_63 || value >= 2n ** 64n) throw new RangeError(`varint: ${value} does not fit in 64 bits`);
    let v = BigInt.asUintN(64, value);
    while (v >= 0x80n) {
      this.byte(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    this.byte(Number(v));
    return this;
  }

  private tag(field: number, wire: WireType): void {
    this.varint(field * 8 + wire);
  }

  /** int32, int64 and enum fields share the varint encoding. */
  int(field: number, value: number | bigint): this {
    this.tag(field, WireType.Varint);
    return this.varint(value);
  }

  float(field: number, value: number): this {
    this.tag(field, WireType.Fixed32);
    this.reserve(4);
    new DataView(this.buf.buffer, this.buf.byteOffset + this.len, 4).setFloat32(0, value, true);
    this.len += 4;
    return this;
  }

  bytes(field: number, data: Uint8Array): this {
    this.tag(field, WireType.LengthDelimited);
    this.varint(data.byteLength);
    this.reserve(data.byteLength);
    this.buf.set(data, this.len);
    this.len += data.byteLength;
    return this;
  }

  string(field: number, value: string): this {
    return this.bytes(field, utf8.encode(value));
  }

  /** A nested message: encoded on its own first, since its length prefix comes before it. */
  message(field: number, encode: (w: ProtoWriter) => void): this {
    const inner = new ProtoWriter();
    encode(inner);
    return this.bytes(field, inner.finish());
  }

  packedVarints(field: number, values: ArrayLike<number | bigint>): this {
    const inner = new ProtoWriter();
    for (let i = 0; i < values.length; i++) inner.varint(values[i]);
    return this.bytes(field, inner.finish());
  }

  packedFloats(field: number, values: ArrayLike<number>): this {
    const data = new Uint8Array(values.length * 4);
    const view = new DataView(data.buffer);
    for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i], true);
    return this.bytes(field, data);
  }

  finish(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}
