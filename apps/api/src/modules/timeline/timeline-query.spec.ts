import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApiError } from '../../common/errors/api-error';
import { parseTimelineAfter, parseTimelineLimit } from './timeline-query';

function fieldOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof ApiError);
    assert.equal(error.code, 'validation_failed');
    return error.details?.[0]?.field;
  }
  assert.fail('expected a validation error');
}

describe('parseTimelineLimit', () => {
  it('defaults to 100 and accepts 1 to 500', () => {
    assert.equal(parseTimelineLimit(undefined), 100);
    assert.equal(parseTimelineLimit('1'), 1);
    assert.equal(parseTimelineLimit('500'), 500);
  });

  it('refuses anything else, naming limit', () => {
    for (const raw of ['', '0', '501', '-1', '1.5', '1e2', ' 5', 'abc', '10,20', '99999999999']) {
      assert.equal(
        fieldOf(() => parseTimelineLimit(raw)),
        'limit',
        raw,
      );
    }
  });
});

describe('parseTimelineAfter', () => {
  it('is undefined when absent and a bigint for an id', () => {
    assert.equal(parseTimelineAfter(undefined), undefined);
    assert.equal(parseTimelineAfter('1'), 1n);
    assert.equal(parseTimelineAfter('9223372036854775807'), 9_223_372_036_854_775_807n);
  });

  it('refuses what cannot be an entry id, naming after', () => {
    for (const raw of ['', '0', '-1', 'abc', '1.0', '0x10', '12345678901234567890', '9223372036854775808']) {
      assert.equal(
        fieldOf(() => parseTimelineAfter(raw)),
        'after',
        raw,
      );
    }
  });
});
