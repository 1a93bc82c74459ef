import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Client } from 'pg';
import type { EventJson } from '@relay/contracts';
import { startNginxRtmp, type TestNginxRtmp } from '../utils/nginx-rtmp';
import { waitFor } from '../utils/processes';
import { startFfmpegPublisher, type Publisher } from '../utils/publishers';
import { startRelayStack, type RelayStack } from '../utils/relay-stack';

describe('leg supervisor: a destination that goes away and comes back', { timeout: 180_000 }, () => {
  let stack: RelayStack;
  let steady: TestNginxRtmp;
  let flaky: TestNginxRtmp;
  let publisher: Publisher | null = null;
  let event: EventJson;

  const getEvent = async (): Promise<EventJson> =>
    (await stack.request<EventJson>('GET', `/v1/events/${event.id}`)).body;
  const legOf = async (name: string) => (await getEvent()).destinations.find((d) => d.name === name)!;

  before(async () => {
    stack = await startRelayStack({ LEG_RESTART_MIN_DELAY_MS: '300', LEG_RESTART_MAX_DELAY_MS: '2000' });
    steady = await startNginxRtmp();
    flaky = await startNginxRtmp();
    event = (await stack.request<EventJson>('POST', '/v1/events', { name: 'Supervisor e2e' })).body;
    await stack.request('POST', `/v1/events/${event.id}/destinations`, {
      name: 'steady',
      url: steady.url,
      streamKey: 'steady-key',
    });
    await stack.request('POST', `/v1/events/${event.id}/destinations`, {
      name: 'flaky',
      url: flaky.url,
      streamKey: 'flaky-key',
    });
  });

  after(async () => {
    await publisher?.stop();
    await stack?.stop();
    await Promise.all([steady?.stop(), flaky?.stop()]);
  });

  it('restarts the failed leg with backoff until the destination is back, without touching the other leg', async () => {
    publisher = startFfmpegPublisher({
      url: event.ingest.primary.url,
      width: 640,
      height: 360,
      fps: 30,
      gopFrames: 30,
    });
    await stack.request('POST', `/v1/events/${event.id}/start`);
    await waitFor(async () => (await getEvent()).destinations.every((d) => d.state === 'live'), {
      timeoutMs: 30_000,
      message: 'both legs live',
    });

    const flakyPort = flaky.port;
    await flaky.stop();
    await waitFor(async () => (await legOf('flaky')).restarts >= 2, {
      timeoutMs: 20_000,
      message: 'the leg was restarted while the destination was down',
    });
    const whileDown = await legOf('flaky');
    assert.notEqual(whileDown.state, 'live');
    assert.equal((await legOf('steady')).state, 'live', 'the other leg is untouched');

    flaky = await startNginxRtmp({ port: flakyPort });
    await waitFor(async () => (await legOf('flaky')).state === 'live', {
      timeoutMs: 20_000,
      message: 'the leg is live again',
    });
    assert.equal((await legOf('steady')).restarts, 0);

    const db = new Client({ connectionString: stack.databaseUrl });
    await db.connect();
    try {
      const failures = await db.query<{ detail: { reason: string; attempt: number; retryInMs: number } }>(
        `SELECT detail FROM timeline_entries WHERE event_id = $1 AND type = 'leg_failed' ORDER BY id`,
        [event.id],
      );
      assert.ok(failures.rows.length >= 2);
      assert.match(failures.rows[0]!.detail.reason, /destination (closed|refused) the connection/);
      const delays = failures.rows.map((r) => r.detail.retryInMs);
      assert.ok(
        delays.every((d) => d <= 2000),
        `backoff capped at LEG_RESTART_MAX_DELAY_MS: ${delays.join(', ')}`,
      );
      assert.ok(failures.rows.at(-1)!.detail.attempt > 1, 'consecutive failures are counted');
    } finally {
      await db.end();
    }

    await stack.request('POST', `/v1/events/${event.id}/stop`);
    await waitFor(() => steady.publishCount() === 1, { timeoutMs: 10_000, message: 'steady leg closed' });
    assert.equal(steady.recordings().length, 1, 'the steady destination saw one connection only');
    const logs = stack.logs().join('\n');
    assert.ok(
      !logs.includes('flaky-key') && !logs.includes('steady-key'),
      'destination keys never reach the logs',
    );
  });
});
