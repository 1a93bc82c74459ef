import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isPrivateAddress, webhookUrlProblem } from './webhook-url';

describe('webhook URL rules', () => {
  it('treats private, loopback, link-local and mapped addresses as private', () => {
    for (const ip of [
      '10.1.2.3',
      '127.0.0.1',
      '169.254.169.254',
      '172.16.0.1',
      '192.168.1.1',
      '100.64.0.1',
      '0.0.0.0',
      '::1',
      '::',
      'fd00::1',
      'fe80::1',
      '::ffff:127.0.0.1',
      '::ffff:10.0.0.1',
      '[::1]',
      'not-an-ip',
    ])
      assert.equal(isPrivateAddress(ip), true, ip);
    for (const ip of ['93.184.216.34', '8.8.8.8', '2606:4700::1111', '::ffff:8.8.8.8'])
      assert.equal(isPrivateAddress(ip), false, ip);
  });

  it('accepts public https URLs and refuses the rest in production', () => {
    assert.equal(webhookUrlProblem('https://hooks.example.com/relay?token=x', false), null);
    const refused: Array<[string, RegExp]> = [
      ['http://hooks.example.com/', /https/],
      ['ftp://hooks.example.com/', /https/],
      ['https://user:pw@hooks.example.com/', /credentials/],
      ['https://localhost/', /private/],
      ['https://127.0.0.1:8443/', /private/],
      ['https://169.254.169.254/latest/meta-data', /private/],
      ['https://[::1]/', /private/],
      ['https://10.0.0.5/', /private/],
      ['not a url', /absolute URL/],
      [`https://example.com/${'a'.repeat(2048)}`, /2048/],
    ];
    for (const [url, problem] of refused)
      assert.match(webhookUrlProblem(url, false) ?? 'accepted', problem, url);
  });

  it('accepts http and loopback when private URLs are allowed (tests, development)', () => {
    assert.equal(webhookUrlProblem('http://127.0.0.1:4000/hook', true), null);
    assert.match(webhookUrlProblem('ftp://127.0.0.1/', true) ?? '', /http:\/\/ or https/);
  });
});
