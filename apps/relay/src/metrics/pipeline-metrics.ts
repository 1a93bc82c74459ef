import { Counter, Gauge, type Registry } from 'prom-client';
import {
  INPUT_STATE_LABELS,
  LEG_STATE_LABELS,
  type EventSnapshot,
  type InputSnapshot,
  type LegSnapshot,
} from './pipeline-snapshot';

type Labels = Record<string, string>;
type Sample = readonly [Labels, number];

/** A series family: what it is per (event, input or leg), and how its samples are read from a snapshot. */
interface Family {
  readonly name: string;
  readonly help: string;
  readonly type: 'gauge' | 'counter';
  readonly labelNames: readonly string[];
  readonly read: (events: readonly EventSnapshot[], legBitrate: LegBitrate) => Iterable<Sample>;
}

/** A leg's measured output rate, bit/s. */
export type LegBitrate = (eventId: string, destinationId: string) => number;

const EVENT = ['event_id'];
const INPUT = ['event_id', 'role'];
const LEG = ['event_id', 'destination_id', 'platform'];

/** Labels and reader of a family with one series per event, input or leg. */
type Series = Pick<Family, 'labelNames' | 'read'>;

const perEvent = (value: (e: EventSnapshot) => number): Series => ({
  labelNames: EVENT,
  *read(events) {
    for (const e of events) yield [{ event_id: e.eventId }, value(e)];
  },
});
const perInput = (value: (i: InputSnapshot) => number | null): Series => ({
  labelNames: INPUT,
  *read(events) {
    for (const e of events)
      for (const i of e.inputs) {
        const v = value(i);
        if (v !== null) yield [{ event_id: e.eventId, role: i.role }, v];
      }
  },
});
const legLabels = (e: EventSnapshot, l: LegSnapshot): Labels => ({
  event_id: e.eventId,
  destination_id: l.destinationId,
  platform: l.platform,
});
const perLeg = (value: (l: LegSnapshot, e: EventSnapshot, rate: LegBitrate) => number): Series => ({
  labelNames: LEG,
  *read(events, rate) {
    for (const e of events) for (const l of e.legs) yield [legLabels(e, l), value(l, e, rate)];
  },
});

/**
 * The relay's per-event and per-leg series. Labels: `event_id`, `role` (primary|backup), `destination_id`,
 * `platform` (youtube|twitch|facebook|custom), `state`: never a stream key, URL or organization name.
 * Counters restart from 0 with a new publishing session (inputs) or a new pipeline (events, legs).
 */
export const PIPELINE_FAMILIES: readonly Family[] = [
  {
    name: 'relay_input_state',
    help: 'Ingest state of each input: 1 for its current state (offline, live, stalled), 0 for the others',
    type: 'gauge',
    labelNames: [...INPUT, 'state'],
    *read(events) {
      for (const e of events)
        for (const i of e.inputs)
          for (const state of INPUT_STATE_LABELS)
            yield [{ event_id: e.eventId, role: i.role, state }, i.state === state ? 1 : 0];
    },
  },
  {
    name: 'relay_input_bitrate_bits_per_second',
    help: 'Input audio + video bitrate over the last ~5 s',
    type: 'gauge',
    ...perInput((i) => i.bitrateBps),
  },
  {
    name: 'relay_input_frames_total',
    help: 'Media frames received from the input in its current publishing session',
    type: 'counter',
    ...perInput((i) => i.frames),
  },
  {
    name: 'relay_input_last_media_age_seconds',
    help: 'Time since the input last sent a media frame (absent before any in the session)',
    type: 'gauge',
    ...perInput((i) => i.lastMediaAgeSeconds),
  },
  {
    name: 'relay_input_on_air',
    help: 'Whether the input is the one on the program (1) or not (0)',
    type: 'gauge',
    ...perInput((i) => (i.onAir ? 1 : 0)),
  },
  {
    name: 'relay_failovers_total',
    help: 'Program switches from the primary to the backup',
    type: 'counter',
    ...perEvent((e) => e.failovers),
  },
  {
    name: 'relay_failbacks_total',
    help: 'Program switches from the backup back to the primary',
    type: 'counter',
    ...perEvent((e) => e.failbacks),
  },
  {
    name: 'relay_program_bitrate_bits_per_second',
    help: "Program bitrate: the on-air input's, 0 with no input on air",
    type: 'gauge',
    ...perEvent((e) => e.programBitrateBps),
  },
  {
    name: 'relay_program_frames_total',
    help: 'FLV tags (audio and video frames, sequence headers) published to the program',
    type: 'counter',
    ...perEvent((e) => e.programFrames),
  },
  {
    name: 'relay_event_uptime_seconds',
    help: 'Time since the event went on air on this relay, 0 while off air',
    type: 'gauge',
    ...perEvent((e) => e.uptimeSeconds),
  },
  {
    name: 'relay_leg_state',
    help: 'State of each leg: 1 for its current state, 0 for the others (failed: given up)',
    type: 'gauge',
    labelNames: [...LEG, 'state'],
    *read(events) {
      for (const e of events)
        for (const l of e.legs)
          for (const state of LEG_STATE_LABELS)
            yield [{ ...legLabels(e, l), state }, l.state === state ? 1 : 0];
    },
  },
  {
    name: 'relay_leg_bitrate_bits_per_second',
    help: 'Program bytes handed to the leg over the last ~5 s, in bit/s',
    type: 'gauge',
    ...perLeg((l, e, rate) => rate(e.eventId, l.destinationId)),
  },
  {
    name: 'relay_leg_bytes_total',
    help: 'Program bytes handed to the leg, over all its runs',
    type: 'counter',
    ...perLeg((l) => l.bytes),
  },
  {
    name: 'relay_leg_uptime_seconds',
    help: 'Time the current run of the leg has been live, 0 when not live',
    type: 'gauge',
    ...perLeg((l) => l.uptimeSeconds),
  },
  {
    name: 'relay_leg_restarts_total',
    help: 'Restarts of the leg since the event went on air on this relay',
    type: 'counter',
    ...perLeg((l) => l.restarts),
  },
];

/**
 * Registers {@link PIPELINE_FAMILIES} in `registry`, filled at scrape time from `snapshots()` (the events
 * this relay runs now): an event or leg that leaves the relay leaves no series behind.
 */
export function registerPipelineMetrics(
  registry: Registry,
  snapshots: () => readonly EventSnapshot[],
  legBitrate: LegBitrate,
): void {
  for (const family of PIPELINE_FAMILIES) {
    const config = {
      name: family.name,
      help: family.help,
      labelNames: family.labelNames,
      registers: [registry],
    };
    if (family.type === 'gauge')
      new Gauge({
        ...config,
        collect() {
          this.reset();
          for (const [labels, value] of family.read(snapshots(), legBitrate)) this.set(labels, value);
        },
      });
    else
      new Counter({
        ...config,
        collect() {
          this.reset();
          for (const [labels, value] of family.read(snapshots(), legBitrate))
            this.inc(labels, Math.max(0, value));
        },
      });
  }
}
