import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { createAppLogger, eventIdInMessage, type AppLoggerOptions } from './app-logger';
import { prettyLine } from './pretty-stream';
import { requestIdFrom } from './request-logging';

function capture(options: Partial<AppLoggerOptions> = {}): { lines: string[]; options: AppLoggerOptions } {
  const lines: string[] = [];
  return {
    lines,
    options: {
      service: 'relay',
      level: 'log',
      destination: { write: (l: string) => lines.push(l) },
      ...options,
    },
  };
}

const records = (lines: string[]): Array<Record<string, unknown>> =>
  lines.map((l) => JSON.parse(l) as Record<string, unknown>);

describe('createAppLogger', () => {
  it('writes one JSON object per line with time, level, service, context and msg', () => {
    const { lines, options } = capture();
    const logger = createAppLogger(options);
    logger.info({ context: 'Ingest' }, 'first\nsecond');
    assert.equal(lines.length, 1);
    assert.equal(lines[0]!.trimEnd().split('\n').length, 1);
    const [record] = records(lines);
    assert.equal(record!.level, 'info');
    assert.equal(record!.service, 'relay');
    assert.equal(record!.context, 'Ingest');
    assert.equal(record!.msg, 'first\nsecond');
    assert.match(String(record!.time), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it('maps LOG_LEVEL: log shows info but not debug; debug shows both', () => {
    const quiet = capture({ level: 'log' });
    createAppLogger(quiet.options).debug('hidden');
    assert.equal(quiet.lines.length, 0);
    const chatty = capture({ level: 'debug' });
    createAppLogger(chatty.options).debug('shown');
    assert.equal(records(chatty.lines)[0]!.level, 'debug');
    const errorsOnly = capture({ level: 'error' });
    createAppLogger(errorsOnly.options).warn('hidden');
    assert.equal(errorsOnly.lines.length, 0);
  });

  it('redacts secret fields wherever they are in the logged object', () => {
    const { lines, options } = capture();
    const secrets = Array.from({ length: 9 }, () => randomBytes(9).toString('hex'));
    createAppLogger(options).info(
      {
        streamKey: secrets[0],
        apiKey: secrets[1],
        password: secrets[2],
        destination: { id: 'd1', key: secrets[3], url: 'rtmp://x.example/app' },
        destinations: [{ key: secrets[4] }],
        webhook: { secret: secrets[5] },
        req: { headers: { authorization: secrets[6], cookie: secrets[7], 'stripe-signature': secrets[8] } },
      },
      'redaction',
    );
    for (const secret of secrets) assert.ok(!lines[0]!.includes(secret), `${secret} was logged`);
    const [record] = records(lines) as Array<{ destination: { id: string; key: string } }>;
    assert.deepEqual(record!.destination, { id: 'd1', key: '[redacted]', url: 'rtmp://x.example/app' });
  });

  it('masks secret-shaped text in messages, fields and error stacks', () => {
    const { lines, options } = capture();
    const ingestKey = `p_${randomBytes(32).toString('base64url')}`;
    const apiKey = `rrk_${randomBytes(32).toString('base64url')}`;
    const error = new Error(`publish to rtmp://live.example/app/${ingestKey} refused`);
    const logger = createAppLogger(options);
    logger.error({ err: error, note: `with Bearer ${apiKey}` }, `leg failed: ${error.message}`);
    assert.ok(!lines[0]!.includes(ingestKey) && !lines[0]!.includes(apiKey));
    const [record] = records(lines) as Array<{ msg: string; note: string; err: { stack: string } }>;
    assert.equal(record!.msg, 'leg failed: publish to rtmp://live.example/app/**** refused');
    assert.equal(record!.note, 'with Bearer ****');
    assert.match(record!.err.stack, /rtmp:\/\/live\.example\/app\/\*\*\*\* refused\n\s+at /);
  });

  it('adds the eventId field when the message names an event', () => {
    const { lines, options } = capture();
    const eventId = '0b6c7a36-4a57-4c55-9d1f-2b9a3f6f1f10';
    const logger = createAppLogger(options);
    logger.info({ context: 'PipelineEvents' }, `Event ${eventId}: program live, starting legs`);
    logger.info('Relay ready');
    const [about, other] = records(lines);
    assert.equal(about!.eventId, eventId);
    assert.equal(about!.context, 'PipelineEvents');
    assert.equal(other!.eventId, undefined);
    assert.equal(eventIdInMessage(`publish started {"eventId":"${eventId}"}`), eventId);
  });

  it('writes readable text with LOG_FORMAT=pretty, redacted the same way', () => {
    const { lines, options } = capture({ format: 'pretty' });
    const key = `b_${randomBytes(32).toString('base64url')}`;
    createAppLogger(options).warn({ context: 'Ingest', streamKey: key, role: 'backup' }, `unknown ${key}`);
    assert.match(lines[0]!, /^\d\d:\d\d:\d\d\.\d{3} WARN {2}\[relay\] \[Ingest\] unknown b_\*\*\*\* /);
    assert.ok(lines[0]!.includes('role=backup') && !lines[0]!.includes(key));
    assert.equal(prettyLine('not json'), 'not json');
  });
});

describe('requestIdFrom', () => {
  it('keeps a well-formed incoming id and replaces anything else by a UUID', () => {
    assert.equal(requestIdFrom('abc-123_x.y'), 'abc-123_x.y');
    assert.equal(requestIdFrom('a'.repeat(64)), 'a'.repeat(64));
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
    for (const bad of ['', 'a'.repeat(65), 'has space', 'x"y', 'é', undefined, ['a', 'b']]) {
      assert.match(requestIdFrom(bad), uuid, `for ${JSON.stringify(bad)}`);
    }
  });
});
