import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { InputRole } from '../ingest/ingest-types';
import { InputFeed, type InputFeedState } from './input-feed';
import { INITIAL_PRIMARY_GRACE_MS, failbackReason, pickCandidate, switchKind } from './switch-rules';

const NOW = 1_000_000;

/** Two feeds in the given states; the primary connected `primaryConnectedAgoMs` ago (null: not connected). */
function feeds(primary: InputFeedState, backup: InputFeedState, primaryConnectedAgoMs: number | null = null) {
  const f = { primary: new InputFeed('primary'), backup: new InputFeed('backup') };
  f.primary.state = primary;
  f.backup.state = backup;
  f.primary.connectedAt = primaryConnectedAgoMs === null ? null : NOW - primaryConnectedAgoMs;
  return f;
}

describe('switch rules', () => {
  const cases: Array<
    [string, ReturnType<typeof feeds>, 'sticky' | 'primary-preferred', InputRole | null, InputRole | null]
  > = [
    ['prefers a live primary', feeds('live', 'live'), 'primary-preferred', null, 'primary'],
    [
      'takes the backup when the primary is gone',
      feeds('offline', 'live'),
      'primary-preferred',
      'primary',
      'backup',
    ],
    [
      'waits for a primary that just connected at the start of a show',
      feeds('offline', 'live', 1000),
      'primary-preferred',
      null,
      null,
    ],
    [
      'stops waiting once the grace is over',
      feeds('offline', 'live', INITIAL_PRIMARY_GRACE_MS),
      'primary-preferred',
      null,
      'backup',
    ],
    ['in sticky mode prefers the input last on air', feeds('live', 'live'), 'sticky', 'backup', 'backup'],
    [
      'has nothing when neither input is live',
      feeds('stalled', 'offline'),
      'primary-preferred',
      'backup',
      null,
    ],
  ];
  for (const [name, f, mode, lastOnAir, expected] of cases) {
    it(`picks the input to put on air: ${name}`, () => {
      assert.equal(pickCandidate(f, mode, lastOnAir, NOW)?.role ?? null, expected);
    });
  }

  it('names the kind of a switch after the input last on air', () => {
    assert.equal(switchKind(null, 'backup'), 'resume');
    assert.equal(switchKind('backup', 'backup'), 'resume');
    assert.equal(switchKind('primary', 'backup'), 'failover');
    assert.equal(switchKind('backup', 'primary'), 'failback');
  });

  it('fails back once the primary has been healthy for failbackAfterMs', () => {
    const { primary } = feeds('live', 'live');
    assert.equal(failbackReason(primary, 5000, NOW), null, 'not healthy yet');
    primary.healthySince = NOW - 4999;
    assert.equal(failbackReason(primary, 5000, NOW), null);
    primary.healthySince = NOW - 5000;
    assert.equal(failbackReason(primary, 5000, NOW), 'primary healthy for 5000 ms');
    primary.state = 'stalled';
    assert.equal(failbackReason(primary, 5000, NOW), null, 'a stalled primary never');
  });
});
