import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { platformOfHost } from './destination-platform';

describe('platformOfHost', () => {
  it('knows the platforms by their ingest hosts and calls every other server custom', () => {
    const table: Array<[string, string]> = [
      ['a.rtmp.youtube.com', 'youtube'],
      ['b.rtmps.youtube.com', 'youtube'],
      ['live.twitch.tv', 'twitch'],
      ['sfo.contribute.live-video.net', 'twitch'],
      ['abc123.global-contribute.live-video.net', 'custom'],
      ['ingest.global-contribute.live-video.net', 'twitch'],
      ['live-api-s.facebook.com', 'facebook'],
      ['notyoutube.com', 'custom'],
      ['youtube.com.evil.example', 'custom'],
      ['127.0.0.1', 'custom'],
      ['', 'custom'],
    ];
    for (const [host, platform] of table) assert.equal(platformOfHost(host), platform, host);
  });
});
