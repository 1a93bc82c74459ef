import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { classifyLegFailure } from './leg-failure';

// ffmpeg 5.1 lines as seen from legs against nginx-rtmp and closed ports (keys already redacted).
const cases: Array<[string, string[], number | null, string, RegExp]> = [
  [
    'a closed port',
    ['[tcp @ 0x1] Connection to tcp://127.0.0.1:9 failed: Connection refused'],
    null,
    'unreachable',
    /refused the connection/,
  ],
  [
    'a publish refused with an error',
    ['[rtmp @ 0x1] Server error: Invalid stream key'],
    null,
    'auth-refused',
    /refused the stream key/,
  ],
  [
    'a peer closing at once after publish',
    ['av_interleaved_write_frame(): Broken pipe'],
    40,
    'auth-refused',
    /stream key was probably refused/,
  ],
  [
    'a peer closing a connection that carried media',
    ['av_interleaved_write_frame(): Broken pipe'],
    20_000,
    'closed-by-peer',
    /closed the connection/,
  ],
  [
    'a peer closing before the output opened',
    ['Error writing trailer of rtmp://h/app/****: Broken pipe'],
    null,
    'closed-by-peer',
    /closed the connection/,
  ],
  [
    'a TLS failure',
    ['[tls @ 0x1] Error in the pull function. TLS handshake failed'],
    null,
    'tls',
    /TLS handshake failed/,
  ],
];

describe('classifyLegFailure', () => {
  for (const [name, lines, openForMs, kind, message] of cases) {
    it(`classifies ${name} as ${kind}`, () => {
      const failure = classifyLegFailure(lines, 1, openForMs);
      assert.equal(failure.kind, kind);
      assert.match(failure.message, message);
    });
  }

  it('says how ffmpeg ended when nothing matches', () => {
    assert.equal(classifyLegFailure(['something else'], 1).message, 'ffmpeg exited with code 1');
    assert.equal(classifyLegFailure([], null).message, 'ffmpeg was stopped');
  });
});
