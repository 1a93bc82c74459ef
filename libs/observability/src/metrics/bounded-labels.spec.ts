import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { boundedLabel, httpMethodLabel, idLabel, statusClass, UnsafeLabelValueError } from './bounded-labels';

describe('bounded labels', () => {
  it('keeps an allowed value and folds anything else into the fallback', () => {
    const platforms = ['youtube', 'twitch'] as const;
    assert.equal(boundedLabel('twitch', platforms, 'custom'), 'twitch');
    assert.equal(boundedLabel('my.own.server', platforms, 'custom'), 'custom');
    assert.equal(boundedLabel(undefined, platforms, 'custom'), 'custom');
  });

  it('labels HTTP methods in upper case and unknown ones as OTHER', () => {
    assert.equal(httpMethodLabel('get'), 'GET');
    assert.equal(httpMethodLabel('DELETE'), 'DELETE');
    assert.equal(httpMethodLabel('PROPFIND'), 'OTHER');
    assert.equal(httpMethodLabel(undefined), 'OTHER');
  });

  it('turns status codes into their class', () => {
    const table: Array<[number, string]> = [
      [101, '1xx'],
      [200, '2xx'],
      [204, '2xx'],
      [302, '3xx'],
      [404, '4xx'],
      [429, '4xx'],
      [503, '5xx'],
      [0, 'unknown'],
      [600, 'unknown'],
    ];
    for (const [status, expected] of table) assert.equal(statusClass(status), expected, String(status));
  });

  it('accepts ids and refuses URLs, paths and stream keys, without echoing them', () => {
    assert.equal(idLabel('0b7e4a52-3f0e-4c1e-9a43-5b8a0d2f6c11'), '0b7e4a52-3f0e-4c1e-9a43-5b8a0d2f6c11');
    for (const bad of ['rtmp://a.rtmp.youtube.com/live2/abcd-efgh', 'live/key', 'a b', '', 'x'.repeat(65)]) {
      assert.throws(
        () => idLabel(bad),
        (error: Error) => error instanceof UnsafeLabelValueError && !error.message.includes('abcd'),
        JSON.stringify(bad),
      );
    }
  });
});
