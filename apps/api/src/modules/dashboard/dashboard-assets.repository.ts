import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';

/** One file of the dashboard, held in memory (the whole page is a few tens of kB). */
export interface DashboardAsset {
  body: Buffer;
  contentType: string;
  /** Strong ETag: a hash of the body, quoted (RFC 9110, 8.8.3). */
  etag: string;
}

/** The only file types served; anything else in the folder is ignored. */
const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/**
 * `apps/api/dashboard` of the checkout or image this file runs from, found by walking up from `fromDir`
 * (tsc does not copy the page's files into dist/), or null when there is none.
 */
export function findDashboardDir(fromDir: string): string | null {
  for (let dir = fromDir; dir !== dirname(dir); dir = dirname(dir)) {
    const candidate = join(dir, 'apps', 'api', 'dashboard');
    if (existsSync(join(candidate, 'index.html'))) return candidate;
  }
  return null;
}

/** Reads the dashboard's files once at start-up; the set of names served is what the folder held then. */
@Injectable()
export class DashboardAssetsRepository implements OnModuleInit {
  private readonly logger = new Logger('Dashboard');
  private readonly assets = new Map<string, DashboardAsset>();

  onModuleInit(): void {
    const dir = findDashboardDir(__dirname);
    if (!dir) {
      // A build without the page's files (e.g. a test build elsewhere) still serves the API.
      this.logger.warn(`Dashboard files (apps/api/dashboard) not found above ${__dirname}: / answers 404`);
      return;
    }
    for (const name of readdirSync(dir)) {
      const contentType = CONTENT_TYPES[extname(name)];
      if (!contentType) continue;
      const body = readFileSync(join(dir, name));
      const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
      this.assets.set(name, { body, contentType, etag });
    }
  }

  /** The file called `name` (a bare file name, e.g. `app.js`), or undefined. */
  find(name: string): DashboardAsset | undefined {
    return this.assets.get(name);
  }
}
