/** Codec names by legacy FLV CodecID (E.4.3.1), as ffprobe names them; 12 is the common HEVC extension. */
const CODEC_NAMES: ReadonlyMap<number, string> = new Map([
  [1, 'mjpeg'],
  [2, 'flv1'],
  [3, 'flashsv'],
  [4, 'vp6f'],
  [5, 'vp6a'],
  [6, 'flashsv2'],
  [7, 'h264'],
  [12, 'hevc'],
]);
/** Codec names by Enhanced RTMP FourCC (veovera enhanced-rtmp v1, ExVideoTagHeader). */
const FOURCC_NAMES: ReadonlyMap<string, string> = new Map([
  ['avc1', 'h264'],
  ['hvc1', 'hevc'],
  ['vp09', 'vp9'],
  ['av01', 'av1'],
]);
/** IsExHeader bit of the first VIDEODATA byte in Enhanced RTMP. */
const EX_HEADER = 0x80;

/**
 * The codec a video tag body announces: the CodecID of legacy VIDEODATA (FLV spec v10.1 E.4.3.1) or the
 * FourCC of an Enhanced RTMP ExVideoTagHeader. Returns 'unknown' for anything else. Allocates only for
 * an Enhanced RTMP header.
 */
export function flvVideoCodecName(body: Buffer): string {
  const first = body[0];
  if (first === undefined) return 'unknown';
  if (first & EX_HEADER) {
    return body.length >= 5 ? (FOURCC_NAMES.get(body.toString('latin1', 1, 5)) ?? 'unknown') : 'unknown';
  }
  return CODEC_NAMES.get(first & 0x0f) ?? 'unknown';
}
