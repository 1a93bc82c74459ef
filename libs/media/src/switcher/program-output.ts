import { FlvTagType } from '../protocols/flv/flv-constants';
import {
  isAudioSequenceHeader,
  isVideoKeyframe,
  isVideoSequenceHeader,
  type FlvTag,
} from '../protocols/flv/flv-tag';
import { encodeFlvTag } from '../protocols/flv/flv-writer';
import { GopCache } from './gop-cache';
import type { ProgramPacket, ProgramReader } from './program-packet';

/**
 * The program output of one event: a fan-out hub from the switcher to the legs.
 *
 * Every tag is encoded once (FLV spec E.4.1) and the same bytes go to every reader. It keeps what a
 * reader needs to start mid-stream, sent on attach in this order: metadata, AVC sequence header,
 * AAC sequence header, then the GOP since the last keyframe, re-stamped so the start has no gap.
 *
 * The metadata goes out at DTS 0: ffmpeg's FLV demuxer (5.1, flvdec.c) reads an onMetaData tag as
 * metadata only at DTS 0, and any other as a packet of a new subtitle stream, which then holds every
 * other stream in its muxer's interleaving queue for up to `max_interleave_delta` (10 s): measured, a
 * leg started mid-show sent nothing for 9 s and stayed that far behind.
 */
export class ProgramOutput {
  private readonly readers = new Set<ProgramReader>();
  private metadata: ProgramPacket | null = null;
  private videoConfig: ProgramPacket | null = null;
  private audioConfig: ProgramPacket | null = null;
  private readonly gop = new GopCache<ProgramPacket & { data: Buffer }>();
  private packets = 0;

  /** Publishes one program tag (program timestamp) to every reader. */
  publish(tag: FlvTag): void {
    const keyframe = isVideoKeyframe(tag);
    const config =
      tag.type === FlvTagType.ScriptData || isVideoSequenceHeader(tag) || isAudioSequenceHeader(tag);
    const packet = { tag, bytes: encodeFlvTag(tag), keyframe, config, data: tag.data };
    if (tag.type === FlvTagType.ScriptData) this.metadata = packet;
    else if (isVideoSequenceHeader(tag)) this.videoConfig = packet;
    else if (isAudioSequenceHeader(tag)) this.audioConfig = packet;
    else if (keyframe) this.gop.startGop(packet);
    else this.gop.append(packet);
    this.packets++;
    for (const reader of this.readers) reader.write(packet);
  }

  /**
   * Adds a reader. It first receives the start packets (config and the cached GOP, re-stamped to
   * the GOP's first timestamp), then every published packet.
   */
  attach(reader: ProgramReader): void {
    for (const packet of this.startPackets()) reader.write(packet);
    this.readers.add(reader);
  }

  detach(reader: ProgramReader): void {
    this.readers.delete(reader);
  }

  /** Forgets the cached GOP: readers attached from now on wait for the next keyframe published. */
  dropCachedGop(): void {
    this.gop.clear();
  }

  /** Whether a reader attached now would start at a keyframe with its sequence headers. */
  get hasKeyframe(): boolean {
    return this.gop.contents.length > 0 && this.videoConfig !== null;
  }

  /** Number of tags published so far. */
  get publishedPackets(): number {
    return this.packets;
  }

  private startPackets(): ProgramPacket[] {
    const gop = this.gop.contents;
    const startTs = gop[0]?.tag.timestamp ?? 0;
    const metadata = this.metadata ? [restamp(this.metadata, 0)] : [];
    const config = [this.videoConfig, this.audioConfig]
      .filter((p): p is ProgramPacket => p !== null)
      .map((p) => restamp(p, startTs));
    return [...metadata, ...config, ...gop];
  }
}

function restamp(packet: ProgramPacket, timestamp: number): ProgramPacket {
  if (packet.tag.timestamp === timestamp) return packet;
  const tag = { ...packet.tag, timestamp };
  return { ...packet, tag, bytes: encodeFlvTag(tag) };
}
