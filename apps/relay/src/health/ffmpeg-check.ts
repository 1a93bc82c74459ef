import { execFile } from 'node:child_process';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { EnvironmentVariables } from '@relay/config';

/** A cached answer is trusted this long (ms) before `FFMPEG_PATH -version` runs again. */
const RECHECK_AFTER_MS = 60_000;
/** Longest `ffmpeg -version` may take (ms). */
const CHECK_TIMEOUT_MS = 5000;

/**
 * Whether the ffmpeg the legs run (`FFMPEG_PATH`) is present: `ffmpeg -version` exits 0. Checked at
 * start-up, then at most once a minute, on demand (a readiness probe every few seconds spawns nothing).
 */
@Injectable()
export class FfmpegCheck implements OnModuleInit {
  private last: { at: number; reason: string | null } | null = null;
  private running: Promise<string | null> | null = null;

  constructor(private readonly config: EnvironmentVariables) {}

  async onModuleInit(): Promise<void> {
    await this.check();
  }

  /** Null when ffmpeg is present, else why not (e.g. "ffmpeg -version failed (ENOENT)"). */
  async check(now = Date.now()): Promise<string | null> {
    if (this.last && now - this.last.at < RECHECK_AFTER_MS) return this.last.reason;
    this.running ??= this.run().then((reason) => {
      this.last = { at: Date.now(), reason };
      this.running = null;
      return reason;
    });
    return this.running;
  }

  private run(): Promise<string | null> {
    return new Promise((resolve) => {
      execFile(this.config.FFMPEG_PATH, ['-version'], { timeout: CHECK_TIMEOUT_MS }, (error) => {
        if (!error) return resolve(null);
        const code = (error as NodeJS.ErrnoException).code ?? error.name;
        resolve(`${this.config.FFMPEG_PATH} -version failed (${String(code)})`);
      });
    });
  }
}
