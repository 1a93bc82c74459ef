import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DelayedError, WaitingError } from 'bullmq';
import { OwnershipService } from './ownership.service';

// Fakes of Redis, the database and the pipelines: these tests check the ownership rules, not the parts.

type Status = 'standby' | 'live' | 'ended';

function rig(options: {
  extendLock: () => Promise<number>;
  lockHolder?: () => string | null;
  inputsAt?: () => string | null;
}) {
  const calls = { start: 0, stop: 0, halt: 0, delayed: 0, movedToWait: 0 };
  let status: Status = 'live';
  const queue = {
    add: () => Promise.resolve(),
    getJobState: () => Promise.resolve('active'),
    toKey: (id: string) => `bull:event-owner:${id}`,
    client: Promise.resolve({ get: () => Promise.resolve(options.lockHolder?.() ?? null) }),
  };
  const pipelines = {
    onEventStopping: () => undefined,
    start: () => {
      calls.start++;
      return Promise.resolve();
    },
    stop: () => {
      calls.stop++;
      return Promise.resolve();
    },
    halt: () => {
      calls.halt++;
      return Promise.resolve();
    },
    get: () => ({ isStarted: calls.start > calls.stop + calls.halt }),
  };
  const repository = {
    findEventStatus: () => Promise.resolve(status),
    forgetPreviousOwner: () => Promise.resolve({ slate: false, rehearsals: 0 }),
    addTimeline: () => Promise.resolve(),
    resetLegStates: () => Promise.resolve(),
  };
  const writes = { enqueue: (_id: string, _what: string, write: () => Promise<unknown>) => void write() };
  const presence = {
    relay: 'host/1:1935',
    elsewhere: () => Promise.resolve(options.inputsAt?.() ?? null),
  };
  const service = new OwnershipService(
    queue as never,
    pipelines as never,
    repository as never,
    writes as never,
    presence as never,
  );
  const job = (progress: unknown = 0) =>
    ({
      data: { eventId: 'e1' },
      progress,
      extendLock: options.extendLock,
      updateProgress: () => Promise.resolve(),
      moveToWait: () => {
        calls.movedToWait++;
        return Promise.resolve(0);
      },
      moveToDelayed: () => {
        calls.delayed++;
        return Promise.resolve();
      },
    }) as never;
  return { service, calls, job, setStatus: (s: Status) => (status = s) };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('OwnershipService', { timeout: 20_000 }, () => {
  it('starts the legs under the lock and stops them at once when another relay holds it', async () => {
    let extended = 1;
    const { service, calls, job } = rig({
      extendLock: () => Promise.resolve(extended),
      lockHolder: () => 'other-worker:7',
    });
    const owning = service.own(job(), 'this-worker:1');
    await sleep(200);
    assert.equal(calls.start, 1, 'legs started after the lock was renewed');
    assert.ok(service.owns('e1'));
    extended = 0;
    await assert.rejects(owning, WaitingError);
    assert.equal(calls.halt, 1, 'legs stopped');
    assert.equal(service.owns('e1'), false);
  });

  it('keeps the legs while Redis does not answer, and releases the event once it is off air', async () => {
    const { service, calls, job, setStatus } = rig({
      extendLock: () => new Promise<number>(() => undefined),
    });
    const owning = service.own(job(), 'this-worker:1');
    await sleep(3_500);
    assert.equal(calls.halt, 0, 'no leg stopped while Redis is away');
    assert.ok(service.owns('e1'));
    setStatus('ended');
    service.wake('e1');
    await owning;
    assert.equal(service.owns('e1'), false);
  });

  it('keeps the event without restarting its legs when its job is delivered to it again', async () => {
    const { service, calls, job, setStatus } = rig({ extendLock: () => Promise.resolve(1) });
    const first = service.own(job(), 'this-worker:1');
    await sleep(200);
    const second = service.own(job({ relay: 'host/1:1935', since: 0 }), 'this-worker:2');
    await assert.rejects(first, WaitingError);
    assert.equal(calls.start, 1, 'the legs were started once');
    assert.equal(calls.halt, 0);
    setStatus('ended');
    service.wake('e1');
    await second;
    assert.equal(calls.stop, 1, 'stopped once the event went off air');
  });

  it('leaves the event to the relay its encoders publish to', async () => {
    const { service, calls, job } = rig({
      extendLock: () => Promise.resolve(1),
      inputsAt: () => 'host/2:1936',
    });
    await assert.rejects(service.own(job(), 'this-worker:1'), DelayedError);
    assert.equal(calls.delayed, 1, 'the job goes back for another worker');
    assert.equal(calls.start, 0);
    assert.equal(service.owns('e1'), false);
  });

  it('hands the event over, legs closed first, when its encoders reconnect to another relay', async () => {
    let inputsAt: string | null = null;
    const { service, calls, job } = rig({ extendLock: () => Promise.resolve(1), inputsAt: () => inputsAt });
    const owning = service.own(job(), 'this-worker:1');
    await sleep(200);
    assert.equal(calls.start, 1);
    inputsAt = 'host/2:1936';
    await assert.rejects(owning, WaitingError);
    assert.equal(calls.halt, 1, 'legs closed');
    assert.equal(calls.movedToWait, 1, 'then the job went back to wait');
  });
});
