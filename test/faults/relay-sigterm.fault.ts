import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { EventJson } from '@relay/contracts';
import { decodeErrors } from '../utils/ffprobe';
import { startNginxRtmp, type TestNginxRtmp } from '../utils/nginx-rtmp';
import { exitWithin, waitFor, type ManagedProcess } from '../utils/processes';
import { startFfmpegPublisher, type Publisher } from '../utils/publishers';
import {
  alive,
  ffmpegChildren,
  startRelayProcess,
  startRelayStack,
  type RelayStack,
} from '../utils/relay-stack';
import {
  createEvent,
  goLive,
  keepLogs,
  seconds,
  stopExtraRelay,
  waitForEvent,
  waitUntilReceiving,
} from './fault-kit';

const PRIMARY = { width: 1280, height: 720, fps: 30, gopFrames: 30 };
/** Longest a relay may take to close its legs and exit on SIGTERM (legs flush within 3 s, then SIGINT). */
const SHUTDOWN_BOUND_MS = 15_000;

interface TimelineItem {
  type: string;
  at: string;
  detail: Record<string, unknown>;
}

describe('fault: SIGTERM on the only relay process during a live event', { timeout: 150_000 }, () => {
  let stack: RelayStack;
  let destination: TestNginxRtmp;
  let primary: Publisher | undefined;
  let restarted: ManagedProcess | undefined;
  let event: EventJson;

  before(async () => {
    stack = await startRelayStack();
    destination = await startNginxRtmp();
    event = await createEvent(stack, 'Relay SIGTERM', [destination]);
  });

  after(async () => {
    await primary?.stop();
    keepLogs(stack, 'fault-relay-sigterm');
    await stopExtraRelay(restarted, 'fault-relay-sigterm-relay-2');
    await stack?.stop();
    await destination?.stop();
  });

  it('closes its legs cleanly, keeps the event on air in the database, and the next relay resumes it', async () => {
    primary = startFfmpegPublisher({ url: event.ingest.primary.url, ...PRIMARY });
    await goLive(stack, event.id);
    await waitUntilReceiving([destination]);
    await new Promise((resolve) => setTimeout(resolve, 2000));

    const relayPid = stack.relay.pid!;
    const legs = ffmpegChildren(relayPid);
    assert.ok(legs.length >= 1);
    const termAt = Date.now();
    process.kill(relayPid, 'SIGTERM'); // the Node process only, as an orchestrator does
    const exit = await exitWithin(stack.relay, SHUTDOWN_BOUND_MS);
    const exitMs = Date.now() - termAt;
    assert.ok(exit, `the relay exits within ${SHUTDOWN_BOUND_MS} ms of SIGTERM`);
    // Nest re-raises the signal once its shutdown hooks are done.
    assert.ok(
      exit.code === 0 || exit.signal === 'SIGTERM',
      `the relay ends normally (${JSON.stringify(exit)})`,
    );
    assert.ok(
      legs.every((pid) => !alive(pid)),
      'its legs exited with it',
    );
    assert.ok(
      stack.relay
        .lines()
        .some((line) => /legs closed and event handed over|legs closed; not handed over/.test(line)),
      'the relay says it closed the legs of the event it owned',
    );

    // The destination saw the session end (nginx logs a session when it closes) and the recording decodes.
    await waitFor(() => destination.publishCount() === 1, {
      timeoutMs: 5_000,
      message: 'nginx saw the unpublish',
    });
    const [recording] = destination.recordings();
    assert.ok(recording);
    assert.deepEqual(await decodeErrors(recording), [], 'the recording decodes without errors');

    // The event is still on air in the database, its leg is not shown live.
    const stored = await waitForEvent(
      stack,
      event.id,
      (e) => e.destinations.every((d) => d.state !== 'live'),
      'the leg is no longer shown live',
      10_000,
    );
    assert.equal(stored.status, 'live', 'the event stays on air, waiting for a relay');

    // The next relay process takes the handed-over event at once; the encoder reconnects to it.
    restarted = await startRelayProcess(stack, { name: 'relay-2' });
    const readyAt = Date.now();
    await primary.stop();
    primary = startFfmpegPublisher({ url: event.ingest.primary.url, ...PRIMARY });
    const taken = await waitFor(
      async () => {
        const timeline = await stack.request<{ items: TimelineItem[] }>(
          'GET',
          `/v1/events/${event.id}/timeline`,
        );
        return (timeline.body.items ?? []).find(
          (i) => i.type === 'event_started' && i.detail.takeover === true,
        );
      },
      { timeoutMs: 20_000, message: 'the takeover is on the timeline' },
    );
    assert.equal(taken.detail.cause, 'handed over on shutdown');
    await waitForEvent(
      stack,
      event.id,
      (e) => e.status === 'live' && e.destinations.every((d) => d.state === 'live'),
      'the event is live again on the new relay',
    );
    const resumedMs = Date.now() - readyAt;
    await waitUntilReceiving([destination]);
    assert.equal((await stack.request('POST', `/v1/events/${event.id}/stop`)).status, 202);
    await waitFor(() => destination.publishCount() === 2, {
      timeoutMs: 15_000,
      message: 'legs closed after stop',
    });
    process.stdout.write(
      `# SIGTERM → legs closed, event handed over and relay exited in ${seconds(exitMs)}; ` +
        `the next relay had the leg live ${seconds(resumedMs)} after it was ready\n`,
    );
  });
});
