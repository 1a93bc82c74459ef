// @ts-check
/** Calls of the REST API v1 with the signed-in API key. */

/** An error answer of the API: `{ "error": { "code", "message" } }`, or a network failure (status 0). */
export class ApiError extends Error {
  /**
   * @param {number} status HTTP status, 0 when the server could not be reached
   * @param {string} code stable error code, e.g. "unauthorized"
   * @param {string} message plain words for the user
   */
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/**
 * @param {() => string | null} getKey the API key, or null when signed out
 * @param {(error: ApiError) => void} onUnauthorized called on every 401
 */
export function createApi(getKey, onUnauthorized) {
  /**
   * @param {string} method
   * @param {string} path e.g. "/v1/events"
   * @param {unknown} [body] sent as JSON
   * @param {string} [key] a key to try instead of the signed-in one (sign-in)
   * @returns {Promise<any>} the parsed JSON answer, null for 204
   */
  async function request(method, path, body, key) {
    const headers = new Headers({ Accept: 'application/json' });
    const apiKey = key ?? getKey();
    if (apiKey) headers.set('Authorization', `Bearer ${apiKey}`);
    if (body !== undefined) headers.set('Content-Type', 'application/json');
    let response;
    try {
      response = await fetch(path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        cache: 'no-store',
      });
    } catch {
      throw new ApiError(0, 'network', 'The server could not be reached. Check your connection and retry.');
    }
    const text = await response.text();
    let json = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = null;
    }
    if (response.ok) return json;
    const error = errorOf(response, json);
    if (response.status === 401 && key === undefined) onUnauthorized(error);
    throw error;
  }
  return { request };
}

/**
 * @param {Response} response
 * @param {any} json
 */
function errorOf(response, json) {
  const code = typeof json?.error?.code === 'string' ? json.error.code : `http_${response.status}`;
  let message = typeof json?.error?.message === 'string' ? json.error.message : `HTTP ${response.status}`;
  if (response.status === 401) message = 'This API key was not accepted. Check it, or ask for a new one.';
  if (response.status === 429) {
    const retry = response.headers.get('Retry-After');
    message = `Too many requests with this API key${retry ? `: retry in ${retry} s` : ''}.`;
  }
  return new ApiError(response.status, code, message);
}
