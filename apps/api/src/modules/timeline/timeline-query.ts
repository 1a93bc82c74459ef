import { ApiError, ApiErrorCode } from '../../common/errors/api-error';

/** Entries per page when `limit` is not given. */
export const TIMELINE_PAGE_DEFAULT = 100;
/** Largest `limit` accepted. */
export const TIMELINE_PAGE_MAX = 500;
/** Largest timeline entry id: the primary key is a PostgreSQL bigint (int8). */
const MAX_ENTRY_ID = 9_223_372_036_854_775_807n;

/**
 * The `limit` query parameter: undefined → {@link TIMELINE_PAGE_DEFAULT}; otherwise decimal digits only,
 * from 1 to {@link TIMELINE_PAGE_MAX}.
 *
 * @throws ApiError validation_failed (400) naming `limit`.
 */
export function parseTimelineLimit(raw: string | undefined): number {
  if (raw === undefined) return TIMELINE_PAGE_DEFAULT;
  const limit = /^\d{1,4}$/.test(raw) ? Number(raw) : NaN;
  if (limit >= 1 && limit <= TIMELINE_PAGE_MAX) return limit;
  const message = `limit must be an integer from 1 to ${TIMELINE_PAGE_MAX}`;
  throw new ApiError(ApiErrorCode.ValidationFailed, message, [{ field: 'limit', rule: 'range', message }]);
}

/**
 * The `after` query parameter, the id of the last entry already seen: undefined → from the start;
 * otherwise a positive integer of at most 19 decimal digits that fits a bigint.
 *
 * @throws ApiError validation_failed (400) naming `after`.
 */
export function parseTimelineAfter(raw: string | undefined): bigint | undefined {
  if (raw === undefined) return undefined;
  const after = /^\d{1,19}$/.test(raw) ? BigInt(raw) : 0n;
  if (after >= 1n && after <= MAX_ENTRY_ID) return after;
  const message = 'after must be the id of a timeline entry (a positive integer of at most 19 digits)';
  throw new ApiError(ApiErrorCode.ValidationFailed, message, [
    { field: 'after', rule: 'isEntryId', message },
  ]);
}
