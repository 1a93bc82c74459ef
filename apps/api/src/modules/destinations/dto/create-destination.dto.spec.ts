import 'reflect-metadata';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { CreateDestinationDto, publishUrlProblem } from './create-destination.dto';

/** The messages a body gets from class-validator, field first (what the API's 400 lists). */
function problems(body: Record<string, unknown>): string[] {
  const errors = validateSync(plainToInstance(CreateDestinationDto, body), { stopAtFirstError: true });
  return errors.flatMap((e) => Object.values(e.constraints ?? {}));
}

describe('destination URL', () => {
  it('accepts RTMP(S) with an application and SRT with a host and a port', () => {
    for (const url of [
      'rtmp://a.rtmp.youtube.com/live2',
      'rtmps://live-api-s.facebook.com:443/rtmp/',
      'srt://srt.example.com:9000',
      'srt://127.0.0.1:65535/',
      'srt://[::1]:9000',
    ])
      assert.equal(publishUrlProblem(url), null, url);
  });

  const refused: Array<[url: string, says: RegExp]> = [
    ['srt://srt.example.com', /port from 1 to 65535/],
    ['srt://srt.example.com:0', /port from 1 to 65535/],
    ['srt://srt.example.com:70000', /rtmp:\/\/, rtmps:\/\/ or srt:\/\//],
    ['srt://:9000', /rtmp:\/\/, rtmps:\/\/ or srt:\/\//],
    ['srt://srt.example.com:9000?streamid=abc', /must not have a query string.*streamKey.*passphrase/],
    ['srt://srt.example.com:9000?', /must not have a query string/],
    ['srt://user@srt.example.com:9000', /nothing after the port/],
    ['srt://srt.example.com:9000/live', /nothing after the port/],
    ['rtmp://a.rtmp.youtube.com', /rtmp:\/\/, rtmps:\/\/ or srt:\/\//],
    ['http://example.com/live', /rtmp:\/\/, rtmps:\/\/ or srt:\/\//],
  ];
  for (const [url, says] of refused)
    it(`refuses ${url}`, () => assert.match(publishUrlProblem(url) ?? 'accepted', says));
});

describe('CreateDestinationDto', () => {
  const srt = { name: 'SRT', url: 'srt://srt.example.com:9000' };

  it('takes an SRT streamid as streamKey and a passphrase of 10 to 79 characters', () => {
    assert.deepEqual(
      problems({ ...srt, streamKey: '#!::r=live/show,m=publish', passphrase: 'a'.repeat(10) }),
      [],
    );
    assert.deepEqual(problems({ ...srt, streamKey: 's'.repeat(512), passphrase: 'p'.repeat(79) }), []);
  });

  it('names the field that is wrong', () => {
    assert.deepEqual(problems({ ...srt, streamKey: 's'.repeat(513) }), [
      'streamKey must be at most 512 characters',
    ]);
    assert.deepEqual(problems({ ...srt, passphrase: 'short' }), [
      'passphrase must be 10 to 79 characters (SRT)',
    ]);
    assert.deepEqual(problems({ ...srt, passphrase: 'p'.repeat(80) }), [
      'passphrase must be 10 to 79 characters (SRT)',
    ]);
    assert.deepEqual(problems({ ...srt, url: 'srt://srt.example.com:9000?passphrase=x' }), [
      'url must not have a query string: give the SRT streamid as streamKey and the passphrase as passphrase',
    ]);
  });

  it('refuses a passphrase for an RTMP destination', () => {
    assert.deepEqual(
      problems({ name: 'YouTube', url: 'rtmp://a.rtmp.youtube.com/live2', passphrase: 'long enough pass' }),
      ['passphrase is only for srt:// destinations'],
    );
  });
});
