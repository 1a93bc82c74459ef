import type { StreamKeyCipher } from '@relay/config';

/** Rows a start-up rewrite reads and rewrites per batch. */
const BATCH = 200;

/**
 * The loop of the start-up migrations that move secrets out of clear text or onto the current encryption
 * key: reads a batch of at most 200 rows with `findBatch(take)`, rewrites each with `rewrite(row)`, and
 * goes on until a batch comes back short. `findBatch` must return only rows that still need the rewrite,
 * so each batch makes progress and a second run finds nothing (idempotent). Errors propagate as thrown.
 *
 * @returns how many rows were rewritten
 */
export async function rewriteInBatches<Row>(
  findBatch: (take: number) => Promise<Row[]>,
  rewrite: (row: Row) => Promise<unknown>,
): Promise<number> {
  let done = 0;
  for (;;) {
    const rows = await findBatch(BATCH);
    for (const row of rows) await rewrite(row);
    done += rows.length;
    if (rows.length < BATCH) return done;
  }
}

/**
 * Prisma `where` part matching rows whose `field` holds a ciphertext under a key id other than the
 * cipher's current one (stored form `<key id>:…`, see StreamKeyCipher).
 */
export function encryptedUnderOldKey<F extends string>(field: F, cipher: StreamKeyCipher) {
  const notNull = { [field]: { not: null } } as Record<F, { not: null }>;
  const current = { [field]: { startsWith: `${cipher.currentKeyId}:` } } as Record<F, { startsWith: string }>;
  return { AND: [notNull, { NOT: current }] };
}

/**
 * `stored` as it is when encrypted under the cipher's current key, else decrypted and encrypted again
 * under it (key rotation).
 *
 * @throws StreamKeyDecryptError when `stored` is under a key id no longer configured, or corrupt
 */
export function underCurrentKey(cipher: StreamKeyCipher, stored: string): string {
  return stored.startsWith(`${cipher.currentKeyId}:`) ? stored : cipher.encrypt(cipher.decrypt(stored));
}
