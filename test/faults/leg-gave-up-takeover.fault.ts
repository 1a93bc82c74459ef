import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { DestinationJson, EventJson } from '@relay/contracts';
import { startNginxRtmp, type TestNginxRtmp } from '../utils/nginx-rtmp';
import { waitFor, type ManagedProcess } from '../utils/processes';
import { startFfmpegPublisher, type Publisher } from '../utils/publishers';
import { startRelayProcess, startRelayStack, type RelayStack } from '../utils/relay-stack';
import {
  addNamedDestination,
  eventTimeline,
  getEvent,
  keepLogs,
  seconds,
  type TimelineEntry,
  waitForEvent,
  waitUntilReceiving,
} from './fault-kit';

const PRIMARY = { width: 640, height: 360, fps: 30, gopFrames: 30 };
/** Gives up at the second refusal, quickly. */
const GIVE_UP = { giveUpAfterFailures: 2, maxBackoffMs: 1000, giveUpWindowMs: 60_000 };
/** How long the test watches the relay that took over for publish attempts at the refusing server, ms. */
const QUIET_MS = 5000;

/**
 * The relay owning the event is killed (`SIGKILL`: a crash, the next relay takes over once the owner lock
 * lapses) or stopped (`SIGTERM`: it closes its legs and hands the event over), then started again on the
 * same RTMP port; the encoder publishes to it again.
 */
for (const signal of ['SIGKILL', 'SIGTERM'] as const)
  describe(
    `fault: a destination that gave up stays down when the relay gets ${signal} and is started again`,
    { timeout: 90_000 },
    () => {
      let stack: RelayStack;
      let good: TestNginxRtmp;
      let refusing: TestNginxRtmp;
      let restarted: ManagedProcess | undefined;
      let primary: Publisher | undefined;
      let event: EventJson;
      const ids = { good: '', refusing: '' };

      const destination = async (id: string): Promise<DestinationJson | undefined> =>
        (await getEvent(stack, event.id)).body.destinations.find((d) => d.id === id);
      const timeline = (): Promise<TimelineEntry[]> => eventTimeline(stack, event.id);
      const add = (name: string, url: string, streamKey: string, legPolicy?: object): Promise<string> =>
        addNamedDestination(stack, event.id, { name, url, streamKey, legPolicy });

      before(async () => {
        stack = await startRelayStack();
        good = await startNginxRtmp();
        refusing = await startNginxRtmp({ denyPublish: true });
        const created = await stack.request<EventJson>('POST', '/v1/events', {
          name: 'Gave up, then relay crash',
          failover: { stallTimeoutMs: 1000 },
        });
        assert.equal(created.status, 201);
        event = created.body;
        ids.good = await add('good', good.url, 'good-key-0123456789');
        ids.refusing = await add('refusing', refusing.url, 'refused-key-0123456789', GIVE_UP);
      });

      after(async () => {
        await primary?.stop();
        keepLogs(stack, `fault-leg-gave-up-takeover-${signal}`);
        if (restarted) {
          mkdirSync(join(process.cwd(), 'test-output'), { recursive: true });
          writeFileSync(
            join(process.cwd(), 'test-output', `fault-leg-gave-up-takeover-${signal}-relay-restarted.log`),
            restarted.lines().join('\n'),
          );
          await restarted.stop('SIGTERM', 10_000);
        }
        await stack?.stop();
        for (const d of [good, refusing]) await d?.stop();
      });

      it('the relay that takes the event over starts the good leg only; a retry by hand starts the other', async () => {
        primary = startFfmpegPublisher({ url: event.ingest.primary.url, ...PRIMARY });
        await waitForEvent(stack, event.id, (e) => e.ingest.primary.state === 'live', 'primary publishing');
        assert.equal((await stack.request('POST', `/v1/events/${event.id}/start`)).status, 202);
        await waitForEvent(
          stack,
          event.id,
          (e) => e.destinations.find((d) => d.id === ids.refusing)?.state === 'failed',
          'the refusing destination gave up',
        );
        await waitUntilReceiving([good]);
        const refusedBefore = refusing.refusedPublishCount();
        assert.equal(refusedBefore, 2, 'two publish attempts refused, then it gave up');

        const killAt = Date.now();
        process.kill(stack.relay.pid!, signal); // the Node process only
        await stack.relay.exited;
        restarted = await startRelayProcess(stack, { name: 'relay-restarted' });
        await primary.stop();
        primary = startFfmpegPublisher({ url: event.ingest.primary.url, ...PRIMARY });
        await waitFor(
          async () => {
            const entries = await timeline();
            return entries.some(
              (t) => t.type === 'leg_connected' && t.destinationId === ids.good && Date.parse(t.at) > killAt,
            );
          },
          { timeoutMs: 40_000, message: 'the relay that took over connected the good leg again' },
        );
        const takenOverMs = Date.now() - killAt;
        await new Promise((resolve) => setTimeout(resolve, QUIET_MS));
        assert.equal(
          refusing.refusedPublishCount(),
          refusedBefore,
          'no publish attempt at the refusing server',
        );
        const held = await destination(ids.refusing);
        assert.equal(held?.state, 'failed', 'the given-up destination is still shown failed');
        assert.match(held?.lastError ?? '', /stream key was probably refused/);
        assert.equal((await destination(ids.good))?.state, 'live');
        const afterKill = (await timeline()).filter((t) => Date.parse(t.at) > killAt);
        assert.ok(
          afterKill.some((t) => t.type === 'event_started' && t.detail.takeover === true),
          'the takeover is on the timeline',
        );
        assert.deepEqual(
          afterKill.filter((t) => t.destinationId === ids.refusing).map((t) => t.type),
          [],
          'nothing happened to the given-up destination after the kill',
        );
        if (signal === 'SIGTERM') {
          const handedOver = afterKill.find((t) => t.type === 'leg_stopped' && t.destinationId === ids.good);
          assert.equal(
            handedOver?.detail.reason,
            'handed_over',
            'the relay stopping said it closed the good leg',
          );
        }

        const retried = await stack.request<DestinationJson>(
          'POST',
          `/v1/events/${event.id}/destinations/${ids.refusing}/retry`,
        );
        assert.equal(retried.status, 202, JSON.stringify(retried.body));
        await waitFor(() => refusing.refusedPublishCount() >= refusedBefore + 2, {
          timeoutMs: 15_000,
          message: 'the retry started the refusing destination again (two more refusals)',
        });
        await waitFor(async () => (await destination(ids.refusing))?.state === 'failed', {
          timeoutMs: 10_000,
          message: 'and it gave up again',
        });

        // A live leg closed on purpose ends its time on air in the timeline (usage reads it).
        assert.equal(
          (await stack.request('DELETE', `/v1/events/${event.id}/destinations/${ids.good}`)).status,
          204,
        );
        await waitFor(
          async () =>
            (await timeline()).find(
              (t) =>
                t.type === 'leg_stopped' &&
                t.destinationId === ids.good &&
                t.detail.reason === 'destination_removed',
            ) ?? null,
          { timeoutMs: 15_000, message: 'the removed live leg is leg_stopped on the timeline' },
        );
        process.stdout.write(
          `# ${signal} → good leg connected again ${seconds(takenOverMs)} after; refusing server: ` +
            `${refusedBefore} refusals before the kill, none in the ${seconds(QUIET_MS)} after the takeover, ` +
            `${refusing.refusedPublishCount()} in all after the retry\n`,
        );
      });
    },
  );
