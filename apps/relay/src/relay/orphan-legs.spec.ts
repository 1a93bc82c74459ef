import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { findOrphanLegs } from './orphan-legs';

const LEG = ['ffmpeg', '-f', 'flv', '-i', 'pipe:0', '-c', 'copy', '-f', 'flv', 'rtmp://dest/app/key'];

/** A fake /proc with processes: pid → [argv, parent pid]. */
function fakeProc(processes: Record<number, [string[], number]>): string {
  const root = mkdtempSync(join(tmpdir(), 'fake-proc-'));
  for (const [pid, [argv, ppid]] of Object.entries(processes)) {
    mkdirSync(join(root, pid));
    writeFileSync(join(root, pid, 'cmdline'), `${argv.join('\0')}\0`);
    const comm = (argv[0] ?? '').split('/').pop();
    writeFileSync(join(root, pid, 'stat'), `${pid} (${comm}) S ${ppid} ${pid} ${pid} 0 -1`);
  }
  return root;
}

describe('findOrphanLegs', () => {
  const roots: string[] = [];
  after(() => roots.forEach((root) => rmSync(root, { recursive: true, force: true })));

  it('finds legs whose relay died (re-parented to init or a non-Node subreaper), not live ones', () => {
    const root = fakeProc({
      1: [['/sbin/init'], 0],
      50: [['tini', '--'], 1],
      100: [LEG, 1],
      101: [['/usr/bin/ffmpeg', ...LEG.slice(1)], 50],
      200: [['restream-relay'], 1],
      201: [LEG, 200],
      300: [['node', '--test'], 1],
      301: [LEG, 300],
      400: [['ffmpeg', '-re', '-f', 'lavfi', '-i', 'testsrc2', '-f', 'flv', 'rtmp://x'], 1],
    });
    roots.push(root);
    const found = findOrphanLegs('ffmpeg', root)
      .map((o) => o.pid)
      .sort();
    assert.deepEqual(found, [100, 101]);
  });

  it('finds nothing where /proc cannot be read', () => {
    assert.deepEqual(findOrphanLegs('ffmpeg', join(tmpdir(), 'no-such-proc-root')), []);
  });
});
