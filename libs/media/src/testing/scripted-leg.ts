import type { LegFailure } from '../legs/leg-failure';
import type { OutboundLeg, OutboundLegListener, OutboundLegState } from '../legs/outbound-leg';
import type { LegFactory } from '../pipeline/event-legs';
import type { FlvTag } from '../protocols/flv/flv-tag';
import type { ProgramOutput } from '../switcher/program-output';
import type { ProgramPacket } from '../switcher/program-packet';

/**
 * A fake outbound leg for unit specs (the real FfmpegLeg is tested against nginx-rtmp in test/media):
 * `start()` attaches it to the program and reports `live` at once; it keeps every tag it is sent and
 * counts their bytes; `fail()` detaches it and reports `exited` then the failure, as FfmpegLeg does;
 * `stop()` detaches it and counts the stop. Not exported from the lib's index: specs import it by path.
 */
export class ScriptedLeg implements OutboundLeg {
  state: OutboundLegState = 'idle';
  /** Bytes of the packets written since start (a spec may overwrite it). */
  bytesWritten = 0;
  /** Every tag written, in order. */
  readonly tags: FlvTag[] = [];
  /** How many times `stop()` was called. */
  stops = 0;

  constructor(
    private readonly program: ProgramOutput,
    private readonly listener: OutboundLegListener,
  ) {}

  start(): void {
    this.program.attach(this);
    this.state = 'live';
    this.listener.stateChanged('live');
  }

  /** The leg's process "exits" with `failure`. */
  fail(failure: LegFailure): void {
    this.program.detach(this);
    this.state = 'exited';
    this.listener.stateChanged('exited');
    this.listener.exited(failure);
  }

  async stop(): Promise<void> {
    this.stops++;
    this.program.detach(this);
    this.state = 'idle';
  }

  write(packet: ProgramPacket): void {
    this.tags.push(packet.tag);
    this.bytesWritten += packet.bytes.length;
  }

  recentOutput(): readonly string[] {
    return [];
  }
}

/** A {@link LegFactory} of {@link ScriptedLeg}s that keeps every leg it made, per destination. */
export interface ScriptedLegs {
  readonly factory: LegFactory;
  /** Every leg made, in order. */
  readonly created: ScriptedLeg[];
  /** The legs made for `destinationId`, in order. */
  of(destinationId: string): ScriptedLeg[];
  /** The last leg made (for `destinationId` if given); throws if there is none. */
  latest(destinationId?: string): ScriptedLeg;
}

/** A factory of scripted legs for EventPipeline and EventLegs specs; see {@link ScriptedLegs}. */
export function scriptedLegs(): ScriptedLegs {
  const made: Array<{ id: string; leg: ScriptedLeg }> = [];
  const created: ScriptedLeg[] = [];
  const of = (id: string): ScriptedLeg[] => made.filter((m) => m.id === id).map((m) => m.leg);
  return {
    factory: (spec, program, listener) => {
      const leg = new ScriptedLeg(program, listener);
      made.push({ id: spec.destinationId, leg });
      created.push(leg);
      return leg;
    },
    created,
    of,
    latest: (id) => {
      const leg = (id === undefined ? created : of(id)).at(-1);
      if (!leg) throw new Error(`no scripted leg${id === undefined ? '' : ` for ${id}`} was made`);
      return leg;
    },
  };
}
