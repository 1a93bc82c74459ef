import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import golden from '../../../../test/fixtures/probe/golden.json';
import { h264LevelName, h264ProfileName, parseAvcDecoderConfig } from './avc-decoder-config';
import { ProbeError } from './probe-error';
import { avcSequenceHeader, buildSpsNal, type SpsFields } from './testing/probe-builders';

const CHROMA_BY_PIX_FMT: Record<string, string> = {
  yuv420p: '4:2:0',
  yuvj420p: '4:2:0',
  yuv420p10le: '4:2:0',
  yuv422p: '4:2:2',
  yuv444p: '4:4:4',
};
const fraction = (text: string): number => {
  const [num, den] = text.split('/').map(Number);
  return num! / den!;
};

describe('parseAvcDecoderConfig on real encoders (golden: test/fixtures/probe/golden.json)', () => {
  for (const fixture of golden.video) {
    it(`reads what ffprobe reads: ${fixture.name}`, () => {
      const config = parseAvcDecoderConfig(Buffer.from(fixture.bodyHex, 'hex'));
      const { ffprobe, traceHeaders: sps } = fixture;
      assert.equal(config.codec, ffprobe.codec_name);
      assert.equal(config.profile, ffprobe.profile);
      assert.equal(config.levelIdc, ffprobe.level);
      assert.equal(config.width, ffprobe.width);
      assert.equal(config.height, ffprobe.height);
      assert.equal(config.chromaFormat, CHROMA_BY_PIX_FMT[ffprobe.pix_fmt]);
      assert.equal(config.bitDepth, 8 + (sps.bit_depth_luma_minus8 ?? 0));
      // The VUI timing as ffmpeg's trace_headers reads it; ffprobe's avg_frame_rate agrees within rounding.
      assert.equal(config.frameRate, sps.time_scale / (2 * sps.num_units_in_tick));
      assert.ok(Math.abs(config.frameRate - fraction(ffprobe.avg_frame_rate)) < 0.05);
    });
  }

  it('covers emulation prevention, cropping, interlace, high profiles and scaling lists', () => {
    const spsOf = (hex: string): Buffer => Buffer.from(hex, 'hex').subarray(13);
    assert.ok(golden.video.some((f) => spsOf(f.bodyHex).includes(Buffer.from([0, 0, 3]))));
    assert.ok(golden.video.some((f) => f.traceHeaders.frame_mbs_only_flag === 0));
    assert.ok(golden.video.some((f) => f.traceHeaders.frame_cropping_flag === 1));
    assert.ok(golden.video.some((f) => f.traceHeaders.aspect_ratio_idc === 255));
    const scaled = golden.video.filter((f) => f.traceHeaders.seq_scaling_matrix_present_flag === 1);
    assert.deepEqual(scaled.map((f) => f.traceHeaders.chroma_format_idc).sort(), [1, 3]);
  });

  it('names the levels (Table A-1)', () => {
    const levels = golden.video.map((f) => parseAvcDecoderConfig(Buffer.from(f.bodyHex, 'hex')).level);
    assert.deepEqual([...new Set(levels)].sort(), ['1b', '3.0', '3.1', '3.2', '4.0', '4.2']);
  });
});

describe('parseAvcDecoderConfig on hand-built SPSs', () => {
  const cases: [string, SpsFields, Partial<ReturnType<typeof parseAvcDecoderConfig>>][] = [
    ['no VUI: frame rate unknown', { vui: null }, { frameRate: null, width: 1280, height: 720 }],
    ['VUI without timing info', { vui: { timing: null } }, { frameRate: null }],
    ['VUI timing 30000/1001', { vui: { timing: [1001, 60000] } }, { frameRate: 30000 / 1001 }],
    ['zero num_units_in_tick is treated as absent', { vui: { timing: [0, 60] } }, { frameRate: null }],
    [
      'Main, pic_order_cnt_type 1 with a cycle',
      { profileIdc: 77, pocType: 1, pocCycle: [2, -3, 4] },
      { profile: 'Main', frameRate: 30 },
    ],
    [
      'Baseline without constraint_set1',
      { profileIdc: 66, levelIdc: 9 },
      { profile: 'Baseline', level: '1b' },
    ],
    [
      'High 10 Intra',
      { profileIdc: 110, constraintFlags: 0x10, levelIdc: 40 },
      { profile: 'High 10 Intra', level: '4.0' },
    ],
    ['unknown profile', { profileIdc: 99 }, { profile: 'profile_idc 99' }],
    [
      '4:0:0 crops in whole pixels',
      { chromaFormatIdc: 0, widthInMbs: 2, heightInMapUnits: 2, crop: [1, 2, 3, 4] },
      { chromaFormat: '4:0:0', width: 29, height: 25 },
    ],
    [
      '4:4:4 with separate colour planes crops in whole pixels',
      {
        profileIdc: 244,
        chromaFormatIdc: 3,
        separateColourPlane: true,
        widthInMbs: 2,
        heightInMapUnits: 2,
        crop: [1, 0, 0, 1],
      },
      { chromaFormat: '4:4:4', width: 31, height: 31 },
    ],
    [
      '4:2:2 crops 2 pixels wide and 1 high',
      { profileIdc: 122, chromaFormatIdc: 2, widthInMbs: 2, heightInMapUnits: 2, crop: [1, 0, 1, 0] },
      { width: 30, height: 31 },
    ],
    [
      'field coding doubles the height and the vertical crop unit',
      { frameMbsOnly: false, widthInMbs: 120, heightInMapUnits: 34, crop: [0, 0, 0, 2] },
      { width: 1920, height: 1080 },
    ],
    [
      'scaling lists with an early stop and the default-matrix escape',
      { scalingLists: [[8, 0, -16], [-8], null, null, null, null, [1, 2, 3, -14], null] },
      { width: 1280, height: 720, frameRate: 30 },
    ],
  ];
  for (const [name, fields, expected] of cases) {
    it(name, () => {
      const config = parseAvcDecoderConfig(avcSequenceHeader(buildSpsNal(fields)));
      for (const [key, value] of Object.entries(expected)) {
        assert.equal(config[key as keyof typeof config], value, key);
      }
    });
  }
});

describe('parseAvcDecoderConfig on malformed input', () => {
  const real = Buffer.from(golden.video[0]!.bodyHex, 'hex');
  const withByte = (buf: Buffer, index: number, value: number): Buffer => {
    const copy = Buffer.from(buf);
    copy[index] = value;
    return copy;
  };
  const cases: [string, Buffer, RegExp][] = [
    ['an empty body', Buffer.alloc(0), /VIDEODATA/],
    ['a Sorenson H.263 tag', Buffer.from([0x12, 0, 0, 0]), /CodecID: 2 is not 7/],
    ['an AVC NALU tag', withByte(real, 1, 1), /AVCPacketType: 1 is not 0/],
    ['a record cut after 3 bytes', real.subarray(0, 8), /AVCDecoderConfigurationRecord: truncated/],
    ['a record cut inside the SPS length', real.subarray(0, 12), /sequenceParameterSetLength: truncated/],
    ['configurationVersion 0', withByte(real, 5, 0), /configurationVersion: 0 is not 1/],
    ['no SPS', withByte(real, 10, 0xe0), /numOfSequenceParameterSets: is 0/],
    [
      'an SPS longer than the tag',
      withByte(real, 11, 0x7f),
      /sequenceParameterSetNALUnit: 32537 bytes announced/,
    ],
    ['a PPS where the SPS should be', withByte(real, 13, 0x68), /nal_unit_type: 8 is not 7/],
    ['forbidden_zero_bit set', withByte(real, 13, 0xe7), /forbidden_zero_bit/],
    [
      'an SPS of zeros (absurd exp-Golomb)',
      avcSequenceHeader(Buffer.concat([Buffer.from([0x67, 100, 0, 31]), Buffer.alloc(40)])),
      /seq_parameter_set_id: exp-Golomb code longer than 32 bits/,
    ],
    [
      'a 10000-macroblock-wide picture',
      avcSequenceHeader(buildSpsNal({ widthInMbs: 10000 })),
      /pic_width_in_mbs_minus1: 9999 is above 1054/,
    ],
    [
      'cropping larger than the picture',
      avcSequenceHeader(buildSpsNal({ widthInMbs: 2, crop: [8, 8, 0, 0] })),
      /cropping leaves no picture/,
    ],
    [
      'a scaling list delta of 200',
      avcSequenceHeader(buildSpsNal({ scalingLists: [[200]] })),
      /delta_scale: 200 is outside/,
    ],
    [
      'a 256-entry picture order cycle',
      avcSequenceHeader(buildSpsNal({ pocType: 1, pocCycle: Array(256).fill(1) })),
      /num_ref_frames_in_pic_order_cnt_cycle: 256 is above 255/,
    ],
    ['an SPS cut in the VUI timing', avcSequenceHeader(buildSpsNal().subarray(0, 16)), /truncated/],
  ];
  for (const [name, body, message] of cases) {
    it(`throws ProbeError for ${name}`, () => {
      assert.throws(
        () => parseAvcDecoderConfig(body),
        (e) => e instanceof ProbeError && message.test(e.message),
      );
    });
  }

  it('only ever returns or throws ProbeError for every truncation and 5000 corruptions of real headers', () => {
    let seed = 42;
    const random = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const inputs: Buffer[] = [];
    for (const fixture of golden.video) {
      const body = Buffer.from(fixture.bodyHex, 'hex');
      for (let length = 0; length < body.length; length++) inputs.push(body.subarray(0, length));
    }
    for (let i = 0; i < 5000; i++) {
      const body = Buffer.from(golden.video[random(golden.video.length)]!.bodyHex, 'hex');
      for (let flips = 1 + random(3); flips > 0; flips--) body[5 + random(body.length - 5)] = random(256);
      inputs.push(body);
    }
    for (const body of inputs) {
      try {
        parseAvcDecoderConfig(body);
      } catch (e) {
        if (!(e instanceof ProbeError)) throw e;
      }
    }
  });
});

describe('H.264 names', () => {
  const profiles: [number, number, string][] = [
    [66, 0x40, 'Constrained Baseline'],
    [66, 0xc0, 'Constrained Baseline'],
    [66, 0x80, 'Baseline'],
    [77, 0x40, 'Main'],
    [88, 0, 'Extended'],
    [100, 0x0c, 'High'],
    [110, 0, 'High 10'],
    [122, 0x10, 'High 4:2:2 Intra'],
    [244, 0x10, 'High 4:4:4 Intra'],
    [44, 0, 'CAVLC 4:4:4'],
    [118, 0, 'Multiview High'],
  ];
  for (const [idc, flags, name] of profiles) {
    it(`profile_idc ${idc} with constraint byte 0x${flags.toString(16)} is ${name}`, () =>
      assert.equal(h264ProfileName(idc, flags), name));
  }
  const levels: [number, number, number, string][] = [
    [9, 100, 0, '1b'],
    [11, 66, 0x10, '1b'],
    [11, 77, 0x10, '1b'],
    [11, 100, 0x10, '1.1'],
    [11, 66, 0, '1.1'],
    [30, 77, 0, '3.0'],
    [31, 100, 0, '3.1'],
    [52, 100, 0, '5.2'],
    [62, 100, 0, '6.2'],
  ];
  for (const [idc, profile, flags, name] of levels) {
    it(`level_idc ${idc} (profile ${profile}, flags 0x${flags.toString(16)}) is ${name}`, () =>
      assert.equal(h264LevelName(idc, profile, flags), name));
  }
});
