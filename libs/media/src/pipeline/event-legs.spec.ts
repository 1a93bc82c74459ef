import assert from 'node:assert/strict';
import { afterEach, describe, it, mock } from 'node:test';
import type { LegFailure } from '../legs/leg-failure';
import type { LegPolicy } from '../legs/leg-policy';
import { ProgramOutput } from '../switcher/program-output';
import { scriptedLegs } from '../testing/scripted-leg';
import { EventLegs, type LegFactory } from './event-legs';
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

/**
 * EventLegs over scripted legs; records what the listener and an observer hear. `idleOnStop`: a stopped
 * leg reports `idle`, as FfmpegLeg does.
 */
function eventLegs(idleOnStop = false) {
  const heard = {
    exited: [] as number[],
    gaveUp: [] as number[],
    observed: [] as string[],
    stopped: [] as string[],
    states: [] as string[],
  };
  const listener = {
    legStateChanged: (_e: string, id: string, state: string) => heard.states.push(`${id}:${state}`),
    legStopped: (_e: string, id: string, reason: string) => heard.stopped.push(`${id}:${reason}`),
    legExited: (_e: string, _id: string, _run: number, attempt: number) => heard.exited.push(attempt),
    legGaveUp: (_e: string, _id: string, _run: number, failures: number) => heard.gaveUp.push(failures),
  } as unknown as PipelineListener;
  const observer: PipelineObserver = { legExited: (id, f) => heard.observed.push(`${id}:${f.kind}`) };
  const scripted = scriptedLegs();
  const factory: LegFactory = (s, program, legListener) => {
    const leg = scripted.factory(s, program, legListener);
    if (!idleOnStop) return leg;
    const stop = leg.stop.bind(leg);
    leg.stop = async () => {
      await stop();
      legListener.stateChanged('idle');
    };
    return leg;
  };
  const legs = new EventLegs('event-1', new ProgramOutput(), listener, factory, new Set([observer]));
  return { legs, heard, created: scripted.created, latest: (id?: string) => scripted.latest(id) };
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
    await legs.closeAll('event_stopped');
    assert.deepEqual(
      created.map((l) => l.stops),
      [1, 1],
    );
    assert.deepEqual(legs.statuses(), []);
    assert.equal(legs.retry('a'), 'not-on-air');
  });

  it('reports each live leg closed on purpose with why, and no leg that was already down', async () => {
    const { legs, heard, latest } = eventLegs();
    legs.startMissing([spec('a'), spec('b'), spec('c')]);
    latest('c').fail(refused);
    await legs.applyDestinations([spec('b'), spec('c')]);
    await legs.closeAll('handed_over');
    assert.deepEqual(heard.stopped, ['a:destination_removed', 'b:handed_over']);
  });

  it('holds back a destination given up before, until a retry by hand starts it', async () => {
    const { legs, heard, created } = eventLegs();
    legs.startMissing([spec('a'), { ...spec('b'), gaveUp: true }]);
    legs.startMissing([spec('a'), { ...spec('b'), gaveUp: true }]);
    assert.deepEqual(
      created.map((l) => l.state),
      ['live'],
      'only a started',
    );
    assert.deepEqual(legs.heldBackIds(), ['b']);
    assert.deepEqual(
      legs.heldBackStatuses().map((s) => [s.destinationId, s.run, s.state, s.gaveUp, s.bytesWritten]),
      [['b', 0, 'exited', true, 0]],
      'shown as a given-up leg that never ran here',
    );
    await legs.applyDestinations([spec('a'), { ...spec('b', policy), gaveUp: true }]);
    assert.equal(legs.restart('b', 1), false, 'no restart of a held-back leg');
    assert.equal(legs.retry('b'), 'restarted');
    assert.deepEqual(
      legs.statuses().map((s) => [s.destinationId, s.run, s.state]),
      [
        ['a', 1, 'live'],
        ['b', 1, 'live'],
      ],
    );
    assert.deepEqual(legs.heldBackIds(), []);
    assert.deepEqual(heard.states, ['a:live', 'b:live']);
  });

  it('forgets a held-back destination when it is removed or the legs close', async () => {
    const { legs } = eventLegs();
    legs.startMissing([
      { ...spec('a'), gaveUp: true },
      { ...spec('b'), gaveUp: true },
    ]);
    await legs.applyDestinations([{ ...spec('b'), gaveUp: true }]);
    assert.deepEqual(legs.heldBackIds(), ['b']);
    assert.equal(legs.retry('a'), 'not-on-air');
    await legs.closeAll('event_stopped');
    assert.deepEqual(legs.heldBackIds(), []);
  });

  it('keeps a given-up leg failed when it is closed: no idle state reported', async () => {
    const { legs, heard, latest } = eventLegs(true);
    legs.startMissing([spec('a', policy), spec('b')]);
    latest('a').fail(refused);
    legs.restart('a', 1);
    latest('a').fail(refused);
    assert.deepEqual(heard.gaveUp, [2]);
    heard.states.length = 0;
    await legs.closeAll('handed_over');
    assert.deepEqual(heard.states, ['b:idle'], 'b went idle; a stays failed');
    assert.deepEqual(heard.stopped, ['b:handed_over']);
  });
});
