import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import golden from '../../../../test/fixtures/probe/golden.json';
import {
  type AacAudioConfig,
  parseAacSequenceHeader,
  parseAudioSpecificConfig,
} from './audio-specific-config';
import { parseFlvAudioHeader } from './flv-audio-header';
import { ProbeError } from './probe-error';
import { aacSequenceHeader, BitWriter } from './testing/probe-builders';

describe('parseFlvAudioHeader on real encoders (golden: test/fixtures/probe/golden.json)', () => {
  for (const fixture of golden.audio) {
    it(`reads what ffprobe reads: ${fixture.name}`, () => {
      const config = parseFlvAudioHeader(Buffer.from(fixture.bodyHex, 'hex'));
      const { ffprobe } = fixture;
      assert.equal(config.codec, ffprobe.codec_name);
      assert.equal(config.sampleRate, Number(ffprobe.sample_rate));
      assert.equal(config.channels, ffprobe.channels);
      assert.equal(config.profile, 'profile' in ffprobe ? ffprobe.profile : null);
    });
  }

  it('reads AAC through parseAacSequenceHeader with the core object type', () => {
    const aac = golden.audio.filter((f) => f.ffprobe.codec_name === 'aac');
    assert.ok(aac.length >= 6);
    for (const f of aac) {
      const config = parseAacSequenceHeader(Buffer.from(f.bodyHex, 'hex'));
      assert.deepEqual([config.objectType, config.sbr, config.ps], [2, false, false], f.name);
    }
  });
});

/** An AudioSpecificConfig from fields (ISO/IEC 14496-3 1.6.2.1). */
function asc(write: (w: BitWriter) => BitWriter): Buffer {
  return write(new BitWriter()).bytes();
}
const ga = (w: BitWriter): BitWriter => w.u(3, 0); // frameLengthFlag, dependsOnCoreCoder, extensionFlag

describe('parseAudioSpecificConfig on hand-built configs', () => {
  const cases: [string, Buffer, Partial<AacAudioConfig>][] = [
    [
      'explicit HE-AAC (object type 5): output rate is the SBR rate',
      asc((w) => ga(w.u(5, 5).u(4, 6).u(4, 2).u(4, 3).u(5, 2))),
      { profile: 'HE-AAC', objectType: 5, sampleRate: 48000, channels: 2, sbr: true, ps: false },
    ],
    [
      'explicit HE-AACv2 (object type 29): a mono core decodes to stereo',
      asc((w) => ga(w.u(5, 29).u(4, 6).u(4, 1).u(4, 3).u(5, 2))),
      { profile: 'HE-AACv2', objectType: 29, sampleRate: 48000, channels: 2, sbr: true, ps: true },
    ],
    [
      'backward-compatible SBR and PS (sync extensions 0x2b7, 0x548)',
      asc((w) => ga(w.u(5, 2).u(4, 7).u(4, 1)).u(11, 0x2b7).u(5, 5).u(1, 1).u(4, 4).u(11, 0x548).u(1, 1)),
      { profile: 'HE-AACv2', objectType: 2, sampleRate: 44100, channels: 2, sbr: true, ps: true },
    ],
    [
      'backward-compatible signalling with sbrPresentFlag 0 (ffmpeg)',
      asc((w) => ga(w.u(5, 2).u(4, 4).u(4, 2)).u(11, 0x2b7).u(5, 5).u(1, 0)),
      { profile: 'LC', sampleRate: 44100, sbr: false },
    ],
    [
      'the explicit 24-bit sampling frequency (index 15)',
      asc((w) => ga(w.u(5, 2).u(4, 15).u(24, 44056).u(4, 2))),
      { profile: 'LC', sampleRate: 44056, channels: 2 },
    ],
    [
      'an escaped object type (31 + 7 = 39, ELD)',
      asc((w) => w.u(5, 31).u(6, 7).u(4, 3).u(4, 1).u(8, 0)),
      { profile: 'ELD', objectType: 39, sampleRate: 48000, channels: 1 },
    ],
    ['Main', asc((w) => ga(w.u(5, 1).u(4, 3).u(4, 2))), { profile: 'Main', objectType: 1 }],
    ['LTP', asc((w) => ga(w.u(5, 4).u(4, 3).u(4, 2))), { profile: 'LTP', objectType: 4 }],
    ['7.1 (channelConfiguration 7)', asc((w) => ga(w.u(5, 2).u(4, 3).u(4, 7))), { channels: 8 }],
    ['22.2 (channelConfiguration 13)', asc((w) => ga(w.u(5, 2).u(4, 3).u(4, 13))), { channels: 24 }],
    [
      'an unnamed object type',
      asc((w) => w.u(5, 12).u(4, 3).u(4, 2)),
      { profile: 'object type 12', objectType: 12, channels: 2 },
    ],
  ];
  for (const [name, config, expected] of cases) {
    it(`reads ${name}`, () => {
      const parsed = parseAacSequenceHeader(aacSequenceHeader(config));
      assert.equal(parsed.codec, 'aac');
      for (const [key, value] of Object.entries(expected)) {
        assert.equal(parsed[key as keyof AacAudioConfig], value, key);
      }
    });
  }
});

describe('parseAacSequenceHeader on malformed input', () => {
  const cases: [string, Buffer, RegExp][] = [
    ['an empty body', Buffer.alloc(0), /AUDIODATA: 0 bytes is too short/],
    ['an MP3 tag', Buffer.from([0x2f, 0xff]), /SoundFormat: 2 is not 10/],
    ['raw AAC', Buffer.from([0xaf, 1, 0x12, 0x10]), /AACPacketType: 1 is not 0/],
    ['no AudioSpecificConfig', Buffer.from([0xaf, 0]), /audioObjectType: needs 5 bits, 0 left/],
    [
      'a config cut after 1 byte',
      Buffer.from([0xaf, 0, 0x12]),
      /samplingFrequencyIndex: needs 4 bits, 3 left/,
    ],
    [
      'reserved samplingFrequencyIndex 13',
      aacSequenceHeader(asc((w) => ga(w.u(5, 2).u(4, 13).u(4, 2)))),
      /samplingFrequencyIndex: 13 is reserved/,
    ],
    [
      'samplingFrequency 0',
      aacSequenceHeader(asc((w) => ga(w.u(5, 2).u(4, 15).u(24, 0).u(4, 2)))),
      /samplingFrequency: is 0/,
    ],
    [
      'reserved channelConfiguration 8',
      aacSequenceHeader(asc((w) => ga(w.u(5, 2).u(4, 3).u(4, 8)))),
      /channelConfiguration: 8 is reserved/,
    ],
    ['a program config element cut short', Buffer.from('af00118004c4010020', 'hex'), /needs \d+ bits/],
    [
      'channelConfiguration 0 outside GA',
      aacSequenceHeader(asc((w) => w.u(5, 31).u(6, 7).u(4, 3).u(4, 0))),
      /channelConfiguration: 0 with object type 39/,
    ],
  ];
  for (const [name, body, message] of cases) {
    it(`throws ProbeError for ${name}`, () => {
      assert.throws(
        () => parseAacSequenceHeader(body),
        (e) => e instanceof ProbeError && message.test(e.message),
      );
    });
  }

  it('only ever returns or throws ProbeError for every truncation of the real configs', () => {
    for (const fixture of golden.audio.filter((f) => f.ffprobe.codec_name === 'aac')) {
      const body = Buffer.from(fixture.bodyHex, 'hex');
      for (let length = 0; length <= body.length; length++) {
        try {
          parseAudioSpecificConfig(body.subarray(2, length));
        } catch (e) {
          if (!(e instanceof ProbeError)) throw e;
        }
      }
    }
  });
});

describe('parseFlvAudioHeader flags (FLV E.4.2.1)', () => {
  const cases: [string, number[], { codec: string; sampleRate: number; channels: number }][] = [
    ['5.5 kHz 8-bit mono PCM', [0x00], { codec: 'pcm_u8', sampleRate: 5512, channels: 1 }],
    ['44 kHz 16-bit stereo PCM, platform endian', [0x0f], { codec: 'pcm', sampleRate: 44100, channels: 2 }],
    ['8-bit little-endian PCM', [0x3d], { codec: 'pcm_u8', sampleRate: 44100, channels: 2 }],
    [
      'Nellymoser 8 kHz whatever SoundRate says',
      [0x5e],
      { codec: 'nellymoser', sampleRate: 8000, channels: 1 },
    ],
    ['G.711 A-law at 8 kHz', [0x72], { codec: 'pcm_alaw', sampleRate: 8000, channels: 1 }],
    ['MP3 8 kHz (SoundFormat 14)', [0xe2], { codec: 'mp3', sampleRate: 8000, channels: 1 }],
    ['MP3 without a frame header: the flags', [0x2f], { codec: 'mp3', sampleRate: 44100, channels: 2 }],
    [
      'MPEG-2.5 11025 Hz MP3 frame header',
      [0x2e, 0xff, 0xe3, 0x00, 0xc4],
      { codec: 'mp3', sampleRate: 11025, channels: 1 },
    ],
    ['a reserved format', [0x9f], { codec: 'reserved', sampleRate: 44100, channels: 2 }],
  ];
  for (const [name, bytes, expected] of cases) {
    it(`reads ${name}`, () => {
      const { codec, sampleRate, channels } = parseFlvAudioHeader(Buffer.from(bytes));
      assert.deepEqual({ codec, sampleRate, channels }, expected);
    });
  }

  it('throws ProbeError for an empty tag', () =>
    assert.throws(() => parseFlvAudioHeader(Buffer.alloc(0)), ProbeError));
});
