import type { ProgramReader } from '../switcher/program-packet';
import type { LegFailure } from './leg-failure';

/**
 * Actual state of one leg's connection (the supervisor keeps the desired state apart):
 *   idle → connecting (process started) → live (media reaches the destination)
 *   connecting | live → exited (process ended; `failure` says why) ; any → stopping → idle (stop()).
 */
export type OutboundLegState = 'idle' | 'connecting' | 'live' | 'stopping' | 'exited';

/** Where a leg reads the program from: it attaches on start and detaches when it ends. */
export interface ProgramSource {
  attach(reader: ProgramReader): void;
  detach(reader: ProgramReader): void;
}

/** Observer of a leg; called from the event loop, must not throw. */
export interface OutboundLegListener {
  stateChanged(state: OutboundLegState): void;
  /** The leg ended without stop() having been called. */
  exited(failure: LegFailure): void;
}

/**
 * One outbound connection to a destination, carrying the program output. A leg stays the same
 * connection across failovers: the switcher changes what is written, never the leg.
 * Implemented by {@link FfmpegLeg}; a native RTMP egress may implement it later.
 */
export interface OutboundLeg extends ProgramReader {
  readonly state: OutboundLegState;
  /** Program bytes handed to the connection since the leg was created. */
  readonly bytesWritten: number;
  /** Starts the connection; the leg attaches to its program source and begins at a keyframe. */
  start(): void;
  /** Closes cleanly (flushes, ends the stream), bounded by a grace period; resolves when gone. */
  stop(): Promise<void>;
  /** Recent diagnostic lines, secrets masked, oldest first. */
  recentOutput(): readonly string[];
}
