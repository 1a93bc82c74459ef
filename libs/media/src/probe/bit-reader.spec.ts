import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BitReader, unescapeRbsp } from './bit-reader';
import { ProbeError } from './probe-error';
import { BitWriter } from './testing/probe-builders';

describe('unescapeRbsp (ITU-T H.264 7.4.1)', () => {
  const cases: [string, string, string][] = [
    ['leaves a NAL without escapes alone', '6764001facd9', '6764001facd9'],
    ['drops the 03 of 00 00 03 01', '670000030100', '6700000100'],
    ['drops every escape in a row', '0000030000030000', '000000000000'],
    ['drops an escape at the end', '11000003', '110000'],
    ['keeps 03 after a single zero', '00030003', '00030003'],
    ['keeps 00 00 04', '00000004', '00000004'],
  ];
  for (const [name, input, expected] of cases) {
    it(name, () => assert.equal(unescapeRbsp(Buffer.from(input, 'hex')).toString('hex'), expected));
  }

  it('returns the same buffer when there is nothing to remove', () => {
    const nal = Buffer.from('6764001f', 'hex');
    assert.equal(unescapeRbsp(nal), nal);
  });
});

describe('BitReader', () => {
  const golomb: [string, (w: BitWriter) => BitWriter, (r: BitReader) => number, number][] = [
    ['ue 0 is "1"', (w) => w.u(1, 1), (r) => r.ue('x'), 0],
    ['ue 1 is "010"', (w) => w.u(3, 0b010), (r) => r.ue('x'), 1],
    ['ue 2 is "011"', (w) => w.u(3, 0b011), (r) => r.ue('x'), 2],
    ['ue 7 is "0001000"', (w) => w.u(7, 0b0001000), (r) => r.ue('x'), 7],
    ['ue 2^32 - 2 (31 leading zeros)', (w) => w.ue(2 ** 32 - 2), (r) => r.ue('x'), 2 ** 32 - 2],
    ['se "010" is +1', (w) => w.u(3, 0b010), (r) => r.se('x'), 1],
    ['se "011" is -1', (w) => w.u(3, 0b011), (r) => r.se('x'), -1],
    ['se -64', (w) => w.se(-64), (r) => r.se('x'), -64],
    ['u(32) all ones', (w) => w.u(32, 0xffffffff), (r) => r.u(32, 'x'), 0xffffffff],
  ];
  for (const [name, write, read, expected] of golomb) {
    it(`reads ${name}`, () => {
      const r = new BitReader(write(new BitWriter()).bytes(), 'test');
      assert.equal(read(r), expected);
    });
  }

  it('rejects an exp-Golomb code with 32 leading zeros instead of looping', () => {
    const r = new BitReader(Buffer.alloc(64), 'test');
    assert.throws(() => r.ue('seq_parameter_set_id'), {
      name: 'ProbeError',
      rule: 'test seq_parameter_set_id',
      message: /longer than 32 bits/,
    });
  });

  it('throws ProbeError naming the element when a read passes the end', () => {
    const r = new BitReader(Buffer.from([0xff]), 'ctx');
    r.skip(5, 'a');
    assert.equal(r.bitsLeft, 3);
    assert.throws(
      () => r.u(4, 'time_scale'),
      (e) => e instanceof ProbeError && e.rule === 'ctx time_scale',
    );
    assert.throws(() => new BitReader(Buffer.alloc(0), 'ctx').ue('x'), ProbeError);
  });

  it('checks ue values against a bound', () => {
    const r = new BitReader(new BitWriter().ue(4).bytes(), 'ctx');
    assert.throws(() => r.ueMax('chroma_format_idc', 3), { message: 'ctx chroma_format_idc: 4 is above 3' });
  });

  it('aligns to the next byte from the start of the buffer', () => {
    const r = new BitReader(Buffer.from([0xff, 0xa5]), 'ctx');
    r.skip(3, 'a');
    r.alignToByte('byte_alignment');
    assert.equal(r.u(8, 'b'), 0xa5);
  });
});
