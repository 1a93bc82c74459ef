import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { EventJson } from '@relay/contracts';
import { decodeErrors } from '../utils/ffprobe';
import { startNginxRtmp, type TestNginxRtmp } from '../utils/nginx-rtmp';
import { waitFor } from '../utils/processes';
import { startFfmpegPublisher, type Publisher } from '../utils/publishers';
import { stopEventAndLegs } from '../utils/live-event';
import { startRelayStack, type RelayStack } from '../utils/relay-stack';
import {
  addDestination,
  assertContinuous,
  assertUnavailable,
  createEvent,
  getEvent,
  keepLogs,
  probe,
  RecordingWatch,
  seconds,
  waitForEvent,
  waitUntilReceiving,
  goLive,
} from './fault-kit';

/** How long Redis stays away: longer than a blip, so reconnection backoff and held work show. */
const REDIS_AWAY_MS = 8000;

describe('fault: Redis killed and restarted during a live event', { timeout: 180_000 }, () => {
  let stack: RelayStack;
  let steady: TestNginxRtmp[] = [];
  let flaky: TestNginxRtmp | undefined;
  let flakyAgain: TestNginxRtmp | undefined;
  let added: TestNginxRtmp | undefined;
  let primary: Publisher | undefined;
  let event: EventJson;

  before(async () => {
    stack = await startRelayStack();
    steady = [await startNginxRtmp(), await startNginxRtmp()];
    flaky = await startNginxRtmp();
    added = await startNginxRtmp();
    event = await createEvent(stack, 'Redis fault', [...steady, flaky]);
  });

  after(async () => {
    await primary?.stop();
    keepLogs(stack, 'fault-redis');
    await stack?.stop();
    for (const destination of [...steady, flaky, flakyAgain, added]) await destination?.stop();
  });

  it('keeps media flowing, refuses queue actions with 503, and catches up when Redis is back', async () => {
    primary = startFfmpegPublisher({ url: event.ingest.primary.url, width: 1280, height: 720, fps: 30 });
    await goLive(stack, event.id);
    const [apiPid, relayPid] = [stack.api.pid, stack.relay.pid];
    const watch = new RecordingWatch(steady);
    await waitUntilReceiving(steady);
    const receivingAt = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 2000));

    const downAt = Date.now();
    await stack.redis.down({ hard: true });

    // Reads keep working; an action that needs the relay is refused, and nothing changes.
    const during = await getEvent(stack, event.id);
    assert.equal(during.status, 200, 'GET /v1/events/:id works while Redis is away');
    assert.equal(during.body.status, 'live');
    const refused = await stack.request('POST', `/v1/events/${event.id}/destinations`, {
      name: 'refused',
      url: added!.url,
      streamKey: 'refused-key',
    });
    assertUnavailable(refused, /job queue \(Redis\).*nothing was changed/, 'adding a destination');
    assert.equal((await getEvent(stack, event.id)).body.destinations.length, 3, 'no destination was added');
    const stopRefused = await stack.request('POST', `/v1/events/${event.id}/stop`);
    assertUnavailable(stopRefused, /job queue \(Redis\).*nothing was changed/, 'stopping the event');
    assert.equal(
      (await getEvent(stack, event.id)).body.status,
      'live',
      'a refused stop leaves the event live',
    );
    const readyz = await probe(stack, '/readyz');
    assertUnavailable(readyz, /job queue \(Redis\) is unavailable/, '/readyz');
    assert.equal(readyz.retryAfter, '5');
    assert.equal((await probe(stack, '/healthz')).status, 200, '/healthz: the API process is alive');

    // A destination drops while Redis is away: its restart is queued in Redis, so it waits for Redis.
    const flakyPort = flaky!.port;
    await flaky!.stop();
    await waitForEvent(
      stack,
      event.id,
      (e) => e.destinations.some((d) => d.state === 'retrying'),
      'the dropped leg shows as retrying',
      10_000,
    );
    flakyAgain = await startNginxRtmp({ port: flakyPort });

    await new Promise((resolve) => setTimeout(resolve, Math.max(0, downAt + REDIS_AWAY_MS - Date.now())));
    await stack.redis.up();
    const upAt = Date.now();

    await waitFor(async () => (await probe(stack, '/readyz')).status === 200, {
      timeoutMs: 15_000,
      message: '/readyz answers 200 again',
    });
    const readyAfterMs = Date.now() - upAt;
    const recovered = await waitForEvent(
      stack,
      event.id,
      (e) => e.destinations.every((d) => d.state === 'live'),
      'the dropped leg restarted from its queued job',
    );
    const legBackAfterMs = Date.now() - upAt;
    assert.ok(recovered.destinations.some((d) => d.restarts >= 1));

    // Actions work again, and the relay's workers take them.
    await addDestination(stack, event.id, added!, 3);
    await waitForEvent(
      stack,
      event.id,
      (e) => e.destinations.length === 4 && e.destinations.every((d) => d.state === 'live'),
      'the destination added after recovery is live',
    );
    await new Promise((resolve) => setTimeout(resolve, 3000));
    await stopEventAndLegs(stack, event.id, [...steady, added!]);
    watch.stop();

    assert.equal(stack.api.pid, apiPid, 'the API was not restarted');
    assert.equal(stack.relay.pid, relayPid, 'the relay was not restarted');
    assert.ok(stack.api.running && stack.relay.running);

    const stalls = watch.longestStallMs(downAt, upAt + 5000);
    const baseline = watch.longestStallMs(receivingAt, downAt);
    const report = [
      `Redis away ${seconds(upAt - downAt)}; /readyz 200 again ${readyAfterMs} ms after Redis was back; ` +
        `dropped leg live again after ${seconds(legBackAfterMs)}`,
    ];
    for (const [i, destination] of steady.entries()) {
      const continuity = await assertContinuous(destination, `destination ${i}`);
      report.push(
        ...continuity.lines,
        `destination ${i}: longest time without data ${stalls[i]} ms during the fault (${baseline[i]} ms before it)`,
      );
    }
    const addedRecording = added!.recordings()[0];
    assert.ok(addedRecording, 'the destination added after recovery recorded the program');
    assert.deepEqual(await decodeErrors(addedRecording), []);
    assert.ok(flakyAgain.recordings().length >= 1, 'the restarted destination received the program again');
    process.stdout.write(`# ${report.join('\n# ')}\n`);
  });
});
