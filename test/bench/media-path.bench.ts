/**
 * Benchmark of the relay's per-packet path, on tags of a real H.264/AAC encode:
 *   1. RTMP chunk stream reassembly (ChunkReader), as the ingest does for every socket read;
 *   2. switcher + program output fan-out to N legs (each tag encoded once, shared), with a failover
 *      every second.
 * Run: `npm run build && node dist/test/bench/media-path.bench.js`. Results: docs/benchmarks.md.
 */
import { FailoverSwitcher, ProgramOutput, type FlvTag } from '@relay/media';
import { ChunkReader, ChunkWriter, RtmpMessageType } from '../../libs/media/src/protocols/rtmp';
import { makeFlvFixture } from '../utils/flv-fixtures';

const LEGS = 10;
const READ_SIZE = 64 * 1024;

function chunkReaderBench(tags: FlvTag[]): { mbPerSec: number; usPerMessage: number } {
  const writer = new ChunkWriter();
  writer.setChunkSize(4096);
  const stream = Buffer.concat(
    tags.map((t) =>
      writer.write({
        chunkStreamId: t.type === 9 ? 6 : 4,
        typeId: t.type === 9 ? RtmpMessageType.Video : RtmpMessageType.Audio,
        streamId: 1,
        timestamp: t.timestamp,
        payload: t.data,
      }),
    ),
  );
  let messages = 0;
  const rounds = 20;
  const start = process.hrtime.bigint();
  for (let round = 0; round < rounds; round++) {
    // A new reader per round: timestamps restart, as with a new publisher.
    const reader = new ChunkReader(() => messages++);
    reader.feed(Buffer.from([0x02, 0, 0, 0, 0, 0, 4, 0x01, 0, 0, 0, 0, 0, 0, 0x10, 0x00])); // Set Chunk Size 4096
    for (let offset = 0; offset < stream.length; offset += READ_SIZE)
      reader.feed(stream.subarray(offset, offset + READ_SIZE));
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return { mbPerSec: (stream.length * rounds) / seconds / 1e6, usPerMessage: (seconds * 1e6) / messages };
}

function switcherBench(tags: FlvTag[]): { nsPerTag: number; switches: number; heapGrowthMb: number } {
  const program = new ProgramOutput();
  let written = 0;
  for (let i = 0; i < LEGS; i++) program.attach({ write: (p) => (written += p.bytes.length) });
  let now = 0;
  let switches = 0;
  const switcher = new FailoverSwitcher(
    program,
    { mode: 'primary-preferred', stallTimeoutMs: 1000, failbackAfterMs: 0 },
    { inputStateChanged: () => undefined, switched: () => switches++, programInterrupted: () => undefined },
    () => now,
  );
  const rounds = 10;
  const duration = tags.at(-1)!.timestamp - tags[0]!.timestamp;
  global.gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  const start = process.hrtime.bigint();
  let processed = 0;
  let lastFailover = 0;
  for (let round = 0; round < rounds; round++) {
    let primary = switcher.openSession('primary');
    const backup = switcher.openSession('backup');
    for (const tag of tags) {
      now = round * duration + tag.timestamp;
      primary.onMedia(tag);
      backup.onMedia(tag);
      processed += 2;
      if (now - lastFailover >= 1000) {
        lastFailover = now;
        primary.onEnd('disconnected'); // a failover; the primary reconnects at once
        primary = switcher.openSession('primary');
      }
    }
    switcher.tick();
  }
  const nanos = Number(process.hrtime.bigint() - start);
  global.gc?.();
  const heapGrowthMb = (process.memoryUsage().heapUsed - heapBefore) / 1e6;
  if (written === 0) throw new Error('nothing reached the legs');
  return { nsPerTag: nanos / processed, switches, heapGrowthMb };
}

async function main(): Promise<void> {
  const tags = await makeFlvFixture({ width: 1280, height: 720, seconds: 10, fps: 30, gopFrames: 60 });
  const bytes = tags.reduce((sum, t) => sum + t.data.length, 0);
  const reader = chunkReaderBench(tags);
  const switcher = switcherBench(tags);
  const rows = [
    `fixture: 720p30 H.264 + AAC, ${tags.length} tags, ${((bytes * 8) / 10 / 1e6).toFixed(2)} Mbit/s`,
    `chunk reader: ${reader.mbPerSec.toFixed(0)} MB/s, ${reader.usPerMessage.toFixed(2)} µs per message (${READ_SIZE / 1024} KiB reads, 4096-byte chunks)`,
    `switcher + program to ${LEGS} legs: ${switcher.nsPerTag.toFixed(0)} ns per input tag, ${switcher.switches} switches, heap growth ${switcher.heapGrowthMb.toFixed(1)} MB`,
  ];
  process.stdout.write(`${rows.join('\n')}\n`);
}

void main();
