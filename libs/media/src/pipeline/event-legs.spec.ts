import assert from 'node:assert/strict';
import { afterEach, describe, it, mock } from 'node:test';
import type { LegFailure } from '../legs/leg-failure';
import type { LegPolicy } from '../legs/leg-policy';
import { ProgramOutput } from '../switcher/program-output';
import { scriptedLegs } from '../testing/scripted-leg';
import { EventLegs } from './event-legs';
import type { LegSpec, PipelineListener, PipelineObserver } from './pipeline-types';

const refused: LegFailure = { kind: 'auth-refused', message: 'destination refused the stream key' };
const policy: LegPolicy = { maxBackoffMs: 5000, giveUpAfterFailures: 2, giveUpWindowMs: 600_000 };
const spec = (id: string, p?: LegPolicy): LegSpec => ({
  destinationId: id,
  publishUrl: `rtmp://${id}.example.invalid/app/secret-${id}`,
  streamKey: `secret-${id}`,
  ...(p ? { policy: p } : {}),
});

afterEach(() => mock.timers.reset());

/** EventLegs over scripted legs; records what the listener and an observer hear. */
function eventLegs() {
  const heard = { exited: [] as number[], gaveUp: [] as number[], observed: [] as string[] };
  const listener = {
    legStateChanged: () => undefined,
    legExited: (_e: string, _id: string, _run: number, attempt: number) => heard.exited.push(attempt),
    legGaveUp: (_e: string, _id: string, _run: number, failures: number) => heard.gaveUp.push(failures),
  } as unknown as PipelineListener;
  const observer: PipelineObserver = { legExited: (id, f) => heard.observed.push(`${id}:${f.kind}`) };
  const scripted = scriptedLegs();
  const legs = new EventLegs('event-1', new ProgramOutput(), listener, scripted.factory, new Set([observer]));
  return { legs, heard, created: scripted.created, latest: () => scripted.latest() };
}

describe('EventLegs', () => {
  it('reports each leg with its run, bytes over all runs and host, never the stream key', () => {
    const { legs, latest } = eventLegs();
    legs.startMissing([spec('a')]);
    latest().bytesWritten = 100;
    latest().fail(refused);
    assert.equal(legs.restart('a', 1), true);
    latest().bytesWritten = 20;
    const [status] = legs.statuses();
    assert.deepEqual(
      { ...status, liveSince: typeof status?.liveSince },
      {
        destinationId: 'a',
        state: 'live',
        run: 2,
        bytesWritten: 120,
        destinationHost: 'a.example.invalid',
        gaveUp: false,
        liveSince: 'number',
      },
    );
    assert.doesNotMatch(JSON.stringify(legs.statuses()), /secret/);
  });

  it('closes the legs of removed destinations and applies a new policy from the next failure on', async () => {
    const { legs, heard, created, latest } = eventLegs();
    legs.startMissing([spec('a'), spec('b')]);
    const b = latest();
    await legs.applyDestinations([spec('b', policy)]);
    assert.equal(created[0]?.stops, 1, 'a was closed');
    assert.deepEqual(
      legs.statuses().map((s) => s.destinationId),
      ['b'],
    );
    assert.equal(b.stops, 0, 'b kept running');
    b.fail(refused);
    legs.restart('b', 1);
    latest().fail(refused);
    assert.deepEqual(heard.gaveUp, [2], "b gave up at its new policy's second failure");
    assert.deepEqual(heard.observed, ['b:auth-refused', 'b:auth-refused'], 'observers hear every exit');
  });

  it('starts over after a leg was live for 30 s before failing', () => {
    mock.timers.enable({ apis: ['Date'], now: 1_000_000 });
    const { legs, heard, latest } = eventLegs();
    legs.startMissing([spec('a', policy)]);
    latest().fail(refused);
    legs.restart('a', 1);
    mock.timers.tick(30_000);
    latest().fail(refused);
    assert.deepEqual(heard.exited, [1, 1], 'backoff from the first delay again');
    assert.deepEqual(heard.gaveUp, [], 'the give-up window was cleared');
  });

  it('closes every leg', async () => {
    const { legs, created } = eventLegs();
    legs.startMissing([spec('a'), spec('b')]);
    await legs.closeAll();
    assert.deepEqual(
      created.map((l) => l.stops),
      [1, 1],
    );
    assert.deepEqual(legs.statuses(), []);
    assert.equal(legs.retry('a'), 'not-on-air');
  });
});
