/**
 * Readiness probes shared by the API and the relay (`GET /readyz`): both answer the same JSON, in the form
 * load balancers and Kubernetes use (only the status code matters to them; the body tells an operator why).
 *
 * - 200 `{ "status": "ok", "checks": { "database": "ok", "redis": "ok", … } }`
 * - 503, the API's one error shape, with `Retry-After`:
 *   `{ "error": { "code": "service_unavailable", "message": "Not ready: the database (PostgreSQL) is
 *   unavailable (no answer to SELECT 1 within 2 s)", "details": [{ "field": "database", "rule": "ready",
 *   "message": "no answer to SELECT 1 within 2 s" }] } }` — one detail per failing check.
 */

/** One dependency to check. */
export interface ReadinessCheck {
  /** Key in `checks` and `details[].field`, e.g. 'database'. */
  readonly name: string;
  /** What it is in words, e.g. 'the database (PostgreSQL)'. */
  readonly label: string;
  /** Resolves null when ready, else the reason in plain words (never a secret or a connection string). */
  run(): Promise<string | null>;
}

/** A 200 answer of /readyz. */
export interface ReadyBody {
  status: 'ok';
  checks: Record<string, 'ok'>;
}

/** One failing check in a 503 answer (the shape of the API's field errors). */
export interface ReadinessFailure {
  field: string;
  rule: 'ready';
  message: string;
}

/** The outcome of {@link runReadinessChecks}: the 200 body, or the 503 error's message and details. */
export type Readiness =
  | { ready: true; body: ReadyBody }
  | { ready: false; message: string; details: ReadinessFailure[]; checks: Record<string, string> };

/** Seconds a 503 asks the prober to wait (`Retry-After`, RFC 9110, 10.2.3); the API's value too. */
export const READINESS_RETRY_AFTER_SECONDS = 5;

/**
 * Runs every check at once (a check that throws counts as failing with its error's name only).
 *
 * @returns ready with the 200 body, or not ready with a message naming each failing check
 *   (e.g. "Not ready: the job queue (Redis) is unavailable (not connected)") and one detail per failure.
 */
export async function runReadinessChecks(checks: readonly ReadinessCheck[]): Promise<Readiness> {
  const results = await Promise.all(
    checks.map(async (check) => ({
      check,
      reason: await check.run().catch((error: unknown) => `check failed (${errorName(error)})`),
    })),
  );
  const failing = results.filter((r): r is { check: ReadinessCheck; reason: string } => r.reason !== null);
  const all = Object.fromEntries(results.map((r) => [r.check.name, r.reason ?? 'ok']));
  if (failing.length === 0)
    return { ready: true, body: { status: 'ok', checks: all as Record<string, 'ok'> } };
  return {
    ready: false,
    checks: all,
    message: `Not ready: ${failing.map((f) => `${f.check.label} is unavailable (${f.reason})`).join('; ')}`,
    details: failing.map((f) => ({ field: f.check.name, rule: 'ready', message: f.reason })),
  };
}

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : 'unknown error';
}
