import { createHmac, randomFillSync } from 'node:crypto';
import { HANDSHAKE_PACKET_SIZE } from './rtmp-constants';

/**
 * The "complex" (digest, Flash Player 9+) handshake: HMAC-SHA256 digests hidden in C1/S1 and a signature
 * at the end of S2. Not part of the published RTMP spec 1.0; the scheme is the one Flash Player, FMS,
 * ffmpeg and nginx-rtmp implement. No publisher we target requires it (ffmpeg checks S1/S2 only when
 * playing, librtmp only for RTMPE/SWF verification, GStreamer rtmp2 never), but a client that sends a
 * digest gets a digest back, as from FMS.
 */

const DIGEST_SIZE = 32;
const SIGNATURE_OFFSET = HANDSHAKE_PACKET_SIZE - DIGEST_SIZE;

// 32 bytes appended to both well-known key strings.
const KEY_SUFFIX = Buffer.from('f0eec24a8068bee82e00d0d1029e7e576eec5d2d29806fab93b8e636cfeb31ae', 'hex');
/** "Genuine Adobe Flash Player 001" + suffix; the first 30 bytes sign C1. */
const PLAYER_KEY = Buffer.concat([Buffer.from('Genuine Adobe Flash Player 001', 'latin1'), KEY_SUFFIX]);
/** "Genuine Adobe Flash Media Server 001" + suffix; the first 36 bytes sign S1, all 68 key S2. */
const SERVER_KEY = Buffer.concat([Buffer.from('Genuine Adobe Flash Media Server 001', 'latin1'), KEY_SUFFIX]);
const PLAYER_KEY_C1 = PLAYER_KEY.subarray(0, 30);
const SERVER_KEY_S1 = SERVER_KEY.subarray(0, 36);

/**
 * Where the digest sits: its offset is derived from 4 bytes at `base`, modulo 728, plus `base + 4`.
 * Scheme 0 (base 8) is what ffmpeg and Flash Player 10 use; scheme 1 (base 772) is the older layout.
 */
export type DigestScheme = 0 | 1;
const SCHEME_BASE: Record<DigestScheme, number> = { 0: 8, 1: 772 };

/** Offset of the 32-byte digest in a 1536-byte C1/S1 under `scheme`. */
export function digestOffset(packet: Buffer, scheme: DigestScheme): number {
  const b = SCHEME_BASE[scheme];
  return ((packet[b]! + packet[b + 1]! + packet[b + 2]! + packet[b + 3]!) % 728) + b + 4;
}

/** HMAC-SHA256 of `packet` without its digest bytes at `offset`. */
function digestOf(packet: Buffer, offset: number, key: Buffer): Buffer {
  return createHmac('sha256', key)
    .update(packet.subarray(0, offset))
    .update(packet.subarray(offset + DIGEST_SIZE))
    .digest();
}

/**
 * Finds a valid client digest in C1 (1536 bytes), trying scheme 0 then scheme 1.
 * @returns the scheme and the 32 digest bytes (a copy), or null for a simple-handshake C1
 */
export function findClientDigest(c1: Buffer): { scheme: DigestScheme; digest: Buffer } | null {
  // A simple-handshake client writes zeros where the version would be (5.2.3 "Zero" field).
  if (c1.readUInt32BE(4) === 0) return null;
  for (const scheme of [0, 1] as const) {
    const offset = digestOffset(c1, scheme);
    const expected = digestOf(c1, offset, PLAYER_KEY_C1);
    if (expected.equals(c1.subarray(offset, offset + DIGEST_SIZE))) {
      return { scheme, digest: Buffer.from(c1.subarray(offset, offset + DIGEST_SIZE)) };
    }
  }
  return null;
}

/**
 * Fills `s1` (1536 bytes, in place) as a digest S1: time 0, a server version, random bytes, and the
 * server digest placed with the client's scheme.
 */
export function fillDigestS1(s1: Buffer, scheme: DigestScheme): void {
  randomFillSync(s1);
  s1.writeUInt32BE(0, 0);
  s1.writeUInt32BE(0x05000301, 4); // version 5.0.3.1; ffmpeg expects the first byte >= 3 for a digest S1
  const offset = digestOffset(s1, scheme);
  digestOf(s1, offset, SERVER_KEY_S1).copy(s1, offset);
}

/**
 * Fills `s2` (1536 bytes, in place) as a digest S2: random bytes whose last 32 bytes are
 * HMAC(HMAC(serverKey, clientDigest), s2[0..1504]).
 */
export function fillDigestS2(s2: Buffer, clientDigest: Buffer): void {
  randomFillSync(s2, 0, SIGNATURE_OFFSET);
  const key = createHmac('sha256', SERVER_KEY).update(clientDigest).digest();
  createHmac('sha256', key).update(s2.subarray(0, SIGNATURE_OFFSET)).digest().copy(s2, SIGNATURE_OFFSET);
}

/** Test support: the well-known keys, to play the client side of the digest handshake. */
export const HANDSHAKE_KEYS = { player: PLAYER_KEY, server: SERVER_KEY } as const;
