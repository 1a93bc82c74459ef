import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { DestinationJson, EventJson } from '@relay/contracts';
import { startNginxRtmp, type TestNginxRtmp } from '../utils/nginx-rtmp';
import { waitFor } from '../utils/processes';
import { startFfmpegPublisher, type Publisher } from '../utils/publishers';
import { startRelayStack, type RelayStack } from '../utils/relay-stack';
import { createEvent, getEvent, keepLogs, seconds, waitForEvent } from './fault-kit';

describe('fault: a leg fails while Redis is down', { timeout: 120_000 }, () => {
  let stack: RelayStack;
  let steady: TestNginxRtmp;
  let flaky: TestNginxRtmp;
  let publisher: Publisher | undefined;
  let event: EventJson;

  const leg = async (index: number): Promise<DestinationJson> =>
    (await getEvent(stack, event.id)).body.destinations[index]!;

  before(async () => {
    stack = await startRelayStack();
    steady = await startNginxRtmp();
    flaky = await startNginxRtmp();
    event = await createEvent(stack, 'Leg restart without Redis', [steady, flaky]);
  });

  after(async () => {
    await publisher?.stop();
    keepLogs(stack, 'fault-leg-redis-down');
    await stack?.stop();
    await Promise.all([steady?.stop(), flaky?.stop()]);
  });

  it('restarts the leg from a local timer, without waiting for Redis, and only once per failure', async () => {
    publisher = startFfmpegPublisher({
      url: event.ingest.primary.url,
      width: 640,
      height: 360,
      fps: 30,
      gopFrames: 30,
    });
    await waitForEvent(stack, event.id, (e) => e.ingest.primary.state === 'live', 'primary publishing');
    assert.equal((await stack.request('POST', `/v1/events/${event.id}/start`)).status, 202);
    await waitForEvent(
      stack,
      event.id,
      (e) => e.destinations.every((d) => d.state === 'live'),
      'both legs live',
    );

    await stack.redis.down({ hard: true });
    const port = flaky.port;
    await flaky.stop();
    await waitFor(async () => (await leg(1)).state !== 'live', {
      timeoutMs: 10_000,
      message: 'the flaky leg failed',
    });
    const downAt = Date.now();
    flaky = await startNginxRtmp({ port });
    await waitFor(async () => (await leg(1)).state === 'live', {
      timeoutMs: 20_000,
      message: 'the flaky leg is live again while Redis is still down',
    });
    const backAfterMs = Date.now() - downAt;
    assert.equal((await leg(0)).restarts, 0, 'the steady leg was not touched');
    const restartsWhileDown = (await leg(1)).restarts;

    await stack.redis.up();
    // The jobs queued in the relay's offline queue reach Redis now: they find their runs stale.
    await new Promise((resolve) => setTimeout(resolve, 5000));
    const after = await leg(1);
    assert.equal(after.state, 'live');
    assert.equal(after.restarts, restartsWhileDown, 'no restart ran twice once Redis was back');
    assert.equal(flaky.publishCount(), 0, 'the restarted leg kept its one connection');
    assert.ok(stack.relay.lines().some((l) => /restart left to a local timer/.test(l)));
    console.log(
      `flaky leg live again ${seconds(backAfterMs)} after its destination came back, with Redis down; ` +
        `${restartsWhileDown} restart(s)`,
    );
  });
});
