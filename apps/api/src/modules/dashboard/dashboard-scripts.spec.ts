import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { findDashboardDir } from './dashboard-assets.repository';

interface SseFrame {
  event: string;
  data: string;
  id: string;
}
interface SseModule {
  SseParser: new (onFrame: (frame: SseFrame) => void) => { push(chunk: string): void };
}
interface FormatModule {
  timelineText: (entry: unknown, destinationName: (id: string) => string) => string;
  mediaSummary: (media: unknown) => string;
}

// The page's own ES modules, loaded as they are served (require(esm), Node ≥ 20.19).
const dir = findDashboardDir(__dirname);
const loadModule = createRequire(__filename);
const load = <T>(file: string): T => loadModule(join(dir ?? '', file)) as T;

describe('dashboard scripts', { skip: dir ? false : 'apps/api/dashboard not found above this build' }, () => {
  const parse = (chunks: string[]): SseFrame[] => {
    const frames: SseFrame[] = [];
    const parser = new (load<SseModule>('sse.js').SseParser)((frame) => frames.push(frame));
    for (const chunk of chunks) parser.push(chunk);
    return frames;
  };

  it('parses Server-Sent Events split anywhere, with comments, CRLF and multi-line data', () => {
    const stream =
      ': keep-alive\n\nevent: event\r\ndata: {"a":\r\ndata: 1}\r\n\r\nevent: timeline\ndata:x\nid: 7\n\n';
    const expected = [
      { event: 'event', data: '{"a":\n1}', id: '' },
      { event: 'timeline', data: 'x', id: '7' },
    ];
    assert.deepEqual(parse([stream]), expected);
    for (let cut = 1; cut < stream.length; cut += 1)
      assert.deepEqual(parse([stream.slice(0, cut), stream.slice(cut)]), expected, `cut at ${cut}`);
    assert.deepEqual(parse([...stream]), expected, 'one character at a time');
  });

  it('defaults the type to "message", ignores frames without data and unfinished frames', () => {
    assert.deepEqual(parse(['data: a\n\nevent: rehearsal\n\nretry: 5\n\ndata: unfinished\n']), [
      { event: 'message', data: 'a', id: '' },
    ]);
  });

  it('describes timeline entries in plain words, keeping the details that matter', () => {
    const { timelineText, mediaSummary } = load<FormatModule>('format.js');
    const text = timelineText(
      { type: 'failover', input: 'backup', detail: { reason: 'primary stalled', gapMs: 0, driftMs: 930 } },
      () => 'x',
    );
    assert.equal(text, 'Failover: the backup went on air (backup) — primary stalled, gap 0 ms');
    assert.equal(
      timelineText({ type: 'leg_failed', destinationId: 'd1', detail: { attempt: 2 } }, () => 'YouTube'),
      'Destination failed: YouTube — attempt 2',
    );
    assert.equal(mediaSummary(null), 'No media information yet.');
  });
});
