import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Registry } from 'prom-client';
import { registerPipelineMetrics } from './pipeline-metrics';
import type { EventSnapshot } from './pipeline-snapshot';

const EVENT_ID = '0b7e4a52-3f0e-4c1e-9a43-5b8a0d2f6c11';
const DESTINATION_ID = '6d2a8bbc-818c-4802-b78d-c5faa4a6eaac';

const snapshot = (failovers: number): EventSnapshot => ({
  eventId: EVENT_ID,
  inputs: [
    { role: 'primary', state: 'offline', bitrateBps: 0, frames: 0, lastMediaAgeSeconds: null, onAir: false },
    {
      role: 'backup',
      state: 'live',
      bitrateBps: 2_500_000,
      frames: 900,
      lastMediaAgeSeconds: 0.02,
      onAir: true,
    },
  ],
  failovers,
  failbacks: 0,
  programBitrateBps: 2_500_000,
  programFrames: 2000,
  uptimeSeconds: 42,
  legs: [
    {
      destinationId: DESTINATION_ID,
      platform: 'youtube',
      state: 'live',
      bytes: 1_000_000,
      restarts: 1,
      uptimeSeconds: 30,
    },
  ],
});

describe('relay pipeline metrics', () => {
  it('reads every series from the current snapshot, and drops an event that left the relay', async () => {
    const registry = new Registry();
    let events: EventSnapshot[] = [snapshot(1)];
    registerPipelineMetrics(
      registry,
      () => events,
      () => 2_400_000,
    );
    const ev = `event_id="${EVENT_ID}"`;
    const leg = `${ev},destination_id="${DESTINATION_ID}",platform="youtube"`;
    let text = await registry.metrics();
    for (const line of [
      `relay_input_state{${ev},role="backup",state="live"} 1`,
      `relay_input_state{${ev},role="primary",state="offline"} 1`,
      `relay_input_bitrate_bits_per_second{${ev},role="backup"} 2500000`,
      `relay_input_frames_total{${ev},role="backup"} 900`,
      `relay_input_last_media_age_seconds{${ev},role="backup"} 0.02`,
      `relay_input_on_air{${ev},role="backup"} 1`,
      `relay_failovers_total{${ev}} 1`,
      `relay_program_frames_total{${ev}} 2000`,
      `relay_event_uptime_seconds{${ev}} 42`,
      `relay_leg_state{${leg},state="live"} 1`,
      `relay_leg_state{${leg},state="failed"} 0`,
      `relay_leg_bitrate_bits_per_second{${leg}} 2400000`,
      `relay_leg_bytes_total{${leg}} 1000000`,
      `relay_leg_restarts_total{${leg}} 1`,
    ])
      assert.ok(text.includes(`${line}\n`), line);
    assert.doesNotMatch(
      text,
      /relay_input_last_media_age_seconds\{[^}]*role="primary"/,
      'no media yet: absent',
    );

    events = [snapshot(2)];
    assert.match(await registry.metrics(), /relay_failovers_total\{[^}]*\} 2\n/);
    events = [];
    text = await registry.metrics();
    assert.doesNotMatch(text, new RegExp(EVENT_ID), 'no series left behind');
  });
});
