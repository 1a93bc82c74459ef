import { randomFillSync } from 'node:crypto';
import { findClientDigest, fillDigestS1, fillDigestS2 } from './handshake-digest';
import { HANDSHAKE_PACKET_SIZE, RTMP_VERSION } from './rtmp-constants';
import { RtmpProtocolError } from './rtmp-errors';

/** Result of feeding bytes to {@link ServerHandshake}. */
export interface HandshakeProgress {
  /** Bytes to send to the client now (S0+S1+S2, 3073 bytes), or null. */
  readonly reply: Buffer | null;
  /** True once C2 has been received: the chunk stream starts. */
  readonly done: boolean;
  /** Bytes that followed C2 in the fed buffer (the first chunks), or null. */
  readonly rest: Buffer | null;
}

/** States: awaiting C0+C1 → awaiting C2 → done. */
type HandshakeState = 'c0c1' | 'c2' | 'done';

const C0C1_SIZE = 1 + HANDSHAKE_PACKET_SIZE;

/**
 * Server side of the RTMP handshake (RTMP spec 1.0, 5.2), fed incrementally.
 *
 * On C0+C1 it answers S0+S1+S2 at once (GStreamer rtmp2 reads all three before sending C2):
 * - simple handshake (5.2.3, 5.2.4): S0 = 3, S1 = time 0 + zero + 1528 random bytes, S2 = C1 echoed;
 * - when C1 carries a valid Flash Player digest (ffmpeg sends one), the digest answer of
 *   `handshake-digest.ts` instead.
 * C2 is counted, not checked (clients disagree on its content). Holds at most 1537 bytes.
 */
export class ServerHandshake {
  private state: HandshakeState = 'c0c1';
  private readonly c0c1 = Buffer.allocUnsafe(C0C1_SIZE);
  private c0c1Filled = 0;
  private c2Remaining = HANDSHAKE_PACKET_SIZE;

  /** Whether C2 has been received. */
  get done(): boolean {
    return this.state === 'done';
  }

  /**
   * Consumes handshake bytes.
   * @throws RtmpProtocolError `unsupported-version` when C0 is not 3 (checked on the first byte, so a
   *   non-RTMP client such as an HTTP request fails at once), `reader-closed` when fed after completion
   */
  feed(data: Buffer): HandshakeProgress {
    let pos = 0;
    let reply: Buffer | null = null;
    if (this.state === 'done') throw new RtmpProtocolError('reader-closed', 'handshake already complete');
    if (this.state === 'c0c1' && data.length > 0) {
      if (this.c0c1Filled === 0 && data[0] !== RTMP_VERSION) {
        throw new RtmpProtocolError('unsupported-version', `C0 version ${data[0]}, only 3 is supported`);
      }
      const n = Math.min(C0C1_SIZE - this.c0c1Filled, data.length);
      data.copy(this.c0c1, this.c0c1Filled, 0, n);
      this.c0c1Filled += n;
      pos = n;
      if (this.c0c1Filled === C0C1_SIZE) {
        reply = this.answer(this.c0c1.subarray(1));
        this.state = 'c2';
      }
    }
    if (this.state === 'c2' && pos < data.length) {
      const n = Math.min(this.c2Remaining, data.length - pos);
      this.c2Remaining -= n;
      pos += n;
      if (this.c2Remaining === 0) this.state = 'done';
    }
    const rest = this.state === 'done' && pos < data.length ? data.subarray(pos) : null;
    return { reply, done: this.state === 'done', rest };
  }

  private answer(c1: Buffer): Buffer {
    const out = Buffer.allocUnsafe(1 + 2 * HANDSHAKE_PACKET_SIZE);
    out[0] = RTMP_VERSION;
    const s1 = out.subarray(1, 1 + HANDSHAKE_PACKET_SIZE);
    const s2 = out.subarray(1 + HANDSHAKE_PACKET_SIZE);
    const client = findClientDigest(c1);
    if (client) {
      fillDigestS1(s1, client.scheme);
      fillDigestS2(s2, client.digest);
    } else {
      s1.fill(0, 0, 8); // time 0, zero (5.2.3)
      randomFillSync(s1, 8);
      c1.copy(s2);
    }
    return out;
  }
}
