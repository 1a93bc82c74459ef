import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { redactSecrets } from './secret-redaction';
import { buildSrtPublishUrl, srtFfmpegOutput } from './srt-url';

describe('SRT publish URL', () => {
  it('carries the streamid, the passphrase, 1316-byte packets and the latency in microseconds', () => {
    const url = buildSrtPublishUrl({
      url: 'srt://srt.example.com:9000',
      streamId: '#!::r=live/a&b+c,m=publish',
      passphrase: 'pass phrase+&1',
    });
    assert.equal(
      url,
      'srt://srt.example.com:9000?streamid=%23!%3A%3Ar%3Dlive%2Fa%26b%2Bc%2Cm%3Dpublish' +
        '&passphrase=pass%20phrase%2B%261&pkt_size=1316&latency=2000000',
    );
    assert.equal(
      buildSrtPublishUrl({ url: 'srt://h:1/', streamId: null, passphrase: null, latencyMs: 500 }),
      'srt://h:1?pkt_size=1316&latency=500000',
    );
  });

  it('gives ffmpeg the secrets as options, byte for byte, and a URL without them', () => {
    const out = srtFfmpegOutput(
      buildSrtPublishUrl({ url: 'srt://h:9000', streamId: 'a&b+c', passphrase: 'correct horse+1' }),
    );
    assert.equal(out.url, 'srt://h:9000?pkt_size=1316&latency=2000000');
    assert.deepEqual(out.options, ['-srt_streamid', 'a&b+c', '-passphrase', 'correct horse+1']);
    assert.deepEqual(out.secrets, ['a&b+c', 'correct horse+1']);
  });

  it('leaves a URL without secrets alone', () => {
    assert.deepEqual(srtFfmpegOutput('srt://h:9000'), { url: 'srt://h:9000', options: [], secrets: [] });
  });

  it('lets the leg mask both secrets in ffmpeg output, also percent-encoded', () => {
    const full = buildSrtPublishUrl({
      url: 'srt://h:9000',
      streamId: 'stream-id-1',
      passphrase: 'pass/phrase1',
    });
    const secrets = [full, ...srtFfmpegOutput(full).secrets];
    const line = `Connection to ${full} failed; id stream-id-1, pass pass%2Fphrase1`;
    const out = redactSecrets(line, secrets);
    assert.ok(!out.includes('stream-id-1') && !out.includes('phrase1'), out);
  });
});
