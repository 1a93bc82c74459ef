import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { EventJson } from '@relay/contracts';
import { decodeErrors } from '../utils/ffprobe';
import { startNginxRtmp, type TestNginxRtmp } from '../utils/nginx-rtmp';
import { freePort } from '../utils/ports';
import { waitFor, type ManagedProcess } from '../utils/processes';
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
  keepLogs,
  RecordingWatch,
  seconds,
  stopExtraRelay,
  waitForEvent,
  waitUntilReceiving,
  goLive,
} from './fault-kit';

const PRIMARY = { width: 1280, height: 720, fps: 30, gopFrames: 30 };

interface TimelineItem {
  type: string;
  at: string;
  detail: Record<string, unknown>;
}

/**
 * `kill -9` of the relay owning a live event, then either a relay started again on the same RTMP port
 * (`restart`) or a second relay that was running all along (`second`) takes it; the encoder reconnects
 * to that relay (an ffmpeg publisher does not reconnect on its own: it is started again).
 */
for (const mode of ['restart', 'second'] as const) {
  const title =
    mode === 'restart'
      ? 'fault: the relay is killed (kill -9) during a live event and started again'
      : 'fault: one of two relays is killed (kill -9) during a live event; the other takes it';
  describe(title, { timeout: 120_000 }, () => {
    let stack: RelayStack;
    let destination: TestNginxRtmp;
    let primary: Publisher | undefined;
    let other: ManagedProcess | undefined;
    let otherPort: number;
    let event: EventJson;

    before(async () => {
      stack = await startRelayStack();
      destination = await startNginxRtmp();
      event = await createEvent(stack, `Relay crash (${mode})`, [destination]);
      otherPort = mode === 'restart' ? stack.rtmpPort : await freePort();
      if (mode === 'second') other = await startRelayProcess(stack, { rtmpPort: otherPort, name: 'relay-2' });
    });

    after(async () => {
      await primary?.stop();
      keepLogs(stack, `fault-relay-crash-${mode}`);
      await stopExtraRelay(other, `fault-relay-crash-${mode}-relay-2`);
      await stack?.stop();
      await destination?.stop();
    });

    it('is taken over within 15 s, leaves no ffmpeg behind, and one relay pushes the leg', async () => {
      primary = startFfmpegPublisher({ url: event.ingest.primary.url, ...PRIMARY });
      await goLive(stack, event.id);
      await waitUntilReceiving([destination]);
      const watch = new RecordingWatch([destination]);
      await new Promise((resolve) => setTimeout(resolve, 2000));

      const relayPid = stack.relay.pid!;
      const legs = ffmpegChildren(relayPid);
      assert.equal(legs.length, 1, 'the relay the encoder publishes to runs the leg');
      if (other) assert.equal(ffmpegChildren(other.pid!).length, 0, 'the other relay pushes nothing');
      const killAt = Date.now();
      process.kill(relayPid, 'SIGKILL'); // the Node process only, as a crash: its legs are not signalled
      await stack.relay.exited;
      await waitFor(() => legs.every((pid) => !alive(pid)), {
        timeoutMs: 5_000,
        message: 'the killed relay’s ffmpeg legs exit on their own (stdin EOF)',
      });
      const legsGoneMs = Date.now() - killAt;

      if (mode === 'restart') other = await startRelayProcess(stack, { name: 'relay-restarted' });
      const readyMs = Date.now() - killAt;
      await primary.stop();
      const url = event.ingest.primary.url.replace(`:${stack.rtmpPort}/`, `:${otherPort}/`);
      primary = startFfmpegPublisher({ url, ...PRIMARY });

      const takeover = await waitFor(
        async () => {
          const timeline = await stack.request<{ items: TimelineItem[] }>(
            'GET',
            `/v1/events/${event.id}/timeline`,
          );
          const items = timeline.body.items ?? [];
          const taken = items.find((i) => i.type === 'event_started' && i.detail.takeover === true);
          const connected = items.find((i) => i.type === 'leg_connected' && Date.parse(i.at) > killAt);
          return taken && connected ? { taken, connected } : null;
        },
        { timeoutMs: 30_000, message: 'the takeover and the leg connected again are on the timeline' },
      );
      const takenOverMs = Date.parse(takeover.connected.at) - killAt;
      await waitForEvent(
        stack,
        event.id,
        (e) => e.status === 'live' && e.destinations.every((d) => d.state === 'live'),
        'the API shows the event live with its leg live',
      );
      await waitUntilReceiving([destination]);
      const backOnAirMs = Date.now() - killAt;
      assert.ok(takenOverMs <= 15_000, `taken over within 15 s of the kill (${takenOverMs} ms)`);
      assert.match(String(takeover.taken.detail.toRelay), new RegExp(`:${otherPort}$`));
      assert.match(String(takeover.taken.detail.fromRelay), new RegExp(`/${relayPid}:`));
      await new Promise((resolve) => setTimeout(resolve, 3000));

      assert.equal(ffmpegChildren(other!.pid!).length, 1, 'the relay that took over runs exactly one leg');
      assert.ok(
        legs.every((pid) => !alive(pid)),
        'no ffmpeg of the killed relay is left',
      );

      assert.equal((await stack.request('POST', `/v1/events/${event.id}/stop`)).status, 202);
      await waitFor(() => destination.publishCount() >= 2, {
        timeoutMs: 15_000,
        message: 'legs closed after stop',
      });
      watch.stop();
      const offAirMs = watch.longestStallMs(killAt, killAt + backOnAirMs)[0] ?? 0;
      assert.equal(destination.publishCount(), 2, 'the destination saw the old connection and a new one');
      for (const file of destination.recordings())
        assert.deepEqual(await decodeErrors(file), [], `${file} decodes without errors`);
      process.stdout.write(
        `# ${mode}: kill -9 → legs of the killed relay gone after ${legsGoneMs} ms; relay ready ${seconds(readyMs)} ` +
          `after; takeover (leg connected again) ${seconds(takenOverMs)} after the kill; destination receiving ` +
          `again ${seconds(backOnAirMs)} after; off air at the destination ${seconds(offAirMs)}\n`,
      );
    });
  });
}
