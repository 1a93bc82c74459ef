import { ProbeError } from './probe-error';

/** Longest exp-Golomb prefix accepted: ue(v) values up to 2^32 - 2 (ITU-T H.264 9.1). */
const MAX_EXP_GOLOMB_LEADING_ZEROS = 31;

/**
 * Removes emulation prevention bytes: every 0x03 that follows two 0x00 bytes inside a NAL unit
 * (ITU-T H.264 7.3.1, 7.4.1). Returns the input itself when it has none, otherwise a new Buffer.
 */
export function unescapeRbsp(nal: Buffer): Buffer {
  let zeros = 0;
  let first = -1;
  for (let i = 0; i < nal.length; i++) {
    const byte = nal[i]!;
    if (zeros >= 2 && byte === 3) {
      first = i;
      break;
    }
    zeros = byte === 0 ? zeros + 1 : 0;
  }
  if (first < 0) return nal;
  const out = Buffer.allocUnsafe(nal.length - 1);
  nal.copy(out, 0, 0, first);
  let length = first;
  zeros = 0;
  for (let i = first + 1; i < nal.length; i++) {
    const byte = nal[i]!;
    if (zeros >= 2 && byte === 3) {
      zeros = 0;
      continue;
    }
    out[length++] = byte;
    zeros = byte === 0 ? zeros + 1 : 0;
  }
  return out.subarray(0, length);
}

/**
 * MSB-first bit reader over an RBSP or an AudioSpecificConfig. Every read is checked against the end of
 * the buffer: reading past it throws {@link ProbeError} naming `context` and the syntax element, so a
 * truncated or corrupt header never reads out of bounds and never loops unbounded.
 */
export class BitReader {
  private position = 0;

  /** @param context the structure being read, used as the start of every error's rule name. */
  constructor(
    private readonly bytes: Buffer,
    private readonly context: string,
  ) {}

  /** Bits not read yet. */
  get bitsLeft(): number {
    return this.bytes.length * 8 - this.position;
  }

  /** Reads an unsigned integer of `count` bits, 0 to 32 (u(n), ITU-T H.264 7.2). */
  u(count: number, element: string): number {
    this.require(count, element);
    let value = 0;
    for (let i = 0; i < count; i++) {
      const bit = (this.bytes[this.position >>> 3]! >>> (7 - (this.position & 7))) & 1;
      value = value * 2 + bit;
      this.position++;
    }
    return value;
  }

  /** Reads one bit as a boolean flag. */
  flag(element: string): boolean {
    return this.u(1, element) === 1;
  }

  /** Skips `count` bits. */
  skip(count: number, element: string): void {
    this.require(count, element);
    this.position += count;
  }

  /** Skips to the next byte boundary, counted from the start of the buffer (byte_alignment()). */
  alignToByte(element: string): void {
    this.skip((8 - (this.position & 7)) & 7, element);
  }

  /** Reads an unsigned exp-Golomb code ue(v) (ITU-T H.264 9.1); at most 31 leading zeros. */
  ue(element: string): number {
    let leadingZeros = 0;
    while (this.u(1, element) === 0) {
      if (++leadingZeros > MAX_EXP_GOLOMB_LEADING_ZEROS) {
        throw new ProbeError(`${this.context} ${element}`, 'exp-Golomb code longer than 32 bits');
      }
    }
    return 2 ** leadingZeros - 1 + this.u(leadingZeros, element);
  }

  /** Reads a signed exp-Golomb code se(v) (ITU-T H.264 9.1.1). */
  se(element: string): number {
    const code = this.ue(element);
    return code % 2 === 1 ? (code + 1) / 2 : -(code / 2);
  }

  /** Reads ue(v) and checks it against an inclusive upper bound from the spec's semantics. */
  ueMax(element: string, max: number): number {
    const value = this.ue(element);
    if (value > max) throw new ProbeError(`${this.context} ${element}`, `${value} is above ${max}`);
    return value;
  }

  private require(count: number, element: string): void {
    if (count > this.bitsLeft) {
      throw new ProbeError(
        `${this.context} ${element}`,
        `needs ${count} bits, ${this.bitsLeft} left (truncated)`,
      );
    }
  }
}
