import { createHash } from 'node:crypto';
import { Client } from 'pg';

/**
 * Inserts a second organization (named `other`) with one API key, the way the bootstrap creates one:
 * only the key's SHA-256 is stored. For isolation tests: requests with `apiKey` act as that organization.
 * `db`: a connected client, or a database URL (a connection is opened and closed for the insert).
 * Resolves with the organization's id.
 */
export async function insertOrganizationWithKey(db: Client | string, apiKey: string): Promise<string> {
  const client = typeof db === 'string' ? new Client({ connectionString: db }) : db;
  if (typeof db === 'string') await client.connect();
  try {
    const org = await client.query<{ id: string }>(
      `INSERT INTO organizations (id, name) VALUES (gen_random_uuid(), 'other') RETURNING id`,
    );
    const id = org.rows[0]!.id;
    await client.query(
      `INSERT INTO api_keys (id, organization_id, name, prefix, secret_hash) VALUES (gen_random_uuid(), $1, 'k', 'rrk_', $2)`,
      [id, createHash('sha256').update(apiKey).digest('hex')],
    );
    return id;
  } finally {
    if (typeof db === 'string') await client.end();
  }
}
