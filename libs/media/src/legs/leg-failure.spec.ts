import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { classifyLegFailure } from './leg-failure';

// ffmpeg 5.1 lines as seen from legs against nginx-rtmp and closed ports (keys already redacted).
const cases: Array<[string, string[], number | null, string, RegExp]> = [
  // SRT lines measured with ffmpeg 5.1 + libsrt 1.5.1 against an ffmpeg listener (mode=listener).
  [
    'an SRT listener refusing the passphrase',
    [
      '09:44:12.894784/SRT:RcvQ:w1!W:SRT.cn: processAsyncConnectRequest: REJECT reported from HS processing: Incorrect passphrase - not processing further',
      '[srt @ 0x1] Connection to srt://127.0.0.1:46002?pkt_size=1316&latency=2000000 failed: Input/output error',
    ],
    null,
    'auth-refused',
    /SRT passphrase/,
  ],
  [
    'an SRT listener that needs a passphrase none was given for',
    [
      '09:44:13.976589/SRT:RcvQ:w1!W:SRT.cn: processAsyncConnectRequest: REJECT reported from HS processing: Password required or unexpected - not processing further',
    ],
    null,
    'auth-refused',
    /SRT passphrase/,
  ],
  [
    'an SRT listener rejecting the caller (streamid)',
    [
      'SRT.cn: processAsyncConnectRequest: REJECT reported from HS processing: Application-defined rejection reason - not processing further',
    ],
    null,
    'auth-refused',
    /check the streamid/,
  ],
  [
    'no SRT listener',
    [
      '[srt @ 0x1] Connection to srt://127.0.0.1:45999?pkt_size=1316&latency=2000000 failed: Input/output error',
    ],
    null,
    'unreachable',
    /no SRT listener answered/,
  ],
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
