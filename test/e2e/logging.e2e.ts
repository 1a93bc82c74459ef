import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { EventJson } from '@relay/contracts';
import { parseLogLine, type LogRecord } from '../utils/log-lines';
import { startNginxRtmp, type TestNginxRtmp } from '../utils/nginx-rtmp';
import { waitFor } from '../utils/processes';
import { killAllPublishers, startFfmpegPublisher, type Publisher } from '../utils/publishers';
import { startRelayStack, type RelayStack } from '../utils/relay-stack';

const OUTPUT_DIR = join(process.cwd(), 'test-output');
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const DESTINATION_KEY = `log-dest-${randomBytes(12).toString('hex')}`;

describe('Structured logs', { timeout: 120_000 }, () => {
  let stack: RelayStack;
  let destination: TestNginxRtmp;
  /** Every secret the test used: none may appear in any line the API or the relay printed. */
  const secrets: string[] = [DESTINATION_KEY];
  /** X-Request-Id answered by the API, by the id the test sent (or the path when it sent none). */
  const answeredIds = new Map<string, string>();
  const publishers: Publisher[] = [];
  const publish = (url: string, maxDurationSec = 30): Publisher => {
    const p = startFfmpegPublisher({ url, width: 320, height: 240, fps: 25, gopFrames: 25, maxDurationSec });
    publishers.push(p);
    return p;
  };

  /** GET `path` with `apiKey`, sending `requestId` as X-Request-Id when given; returns the echoed id. */
  const get = async (path: string, apiKey: string, requestId?: string): Promise<string> => {
    const response = await fetch(`${stack.apiUrl}${path}`, {
      headers: { authorization: `Bearer ${apiKey}`, ...(requestId ? { 'x-request-id': requestId } : {}) },
    });
    assert.equal(response.status, 200);
    await response.text();
    return response.headers.get('x-request-id') ?? '';
  };

  const records = (): LogRecord[] => stack.logs().map((line) => parseLogLine(line)!);

  before(async () => {
    stack = await startRelayStack();
    destination = await startNginxRtmp();
    secrets.push(stack.apiKey);
  });

  after(async () => {
    if (stack) {
      mkdirSync(OUTPUT_DIR, { recursive: true });
      writeFileSync(join(OUTPUT_DIR, 'logging-api.log'), stack.api.lines().join('\n'));
      writeFileSync(join(OUTPUT_DIR, 'logging-relay.log'), stack.relay.lines().join('\n'));
    }
    for (const p of publishers) p.kill();
    killAllPublishers();
    await destination?.remove();
    await stack?.stop();
  });

  it('echoes a well-formed X-Request-Id and generates one otherwise', async () => {
    assert.equal(await get('/v1/events', stack.apiKey, 'client-trace.42_a'), 'client-trace.42_a');
    answeredIds.set('client-trace.42_a', 'client-trace.42_a');
    const generated = await get('/v1/events', stack.apiKey);
    assert.match(generated, UUID);
    answeredIds.set('(none)', generated);
    const replaced = await get('/v1/events', stack.apiKey, 'not a valid id!');
    assert.match(replaced, UUID);
    answeredIds.set('(invalid)', replaced);

    const refused = await fetch(`${stack.apiUrl}/v1/events`, {
      headers: { authorization: 'Bearer rrk_not-a-key', 'x-request-id': 'refused-1' },
    });
    assert.equal(refused.status, 401);
    assert.equal(refused.headers.get('x-request-id'), 'refused-1');

    const created = await stack.request<{ secret: string }>('POST', '/v1/api-keys', { name: 'logs' });
    assert.equal(created.status, 201);
    secrets.push(created.body.secret);
    assert.equal(await get('/v1/api-keys', created.body.secret, 'second-key'), 'second-key');
    answeredIds.set('second-key', 'second-key');
  });

  it('runs an event with wrong and right ingest keys, a destination key and a rotation', async () => {
    const created = await stack.request<EventJson>('POST', '/v1/events', { name: 'Logs' });
    assert.equal(created.status, 201);
    const event = created.body;
    secrets.push(event.ingest.primary.streamKey, event.ingest.backup.streamKey);
    const added = await stack.request('POST', `/v1/events/${event.id}/destinations`, {
      name: 'nginx',
      url: destination.url,
      streamKey: DESTINATION_KEY,
    });
    assert.equal(added.status, 201);
    assert.equal((await stack.request('POST', `/v1/events/${event.id}/start`)).status, 202);

    const wrongKey = `p_${randomBytes(32).toString('base64url')}`;
    secrets.push(wrongKey);
    const wrong = publish(event.ingest.primary.url.replace(event.ingest.primary.streamKey, wrongKey), 10);
    await stack.relay.waitForLine(/unknown stream key/, 15_000);
    wrong.kill();

    publish(event.ingest.primary.url);
    await waitFor(() => destination.recordings().some((f) => f.includes(DESTINATION_KEY)), {
      timeoutMs: 30_000,
      message: 'the destination receives the program under its stream key',
    });
    const rotated = await stack.request<EventJson>(
      'POST',
      `/v1/events/${event.id}/ingest/primary/rotate-key`,
    );
    assert.equal(rotated.status, 200);
    secrets.push(rotated.body.ingest.primary.streamKey);
    await waitFor(
      async () =>
        (await stack.request<EventJson>('GET', `/v1/events/${event.id}`)).body.ingest.primary.state ===
        'offline',
      { timeoutMs: 15_000, message: 'the publisher on the old key is cut' },
    );
    assert.equal((await stack.request('POST', `/v1/events/${event.id}/stop`)).status, 202);

    const relayLines = records().filter((r) => r.service === 'relay' && r.msg.includes(event.id));
    assert.ok(relayLines.length > 0);
    for (const r of relayLines.filter((l) => l.msg.startsWith(`Event ${event.id}`))) {
      assert.equal(r.eventId, event.id, `eventId field of "${r.msg}"`);
    }
  });

  it('prints only JSON lines with level, time and msg', () => {
    for (const [name, proc] of [
      ['api', stack.api],
      ['relay', stack.relay],
    ] as const) {
      const lines = proc.lines();
      assert.ok(lines.length > 5, `${name} printed lines`);
      for (const line of lines) {
        const record = parseLogLine(line);
        assert.ok(record, `${name} printed a line that is not a JSON log record: ${line.slice(0, 200)}`);
        assert.equal(record.service, name);
        assert.match(record.time, /^\d{4}-\d\d-\d\dT/);
      }
    }
  });

  it('logs one line per request with the request id the response carried, never the key', () => {
    const requests = records().filter((r) => r.msg === 'request completed');
    for (const [sent, answered] of answeredIds) {
      const matching = requests.filter((r) => r.requestId === answered);
      assert.equal(matching.length, 1, `one request line for X-Request-Id ${sent}`);
      const [line] = matching;
      assert.equal(line!.method, 'GET');
      assert.equal(line!.status, 200);
      assert.equal(typeof line!.durationMs, 'number');
      assert.match(String(line!.organizationId), UUID);
      assert.ok(String(line!.route).startsWith('/v1/'));
    }
    assert.ok(requests.every((r) => typeof r.requestId === 'string' && r.requestId.length > 0));
    const refused = requests.filter((r) => r.requestId === 'refused-1');
    assert.equal(refused.length, 1);
    assert.equal(refused[0]!.status, 401);
    assert.equal(refused[0]!.organizationId, undefined);
  });

  it('never prints a secret: API keys, ingest keys (wrong, right, rotated), the destination key', () => {
    const logs = stack.logs().join('\n');
    for (const secret of secrets) {
      assert.ok(!logs.includes(secret), `a secret ending ${secret.slice(-4)} was logged`);
    }
  });
});
