import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startNginxRtmp, type TestNginxRtmp } from '../utils/nginx-rtmp';
import { spawnProcess, waitFor, type ManagedProcess } from '../utils/processes';
import { startFfmpegPublisher, startGstPublisher, type Publisher } from '../utils/publishers';
import { startRelayStack, type RelayStack } from '../utils/relay-stack';

/** Debian's chromium; CHROMIUM_PATH overrides. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Where the screenshot taken during the rehearsal goes (relative to the working directory). */
const OUTPUT_DIR = resolve('test-output', 'dashboard');
const HOSTILE_NAME = '<img src=x onerror="window.__injected = 1">';

describe('dashboard page in a real browser', { timeout: 150_000 }, () => {
  let stack: RelayStack;
  let destination: TestNginxRtmp;
  let browser: Browser;
  let page: Page;
  let primary: Publisher | null = null;
  let backup: Publisher | null = null;
  let restartedApi: ManagedProcess | null = null;
  const pageProblems: string[] = [];

  /** Waits until the first element matching `selector` has a text matching `pattern`. */
  const waitForText = async (selector: string, pattern: RegExp, timeoutMs = 30_000): Promise<void> => {
    let last: string | null = null;
    await waitFor(
      async () => {
        last = await page.locator(selector).first().textContent({ timeout: 1000 });
        return last !== null && pattern.test(last);
      },
      { timeoutMs, intervalMs: 100, message: `${selector} matching ${pattern}` },
    ).catch((error: Error) => {
      throw new Error(`${error.message}; it says ${JSON.stringify(last)}`);
    });
  };

  before(async () => {
    [stack, destination] = await Promise.all([startRelayStack(), startNginxRtmp()]);
    browser = await chromium.launch({ executablePath: CHROMIUM });
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    // Any CSP violation or script error means the page does not work under its own headers.
    page.on('console', (message) => {
      // Failed loads are expected here (the wrong key's 401, the stream while the API restarts).
      if (message.type() === 'error' && !message.text().startsWith('Failed to load resource'))
        pageProblems.push(message.text());
    });
    page.on('pageerror', (error) => pageProblems.push(error.message));
  });

  after(async () => {
    await Promise.all([primary?.stop(), backup?.stop()]);
    await browser?.close();
    await restartedApi?.stop('SIGTERM', 10_000);
    await stack?.stop();
    await destination?.stop();
  });

  it('serves the page with strict headers and refuses a wrong API key with a clear message', async () => {
    const response = await page.goto(`${stack.apiUrl}/`);
    assert.ok(response, 'the page answered');
    assert.equal(response.status(), 200);
    const headers = response.headers();
    assert.match(headers['content-security-policy'] ?? '', /default-src 'self'/);
    assert.equal(headers['x-content-type-options'], 'nosniff');
    assert.equal(headers['referrer-policy'], 'no-referrer');
    const script = await fetch(`${stack.apiUrl}/dashboard/app.js`);
    assert.match(script.headers.get('content-type') ?? '', /^text\/javascript/);
    assert.equal(script.headers.get('cache-control'), 'no-cache');
    const etag = script.headers.get('etag') ?? '';
    const again = await fetch(`${stack.apiUrl}/dashboard/app.js`, { headers: { 'if-none-match': etag } });
    assert.equal(again.status, 304);
    for (const path of ['/dashboard/package.json', '/dashboard/..%2Fpackage.json', '/dashboard/nope.js'])
      assert.equal((await fetch(`${stack.apiUrl}${path}`)).status, 404, path);

    await page.getByLabel('API key').fill('rrk_not_a_real_key');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await waitForText('#sign-in-error', /API key was not accepted/);
    assert.equal(await page.locator('#workspace').isVisible(), false);
  });

  it('signs in and shows an event name made of markup as text', async () => {
    await page.getByLabel('API key').fill(stack.apiKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('#workspace').waitFor({ state: 'visible' });
    await page.getByLabel('New event name').fill(HOSTILE_NAME);
    await page.getByRole('button', { name: 'Create event' }).click();
    await waitForText('#event-name', /^<img src=x/);
    assert.equal(await page.locator('#event-name').textContent(), HOSTILE_NAME);
    assert.equal(await page.locator('#event-view img, #event-list img').count(), 0);
    assert.equal(await page.evaluate('window.__injected'), undefined);
  });

  it('creates an event, goes live with two encoders and clicks through a rehearsal', async (t) => {
    await page.getByLabel('New event name').fill('Dashboard rehearsal');
    await page.getByRole('button', { name: 'Create event' }).click();
    await waitForText('#event-name', /^Dashboard rehearsal$/);
    await waitForText('#key-notice', /will not be shown again/);
    const primaryUrl = await page.locator('#ingest-primary-url').inputValue();
    const backupUrl = await page.locator('#ingest-backup-url').inputValue();
    for (const url of [primaryUrl, backupUrl]) assert.match(url, /^rtmp:\/\/127\.0\.0\.1:\d+\/live\/[^*]+$/);

    primary = startFfmpegPublisher({ url: primaryUrl });
    backup = startGstPublisher({ url: backupUrl, sink: 'rtmp2sink' });

    await page.getByLabel('Platform').selectOption('custom');
    await page.getByLabel('Name', { exact: true }).fill('nginx-rtmp');
    await page.getByLabel('Server URL', { exact: true }).fill(destination.url);
    await page.getByLabel('Stream key', { exact: true }).fill('dashboard-key');
    await page.getByRole('button', { name: 'Add destination' }).click();
    await waitForText('#destinations tbody', /nginx-rtmp/);
    // Masked once the user says the ingest keys are saved.
    await page.getByRole('button', { name: 'I have saved them' }).click();
    assert.match(await page.locator('#ingest-primary-key').inputValue(), /^\*+.{4}$/);

    await page.getByRole('button', { name: 'Start event' }).click();
    // Everything below comes from the live status stream: the page does not poll.
    await waitForText('#live-connection', /Live updates: on/);
    await waitForText('#input-primary-state', /^Live/);
    await waitForText('#input-backup-state', /^Live/);
    await waitForText('#event-status', /^Live$/);
    await waitForText('#input-primary-on-air', /On air/);
    await waitForText('#destinations tbody tr td:nth-child(4)', /^Live$/);
    await waitForText('#input-primary-media', /Video: H\.264/);

    await page.getByLabel('Primary dropped for (seconds)').fill('10');
    await page.getByRole('button', { name: 'Start rehearsal: drop the primary' }).click();
    await waitForText('#rehearsal-backup-on-air', /the backup took over/, 10_000);
    await waitForText('#input-backup-on-air', /On air/);
    await waitForText('#input-primary-state', /^Stalled/);
    await waitForText('#timeline', /Failover: the backup went on air/, 10_000);
    mkdirSync(OUTPUT_DIR, { recursive: true });
    const screenshot = resolve(OUTPUT_DIR, 'rehearsal.png');
    await page.screenshot({ path: screenshot, fullPage: true });
    t.diagnostic(`screenshot during the rehearsal: ${screenshot}`);

    await waitForText('#rehearsal-summary', /^Passed: the backup took over \d+ ms after/, 40_000);
    await waitForText('#rehearsal-report', /Did the backup take over\?Yes/);
    await waitForText('#rehearsal-report', /Destinations that had to reconnectNone/);
    await waitForText('#input-primary-on-air', /On air/, 15_000);
    await waitForText('#timeline', /Failover: the backup went on air/);
    await waitForText('#timeline', /Rehearsal ended/);

    await page.locator('#rehearsal-report').screenshot({ path: resolve(OUTPUT_DIR, 'rehearsal-report.png') });

    await page.getByRole('button', { name: 'Stop event' }).click();
    await waitForText('#event-status', /^Ended$/);
    assert.deepEqual(pageProblems, []);
  });

  it('reconnects to the live status stream when the API restarts', async (t) => {
    const started = Date.now();
    await stack.api.stop('SIGTERM', 10_000);
    await waitForText('#live-connection', /Live updates: lost/);
    restartedApi = spawnProcess('node', [join(__dirname, '..', '..', 'apps/api/src/main.js')], {
      name: 'api-2',
      env: stack.env,
    });
    await waitFor(async () => (await fetch(`${stack.apiUrl}/healthz`)).ok, { timeoutMs: 30_000 });
    await waitForText('#live-connection', /Live updates: on/);
    const id = new URL(page.url()).hash.replace('#event=', '');
    await stack.request('PATCH', `/v1/events/${id}`, { name: 'Renamed after the restart' });
    await waitForText('#event-name', /^Renamed after the restart$/);
    t.diagnostic(`live updates back ${Date.now() - started} ms after the API began to stop`);
  });

  it('keeps the session and the open event across a reload, and signs out', async () => {
    await page.reload();
    await waitForText('#event-name', /^Renamed after the restart$/);
    await waitForText('#rehearsal-summary', /^Passed/);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('API key').waitFor({ state: 'visible' });
    assert.equal(await page.evaluate('sessionStorage.length'), 0);
    assert.deepEqual(pageProblems, []);
  });
});
