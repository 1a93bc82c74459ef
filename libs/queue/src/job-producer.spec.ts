import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addJobWithin, QueueUnavailableError, type JobQueue } from './job-producer';

function queueThat(add: () => Promise<unknown>): JobQueue<{ id: string }, 'job'> & { calls: number } {
  const queue = {
    name: 'test-queue',
    calls: 0,
    add: () => {
      queue.calls++;
      return add();
    },
  };
  return queue;
}

describe('addJobWithin', () => {
  it('resolves once Redis took the job', async () => {
    const queue = queueThat(async () => ({ id: '1' }));
    await addJobWithin(queue, 'job', { id: 'x' }, {});
    assert.equal(queue.calls, 1);
  });

  it('gives up after the timeout when Redis does not answer', async () => {
    const queue = queueThat(() => new Promise(() => undefined));
    const started = Date.now();
    await assert.rejects(
      addJobWithin(queue, 'job', { id: 'x' }, {}, 50),
      (error: unknown) => error instanceof QueueUnavailableError && error.queueName === 'test-queue',
    );
    assert.ok(Date.now() - started < 1000);
  });

  it('turns a connection error into QueueUnavailableError', async () => {
    const queue = queueThat(async () => {
      throw new Error("Stream isn't writeable and enableOfflineQueue options is false");
    });
    await assert.rejects(addJobWithin(queue, 'job', { id: 'x' }, {}), QueueUnavailableError);
  });

  it('passes other errors on unchanged', async () => {
    const bug = new Error('ERR Error running script');
    const queue = queueThat(async () => {
      throw bug;
    });
    await assert.rejects(addJobWithin(queue, 'job', { id: 'x' }, {}), (error) => error === bug);
  });
});
