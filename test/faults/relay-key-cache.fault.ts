import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { EventJson } from '@relay/contracts';
import { decodeErrors } from '../utils/ffprobe';
import { startNginxRtmp, type TestNginxRtmp } from '../utils/nginx-rtmp';
import { waitFor } from '../utils/processes';
import { startFfmpegPublisher, type Publisher } from '../utils/publishers';
import { startRelayStack, type RelayStack } from '../utils/relay-stack';
import { createEvent, goLive, keepLogs, seconds, waitForEvent, waitUntilReceiving } from './fault-kit';

const PRIMARY = { width: 1280, height: 720, fps: 30, gopFrames: 30 };

describe('fault: an encoder reconnects while PostgreSQL is away', { timeout: 120_000 }, () => {
  let stack: RelayStack;
  let destination: TestNginxRtmp;
  let primary: Publisher | undefined;
  let event: EventJson;

  before(async () => {
    stack = await startRelayStack();
    destination = await startNginxRtmp();
    event = await createEvent(stack, 'Key cache', [destination]);
  });

  after(async () => {
    await primary?.stop();
    keepLogs(stack, 'fault-relay-key-cache');
    if (stack && !stack.postgres.running) await stack.postgres.up();
    await stack?.stop();
    await destination?.stop();
  });

  it('is let back in by its stream key accepted before, and the timeline keeps the reconnect’s time', async () => {
    primary = startFfmpegPublisher({ url: event.ingest.primary.url, ...PRIMARY });
    await goLive(stack, event.id);
    await waitUntilReceiving([destination]);

    await stack.postgres.down();
    const downAt = Date.now();
    await primary.stop();
    primary = startFfmpegPublisher({ url: event.ingest.primary.url, ...PRIMARY });
    const reconnectAt = Date.now();
    await stack.relay.waitForLine(/primary let back in by a key accepted before/, 20_000, false);
    const letInMs = Date.now() - reconnectAt;
    await stack.relay.waitForLine(/primary live \(media flowing\)/, 20_000, false);
    await waitUntilReceiving([destination]);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, downAt + 8_000 - Date.now())));
    await stack.postgres.up();
    const upAt = Date.now();

    await waitForEvent(
      stack,
      event.id,
      (e) => e.ingest.primary.state === 'live' && e.status === 'live',
      'the reconnected primary is stored as live',
    );
    // The relay writes what it held once it sees the database again (retries every 5 s at most).
    const reconnected = await waitFor(
      async () => {
        const timeline = await stack.request<{ items: Array<{ type: string; at: string }> }>(
          'GET',
          `/v1/events/${event.id}/timeline`,
        );
        const connects = (timeline.body.items ?? []).filter((i) => i.type === 'input_connected');
        return connects.length >= 2 ? connects.at(-1) : undefined;
      },
      { timeoutMs: 20_000, message: 'the reconnect is on the timeline' },
    );
    const at = Date.parse(reconnected.at);
    assert.ok(at >= reconnectAt - 1000 && at < upAt, 'its time is when it happened, not when it was written');

    assert.equal((await stack.request('POST', `/v1/events/${event.id}/stop`)).status, 202);
    await waitFor(() => destination.publishCount() >= 1, { timeoutMs: 15_000, message: 'leg closed' });
    assert.equal(destination.publishCount(), 1, 'the destination kept one connection');
    assert.deepEqual(await decodeErrors(destination.recordings()[0]!), []);
    process.stdout.write(
      `# reconnect while PostgreSQL was away let in after ${letInMs} ms; its input_connected entry is dated ` +
        `${seconds(upAt - at)} before PostgreSQL came back\n`,
    );
  });
});
