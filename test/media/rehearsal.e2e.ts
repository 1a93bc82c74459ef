import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { EventJson, RehearsalJson } from '@relay/contracts';
import { createEventWithDestinations, goLiveOnPrimary, startEncoders } from '../utils/live-event';
import { startNginxRtmp, type TestNginxRtmp } from '../utils/nginx-rtmp';
import { waitFor } from '../utils/processes';
import type { Publisher } from '../utils/publishers';
import { startRelayStack, type RelayStack } from '../utils/relay-stack';

interface ErrorBody {
  error: { code: string; message: string; details?: Array<{ field: string }> };
}

describe('failover rehearsal: the dashboard’s "drop the primary" button', { timeout: 240_000 }, () => {
  let stack: RelayStack;
  let destination: TestNginxRtmp;
  let primary: Publisher | null = null;
  let backup: Publisher | null = null;
  let event: EventJson;

  const getEvent = async (): Promise<EventJson> =>
    (await stack.request<EventJson>('GET', `/v1/events/${event.id}`)).body;
  const rehearsals = () => `/v1/events/${event.id}/rehearsals`;
  const waitEnded = async (id: string, timeoutMs: number): Promise<RehearsalJson> =>
    waitFor(
      async () => {
        const r = (await stack.request<RehearsalJson>('GET', `${rehearsals()}/${id}`)).body;
        return r.status !== 'running' ? r : null;
      },
      { timeoutMs, intervalMs: 250, message: 'the rehearsal ended' },
    );

  before(async () => {
    stack = await startRelayStack();
    destination = await startNginxRtmp();
    event = await createEventWithDestinations(
      stack,
      { name: 'Rehearsal e2e', failover: { failbackAfterMs: 2000 } },
      [{ name: 'nginx', url: destination.url, streamKey: 'rehearsal-key' }],
    );
  });

  after(async () => {
    await Promise.all([primary?.stop(), backup?.stop()]);
    await stack?.stop();
    await destination?.stop();
  });

  it('refuses with 409 and says what to do while the event is not live', async () => {
    const response = await stack.request<ErrorBody>('POST', rehearsals(), {});
    assert.equal(response.status, 409);
    assert.match(response.body.error.message, /not live: start it/);
    const bad = await stack.request<ErrorBody>('POST', rehearsals(), { durationMs: 100 });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.details?.[0]?.field, 'durationMs');
  });

  it('drops the primary, reports a pass, and brings the primary back without any leg reconnecting', async () => {
    ({ primary, backup } = await startEncoders(stack, event, {
      primary: { width: 1280, height: 720, fps: 30, gopFrames: 30 },
      backup: { width: 854, height: 480 },
    }));
    await goLiveOnPrimary(stack, event.id);

    const created = await stack.request<RehearsalJson>('POST', rehearsals(), { durationMs: 5000 });
    assert.equal(created.status, 202);
    assert.equal(created.body.status, 'running');
    assert.equal(created.body.verdict, null);
    const second = await stack.request<ErrorBody>('POST', rehearsals(), {});
    assert.equal(second.status, 409);
    assert.match(second.body.error.message, /already running/);

    await waitFor(async () => (await getEvent()).activeInput === 'backup', {
      timeoutMs: 5000,
      message: 'the backup took over',
    });
    assert.equal(
      (await getEvent()).ingest.primary.state,
      'stalled',
      'the primary is shown as dropped while its encoder stays connected',
    );

    const report = await waitEnded(created.body.id, 30_000);
    assert.equal(report.status, 'completed');
    assert.equal(report.verdict, 'pass', report.reasons.join('; '));
    assert.ok(report.detectionMs !== null && report.detectionMs < 1000, `detection ${report.detectionMs} ms`);
    assert.ok(
      report.switchGapMs !== null && report.switchGapMs <= 100,
      `switch gap ${report.switchGapMs} ms`,
    );
    assert.ok(
      report.failbackGapMs !== null && report.failbackGapMs <= 100,
      `failback gap ${report.failbackGapMs} ms`,
    );
    assert.equal(report.legReconnects, 0);
    assert.equal(report.legs.length, 1);
    assert.ok(report.legs[0]!.stayedConnected);
    assert.ok(report.legs[0]!.bytesDuringSwitch > 10_000, `${report.legs[0]!.bytesDuringSwitch} bytes`);
    assert.ok(report.endedAt && report.startedAt < report.endedAt);
    await waitFor(async () => (await getEvent()).activeInput === 'primary', {
      timeoutMs: 5000,
      message: 'primary back on air',
    });
    process.stdout.write(
      `# rehearsal: detection ${report.detectionMs} ms, switch gap ${report.switchGapMs} ms, failback gap ${report.failbackGapMs} ms\n`,
    );

    const list = await stack.request<{ items: RehearsalJson[] }>('GET', rehearsals());
    assert.equal(list.body.items[0]?.id, created.body.id);
  });

  it('aborts at once when the backup really fails during the rehearsal, and the primary comes back', async () => {
    const created = await stack.request<RehearsalJson>('POST', rehearsals(), { durationMs: 60_000 });
    assert.equal(created.status, 202);
    await waitFor(async () => (await getEvent()).activeInput === 'backup', {
      timeoutMs: 5000,
      message: 'the backup took over',
    });
    backup!.kill();
    const report = await waitEnded(created.body.id, 10_000);
    assert.equal(report.status, 'aborted');
    assert.equal(report.verdict, 'fail');
    assert.match(report.reasons[0]!, /backup was lost/);
    await waitFor(async () => (await getEvent()).activeInput === 'primary', {
      timeoutMs: 5000,
      message: 'primary back on air',
    });
  });

  it('kept the destination on one connection through both rehearsals', async () => {
    await stack.request('POST', `/v1/events/${event.id}/stop`);
    await waitFor(() => destination.publishCount() >= 1, { timeoutMs: 10_000, message: 'the leg closed' });
    assert.equal(destination.publishCount(), 1);
  });
});
