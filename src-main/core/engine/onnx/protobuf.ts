// A minimal protobuf (proto3 wire format) writer: varints, 32-bit floats and length-delimited fields,
// enough to encode the ONNX messages in onnx-proto.ts. Written by hand rather than a dependency: the
// studio only ever writes a handful of message types and never parses one.

/** Wire types (the low 3 bits of a field's tag). */
const VARINT = 0;
const LEN = 2;
const I32 = 5;

/** Appends one varint (non-negative integers up to 2^53, negatives as 64-bit two's complement). */
function pushVarint(out: number[], n: number): void {
  if (!Number.isSafeInteger(n)) throw new RangeError(`protobuf: ${n} is not a safe integer`);
  if (n < 0) {
    // int64 negatives take ten bytes: the 64-bit two's complement, 7 bits at a time.
    let u = BigInt.asUintN(64, BigInt(n));
    while (u >= 0x80n) {
      out.push(Number(u & 0x7fn) | 0x80);
      u >>= 7n;
    }
    out.push(Number(u));
    return;
  }
  while (n >= 0x80) {
    out.push((n % 0x80) | 0x80);
    n = Math.floor(n / 0x80);
  }
  out.push(n);
}

export class ProtoWriter {
  /** Finished chunks; large byte fields (weights) are kept by reference, not copied until finish(). */
  private readonly chunks: Uint8Array[] = [];
  private pending: number[] = [];
  private size = 0;

  private flush(): void {
    if (this.pending.length === 0) return;
    this.chunks.push(Uint8Array.from(this.pending));
    this.size += this.pending.length;
    this.pending = [];
  }

  private tag(field: number, wire: number): void {
    pushVarint(this.pending, field * 8 + wire);
  }

  /** int32, int64, enum and bool fields (proto3 omits zeros, but writing them is also valid). */
  varint(field: number, n: number): this {
    this.tag(field, VARINT);
    pushVarint(this.pending, n);
    return this;
  }

  float(field: number, x: number): this {
    this.tag(field, I32);
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, x, true);
    this.pending.push(...b);
    return this;
  }

  bytes(field: number, data: Uint8Array): this {
    this.tag(field, LEN);
    pushVarint(this.pending, data.length);
    this.flush();
    this.chunks.push(data);
    this.size += data.length;
    return this;
  }

  string(field: number, s: string): this {
    return this.bytes(field, new TextEncoder().encode(s));
  }

  /** A repeated integer field, packed (proto3's default encoding for repeated scalars). */
  packedVarints(field: number, ns: readonly number[]): this {
    const body: number[] = [];
    for (const n of ns) pushVarint(body, n);
    return this.bytes(field, Uint8Array.from(body));
  }

  /** An embedded message written by `write` into its own writer. */
  message(field: number, write: (w: ProtoWriter) => void): this {
    const w = new ProtoWriter();
    write(w);
    return this.bytes(field, w.finish());
  }

  finish(): Uint8Array {
    this.flush();
    if (this.chunks.length === 1) return this.chunks[0]!;
    const out = new Uint8Array(this.size);
    let at = 0;
    for (const c of this.chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  }
}
