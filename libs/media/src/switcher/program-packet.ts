import type { FlvTag } from '../protocols/flv/flv-tag';

/**
 * One tag of the program output, encoded once and shared by every leg.
 *
 * - `tag`: the tag with its program timestamp (ms).
 * - `bytes`: `encodeFlvTag(tag)`: tag header + body + PreviousTagSize (FLV spec E.3, E.4.1).
 * - `keyframe`: a video keyframe that starts a GOP: a reader may (re)start here.
 * - `config`: metadata or a sequence header: a reader that drops packets must still deliver it.
 */
export interface ProgramPacket {
  readonly tag: FlvTag;
  readonly bytes: Buffer;
  readonly keyframe: boolean;
  readonly config: boolean;
}

/** A consumer of the program output (an outbound leg). `write` must not block or throw. */
export interface ProgramReader {
  write(packet: ProgramPacket): void;
}
