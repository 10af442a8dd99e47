/**
 * ZooKeeper's wire encoding (jute): big-endian ints and longs, length-prefixed buffers and strings, vectors.
 * Only what the client in ./client.ts sends and reads.
 */
export class JuteWriter {
  readonly #parts: Buffer[] = [];
  int(value: number): this {
    const b = Buffer.alloc(4);
    b.writeInt32BE(value, 0);
    this.#parts.push(b);
    return this;
  }
  long(value: bigint): this {
    const b = Buffer.alloc(8);
    b.writeBigInt64BE(value, 0);
    this.#parts.push(b);
    return this;
  }
  bool(value: boolean): this {
    this.#parts.push(Buffer.from([value ? 1 : 0]));
    return this;
  }
  buffer(value: Buffer | undefined): this {
    if (value === undefined) return this.int(-1);
    this.int(value.length);
    this.#parts.push(value);
    return this;
  }
  string(value: string): this {
    return this.buffer(Buffer.from(value, "utf8"));
  }
  /** The message with its 4-byte length prefix. */
  framed(): Buffer {
    const body = Buffer.concat(this.#parts);
    const length = Buffer.alloc(4);
    length.writeInt32BE(body.length, 0);
    return Buffer.concat([length, body]);
  }
}

export class JuteReader {
  #offset = 0;
  constructor(readonly bytes: Buffer) {}
  int(): number {
    const v = this.bytes.readInt32BE(this.#offset);
    this.#offset += 4;
    return v;
  }
  long(): bigint {
    const v = this.bytes.readBigInt64BE(this.#offset);
    this.#offset += 8;
    return v;
  }
  bool(): boolean {
    return this.bytes[this.#offset++] !== 0;
  }
  buffer(): Buffer | undefined {
    const length = this.int();
    if (length < 0) return undefined;
    if (this.#offset + length > this.bytes.length) throw new RangeError("jute buffer past the end of the message");
    const v = this.bytes.subarray(this.#offset, this.#offset + length);
    this.#offset += length;
    return v;
  }
  string(): string {
    return (this.buffer() ?? Buffer.alloc(0)).toString("utf8");
  }
  strings(): string[] {
    const count = this.int();
    const out: string[] = [];
    for (let i = 0; i < count; i++) out.push(this.string());
    return out;
  }
  skip(bytes: number): void {
    this.#offset += bytes;
  }
  get remaining(): number {
    return this.bytes.length - this.#offset;
  }
}
