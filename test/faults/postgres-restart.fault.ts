import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { EventJson } from '@relay/contracts';
import { decodeErrors, probeFrameSizes } from '../utils/ffprobe';
import { startNginxRtmp, type TestNginxRtmp } from '../utils/nginx-rtmp';
import { waitFor } from '../utils/processes';
import { startFfmpegPublisher, startGstPublisher, type Publisher } from '../utils/publishers';
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
} from './fault-kit';

/** How long PostgreSQL stays away: longer than the relay's former write retries (20 × 500 ms). */
const POSTGRES_AWAY_MS = 12_000;
const PRIMARY = { width: 1280, height: 720 };
const BACKUP = { width: 854, height: 480 };

/** Consecutive runs of frame sizes, e.g. ["1280x720", "854x480", "1280x720"]. */
function sizeRuns(frames: Array<{ width: number; height: number }>): string[] {
  const runs: string[] = [];
  for (const f of frames) {
    const size = `${f.width}x${f.height}`;
    if (runs.at(-1) !== size) runs.push(size);
  }
  return runs;
}

describe('fault: PostgreSQL stopped and started again during a live event', { timeout: 180_000 }, () => {
  let stack: RelayStack;
  let destinations: TestNginxRtmp[] = [];
  let added: TestNginxRtmp | undefined;
  let primary: Publisher | undefined;
  let backup: Publisher | undefined;
  let event: EventJson;

  before(async () => {
    stack = await startRelayStack();
    destinations = [await startNginxRtmp(), await startNginxRtmp()];
    added = await startNginxRtmp();
    event = await createEvent(stack, 'PostgreSQL fault', destinations);
  });

  after(async () => {
    await Promise.all([primary?.stop(), backup?.stop()]);
    keepLogs(stack, 'fault-postgres');
    await stack?.stop();
    for (const destination of [...destinations, added]) await destination?.stop();
  });

  it('keeps the event on air, fails over without the database, answers 503, then catches up', async () => {
    primary = startFfmpegPublisher({ url: event.ingest.primary.url, ...PRIMARY, fps: 30, gopFrames: 30 });
    backup = startGstPublisher({ url: event.ingest.backup.url, ...BACKUP, sink: 'rtmp2sink' });
    await waitForEvent(
      stack,
      event.id,
      (e) => e.ingest.primary.state === 'live' && e.ingest.backup.state === 'live',
      'both encoders publishing',
    );
    assert.equal((await stack.request('POST', `/v1/events/${event.id}/start`)).status, 202);
    await waitForEvent(
      stack,
      event.id,
      (e) =>
        e.status === 'live' && e.activeInput === 'primary' && e.destinations.every((d) => d.state === 'live'),
      'event live on the primary with both legs live',
    );
    const [apiPid, relayPid] = [stack.api.pid, stack.relay.pid];
    const watch = new RecordingWatch(destinations);
    await waitUntilReceiving(destinations);
    const receivingAt = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 2000));

    const downAt = Date.now();
    await stack.postgres.down();

    // The API stays up and says the database is away, in the one error shape.
    const asked = Date.now();
    const read = await getEvent(stack, event.id);
    const answeredInMs = Date.now() - asked;
    assertUnavailable(read, /database \(PostgreSQL\) is unavailable/, 'GET /v1/events/:id');
    const action = await stack.request('POST', `/v1/events/${event.id}/stop`);
    assertUnavailable(action, /database \(PostgreSQL\) is unavailable/, 'POST /v1/events/:id/stop');
    const readyz = await probe(stack, '/readyz');
    assertUnavailable(readyz, /database \(PostgreSQL\) is unavailable/, '/readyz');
    assert.equal(readyz.retryAfter, '5');
    assert.equal((await probe(stack, '/healthz')).status, 200, '/healthz: the API process is alive');

    // The primary encoder dies while the database is away: the relay fails over on its own.
    primary.kill();
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, downAt + POSTGRES_AWAY_MS - Date.now())));
    await stack.postgres.up();
    const upAt = Date.now();

    await waitFor(async () => (await getEvent(stack, event.id)).status === 200, {
      timeoutMs: 15_000,
      message: 'the API answers again',
    });
    const apiBackAfterMs = Date.now() - upAt;
    // What the relay saw while the database was away reached it: the failover, the lost primary.
    const caughtUp = await waitForEvent(
      stack,
      event.id,
      (e) => e.activeInput === 'backup' && e.ingest.primary.state === 'offline',
      'the failover done while PostgreSQL was away is stored',
      15_000,
    );
    const stateBackAfterMs = Date.now() - upAt;
    assert.equal(caughtUp.status, 'live', 'the event is still live');
    assert.ok(caughtUp.destinations.every((d) => d.state === 'live' && d.restarts === 0));
    const timeline = await stack.request<{ items: Array<{ type: string; at: string }> }>(
      'GET',
      `/v1/events/${event.id}/timeline`,
    );
    assert.equal(timeline.status, 200);
    assert.ok(
      timeline.body.items.some((entry) => entry.type === 'failover'),
      'the failover is in the timeline',
    );

    // The relay reads the database again: the primary is let back in (stream key lookup) and fails back.
    primary = startFfmpegPublisher({ url: event.ingest.primary.url, ...PRIMARY, fps: 30, gopFrames: 30 });
    await waitForEvent(stack, event.id, (e) => e.activeInput === 'primary', 'failback to the primary');
    // Actions work again.
    await addDestination(stack, event.id, added!, 2);
    await waitForEvent(
      stack,
      event.id,
      (e) => e.destinations.length === 3 && e.destinations.every((d) => d.state === 'live'),
      'the destination added after recovery is live',
    );
    await new Promise((resolve) => setTimeout(resolve, 3000));
    await stopEventAndLegs(stack, event.id, [...destinations, added!]);
    watch.stop();
    const stopped = await getEvent(stack, event.id);
    assert.equal(stopped.body.status, 'ended');

    assert.equal(stack.api.pid, apiPid, 'the API was not restarted');
    assert.equal(stack.relay.pid, relayPid, 'the relay was not restarted');
    assert.ok(stack.api.running && stack.relay.running);

    const stalls = watch.longestStallMs(downAt, upAt + 5000);
    const baseline = watch.longestStallMs(receivingAt, downAt);
    const report = [
      `PostgreSQL away ${seconds(upAt - downAt)}; GET answered 503 in ${answeredInMs} ms while away; ` +
        `API answered 200 again ${apiBackAfterMs} ms after PostgreSQL was back; ` +
        `failover stored ${seconds(stateBackAfterMs)} after`,
    ];
    for (const [i, destination] of destinations.entries()) {
      const continuity = await assertContinuous(destination, `destination ${i}`);
      report.push(
        ...continuity.lines,
        `destination ${i}: longest time without data ${stalls[i]} ms during the fault (${baseline[i]} ms before it)`,
      );
      assert.deepEqual(
        sizeRuns(await probeFrameSizes(destination.recordings()[0]!)),
        ['1280x720', '854x480', '1280x720'],
        `destination ${i} frames go primary → backup (during the outage) → primary`,
      );
    }
    const addedRecording = added!.recordings()[0];
    assert.ok(addedRecording, 'the destination added after recovery recorded the program');
    assert.deepEqual(await decodeErrors(addedRecording), []);
    process.stdout.write(`# ${report.join('\n# ')}\n`);
  });
});
