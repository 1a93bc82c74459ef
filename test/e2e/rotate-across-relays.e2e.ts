import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { EventJson } from '@relay/contracts';
import { freePort } from '../utils/ports';
import { exitWithin, waitFor, type ManagedProcess } from '../utils/processes';
import { killAllPublishers, startFfmpegPublisher, type Publisher } from '../utils/publishers';
import { startRelayProcess, startRelayStack, type RelayStack } from '../utils/relay-stack';

/** Events rotated: the sync job reaches either relay's worker, so 4 rotations all cut by luck is 1 in 16. */
const ROTATIONS = 4;

/**
 * Two relays share the database and Redis; each encoder publishes to the second relay while the API's
 * `sync` job may be taken by either. A rotated ingest key must cut the old key's publisher wherever it is.
 */
describe('Ingest key rotation across relays', { timeout: 120_000 }, () => {
  let stack: RelayStack;
  let secondRelay: ManagedProcess;
  let secondRtmpPort: number;
  const publishers: Publisher[] = [];

  before(async () => {
    stack = await startRelayStack();
    secondRtmpPort = await freePort();
    secondRelay = await startRelayProcess(stack, { rtmpPort: secondRtmpPort, name: 'relay-2' });
  });

  after(async () => {
    for (const p of publishers) p.kill();
    killAllPublishers();
    await secondRelay?.stop('SIGTERM', 10_000);
    await stack?.stop();
  });

  it('cuts the publisher of the old key on the relay it is connected to, every time', async () => {
    for (let i = 0; i < ROTATIONS; i++) {
      const created = await stack.request<EventJson>('POST', '/v1/events', { name: `Rotate ${i}` });
      assert.equal(created.status, 201);
      const event = created.body;
      const url = new URL(event.ingest.primary.url);
      url.port = String(secondRtmpPort);
      const publisher = startFfmpegPublisher({
        url: url.toString(),
        width: 320,
        height: 240,
        fps: 25,
        gopFrames: 25,
      });
      publishers.push(publisher);
      await waitFor(
        () => secondRelay.lines().some((line) => line.includes('publish started') && line.includes(event.id)),
        { timeoutMs: 20_000, message: `event ${i}: the second relay lets the primary in` },
      );

      const rotated = await stack.request<EventJson>(
        'POST',
        `/v1/events/${event.id}/ingest/primary/rotate-key`,
      );
      assert.equal(rotated.status, 200);
      const exit = await exitWithin(publisher, 10_000);
      assert.ok(exit, `event ${i}: the publisher on the old key is cut on the relay it publishes to`);
      assert.ok(
        secondRelay
          .lines()
          .some((line) => line.includes(event.id) && line.includes('its stream key was rotated')),
        `event ${i}: the second relay says why it cut the publisher`,
      );
    }
  });
});
