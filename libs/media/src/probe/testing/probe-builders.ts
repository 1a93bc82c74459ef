/**
 * Test helpers: build H.264 SPS NAL units, FLV AVC/AAC sequence header bodies and bit strings by hand,
 * for cases no encoder here produces (no VUI, pic_order_cnt_type 1, 4:0:0, corrupt values).
 */

/** MSB-first bit writer; `bytes()` pads the last byte with zeros. */
export class BitWriter {
  private readonly bits: number[] = [];

  u(count: number, value: number): this {
    for (let i = count - 1; i >= 0; i--) this.bits.push(Math.floor(value / 2 ** i) % 2);
    return this;
  }

  flag(value: boolean): this {
    return this.u(1, value ? 1 : 0);
  }

  ue(value: number): this {
    const code = (value + 1).toString(2);
    this.u(code.length - 1, 0);
    for (const c of code) this.bits.push(c === '1' ? 1 : 0);
    return this;
  }

  se(value: number): this {
    return this.ue(value > 0 ? 2 * value - 1 : -2 * value);
  }

  /** rbsp_trailing_bits(): a stop bit, then zeros to the byte boundary (ITU-T H.264 7.3.2.11). */
  trailing(): this {
    this.bits.push(1);
    while (this.bits.length % 8 !== 0) this.bits.push(0);
    return this;
  }

  bytes(): Buffer {
    const out = Buffer.alloc(Math.ceil(this.bits.length / 8));
    this.bits.forEach((bit, i) => {
      out[i >> 3]! |= bit << (7 - (i & 7));
    });
    return out;
  }
}

/** Inserts emulation prevention bytes (ITU-T H.264 7.4.1): 0x03 before any 00-03 byte after two zeros. */
export function escapeRbsp(rbsp: Buffer): Buffer {
  const out: number[] = [];
  let zeros = 0;
  for (const byte of rbsp) {
    if (zeros >= 2 && byte <= 3) {
      out.push(3);
      zeros = 0;
    }
    out.push(byte);
    zeros = byte === 0 ? zeros + 1 : 0;
  }
  return Buffer.from(out);
}

/** SPS fields a test sets; everything else is a plain 8-bit progressive stream. */
export interface SpsFields {
  profileIdc?: number;
  constraintFlags?: number;
  levelIdc?: number;
  chromaFormatIdc?: number;
  separateColourPlane?: boolean;
  /** delta_scale values per scaling list, null = list absent; undefined = no scaling matrix. */
  scalingLists?: (number[] | null)[];
  pocType?: 0 | 1 | 2;
  pocCycle?: number[];
  widthInMbs?: number;
  heightInMapUnits?: number;
  frameMbsOnly?: boolean;
  /** frame_crop_left/right/top/bottom_offset. */
  crop?: [number, number, number, number];
  /** null: no VUI; {timing: null}: VUI without timing info. */
  vui?: { timing: [numUnitsInTick: number, timeScale: number] | null } | null;
}

const HIGH_PROFILES = [100, 110, 122, 244, 44, 83, 86, 118, 128, 138, 139, 134, 135];

/** An SPS NAL unit (header byte 0x67, emulation prevention applied) following ITU-T H.264 7.3.2.1.1. */
export function buildSpsNal(f: SpsFields = {}): Buffer {
  const profileIdc = f.profileIdc ?? 100;
  const w = new BitWriter()
    .u(8, profileIdc)
    .u(8, f.constraintFlags ?? 0)
    .u(8, f.levelIdc ?? 31)
    .ue(0);
  if (HIGH_PROFILES.includes(profileIdc)) {
    const chroma = f.chromaFormatIdc ?? 1;
    w.ue(chroma);
    if (chroma === 3) w.flag(f.separateColourPlane ?? false);
    w.ue(0)
      .ue(0)
      .flag(false)
      .flag(f.scalingLists !== undefined);
    for (const list of f.scalingLists ?? []) {
      w.flag(list !== null);
      for (const delta of list ?? []) w.se(delta);
    }
  }
  w.ue(0); // log2_max_frame_num_minus4
  const pocType = f.pocType ?? 0;
  w.ue(pocType);
  if (pocType === 0) w.ue(2);
  if (pocType === 1) {
    w.flag(false)
      .se(-1)
      .se(2)
      .ue(f.pocCycle?.length ?? 0);
    for (const offset of f.pocCycle ?? []) w.se(offset);
  }
  w.ue(4)
    .flag(false)
    .ue((f.widthInMbs ?? 80) - 1)
    .ue((f.heightInMapUnits ?? 45) - 1);
  const frameMbsOnly = f.frameMbsOnly ?? true;
  w.flag(frameMbsOnly);
  if (!frameMbsOnly) w.flag(true);
  w.flag(true).flag(f.crop !== undefined);
  for (const offset of f.crop ?? []) w.ue(offset);
  const vui = f.vui === undefined ? { timing: [1, 60] as [number, number] } : f.vui;
  w.flag(vui !== null);
  if (vui) {
    w.flag(true).u(8, 255).u(16, 1).u(16, 1); // Extended_SAR 1:1
    w.flag(false)
      .flag(true)
      .u(4, 5 << 1)
      .flag(true)
      .u(24, 0x010101); // video signal + colour
    w.flag(true).ue(1).ue(1); // chroma loc
    w.flag(vui.timing !== null);
    if (vui.timing) w.u(32, vui.timing[0]).u(32, vui.timing[1]).flag(true);
    w.flag(false).flag(false).flag(false).flag(false);
  }
  return Buffer.concat([Buffer.from([0x67]), escapeRbsp(w.trailing().bytes())]);
}

/** FLV VIDEODATA of an AVC sequence header (FLV E.4.3.1) holding one SPS and one PPS (14496-15 5.2.4.1). */
export function avcSequenceHeader(sps: Buffer, pps = Buffer.from([0x68, 0xce, 0x3c, 0x80])): Buffer {
  const head = Buffer.from([0x17, 0, 0, 0, 0, 1, sps[1] ?? 0, sps[2] ?? 0, sps[3] ?? 0, 0xff, 0xe1, 0, 0]);
  head.writeUInt16BE(sps.length, 11);
  const ppsHead = Buffer.from([1, 0, 0]);
  ppsHead.writeUInt16BE(pps.length, 1);
  return Buffer.concat([head, sps, ppsHead, pps]);
}

/** FLV AUDIODATA of an AAC sequence header (FLV E.4.2.1): 0xaf 0x00 and the AudioSpecificConfig. */
export function aacSequenceHeader(audioSpecificConfig: Buffer): Buffer {
  return Buffer.concat([Buffer.from([0xaf, 0]), audioSpecificConfig]);
}
