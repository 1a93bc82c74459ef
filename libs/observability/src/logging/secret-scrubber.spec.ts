import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { scrubSecrets } from './secret-scrubber';

const apiKey = `rrk_${randomBytes(32).toString('base64url')}`;
const primaryKey = `p_${randomBytes(32).toString('base64url')}`;
const backupKey = `b_${randomBytes(32).toString('base64url')}`;
const webhookSecret = `whsec_${randomBytes(24).toString('base64')}`;
const stripeKey = `sk_test_${randomBytes(20).toString('hex')}`;
const restrictedKey = `rk_live_${randomBytes(20).toString('hex')}`;
const destinationKey = `xxxx-${randomBytes(6).toString('hex')}-yyyy`;

describe('scrubSecrets', () => {
  const cases: Array<[kind: string, text: string, secret: string, expected: string]> = [
    ['API key', `key ${apiKey} refused`, apiKey, 'key rrk_**** refused'],
    ['primary ingest key', `publish with ${primaryKey}.`, primaryKey, 'publish with p_****.'],
    ['backup ingest key', `"${backupKey}"`, backupKey, '"b_****"'],
    ['webhook secret', `secret is ${webhookSecret}`, webhookSecret, 'secret is whsec_****'],
    ['Stripe secret key', `Stripe said no to ${stripeKey}`, stripeKey, 'Stripe said no to sk_****'],
    ['Stripe restricted key', `(${restrictedKey})`, restrictedKey, '(rk_****)'],
    [
      'RTMP destination URL',
      `leg rtmp://a.rtmp.youtube.com/live2/${destinationKey} failed`,
      destinationKey,
      'leg rtmp://a.rtmp.youtube.com/live2/**** failed',
    ],
    [
      'RTMPS URL with query and user info',
      `rtmps://user:${destinationKey}@live.example:443/app/${destinationKey}?x=1`,
      destinationKey,
      'rtmps://live.example:443/app/****',
    ],
    [
      'SRT stream id',
      `srt://srt.example:9000?streamid=${destinationKey}&latency=200`,
      destinationKey,
      'srt://srt.example:9000?streamid=****&latency=200',
    ],
    [
      'SRT passphrase',
      `srt://srt.example:9000?streamid=abc&passphrase=${destinationKey}&latency=2000000`,
      destinationKey,
      'srt://srt.example:9000?streamid=****&passphrase=****&latency=2000000',
    ],
    [
      'database URL password',
      `Waiting for Redis at redis://:${destinationKey}@cache:6379; db postgresql://relay:${destinationKey}@db/relay`,
      destinationKey,
      'Waiting for Redis at redis://:****@cache:6379; db postgresql://relay:****@db/relay',
    ],
    ['Bearer token', `Authorization: Bearer ${apiKey}`, apiKey, 'Authorization: Bearer ****'],
    [
      'secret-named field in quoted JSON',
      `publish {\\"streamKey\\":\\"${destinationKey}\\",\\"role\\":\\"primary\\"}`,
      destinationKey,
      'publish {\\"streamKey\\":\\"****\\",\\"role\\":\\"primary\\"}',
    ],
    ['password=', `connect password=${destinationKey} now`, destinationKey, 'connect password=**** now'],
  ];
  for (const [kind, text, secret, expected] of cases) {
    it(`masks a ${kind}`, () => {
      const out = scrubSecrets(text);
      assert.equal(out, expected);
      assert.ok(!out.includes(secret));
    });
  }

  it('leaves ordinary text, ids and the RTMP application alone', () => {
    const text =
      'Event 0b6c7a36-4a57-4c55-9d1f-2b9a3f6f1f10: primary live; ingest on rtmp://127.0.0.1:1935/live; ' +
      'keyframe every 2000 ms; streamKeyHint 1a2B; sk_x is short';
    assert.equal(scrubSecrets(text), text);
  });

  it('keeps a JSON line parseable', () => {
    const line = JSON.stringify({
      msg: `publish rtmp://h/live/${primaryKey} "quoted" \\ back`,
      err: `Error: Bearer ${apiKey}\n    at x`,
      streamKey: destinationKey,
    });
    const parsed = JSON.parse(scrubSecrets(line)) as Record<string, string>;
    assert.equal(parsed.msg, 'publish rtmp://h/live/**** "quoted" \\ back');
    assert.equal(parsed.err, 'Error: Bearer ****\n    at x');
    assert.equal(parsed.streamKey, '****');
  });
});
