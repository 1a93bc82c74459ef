import type { FlvTag } from '../protocols/flv/flv-tag';

/** Which of an event's two ingest endpoints a publisher uses. */
export type InputRole = 'primary' | 'backup';

/** Who a stream key belongs to, as resolved by the authorizer. */
export interface PublishTarget {
  readonly eventId: string;
  readonly role: InputRole;
}

/**
 * A known stream key whose publish is refused for a reason the publisher can act on (not a wrong key):
 * answered with NetStream.Publish.Denied, logged with `reason`, and never counted toward the wrong-key
 * slowdown of the address (PublishRefusalThrottle counts unknown keys only).
 */
export interface PublishRefusal {
  /** Machine-readable, snake_case, e.g. `plan_has_no_backup_ingest`; safe to log. */
  readonly refused: string;
  readonly target: PublishTarget;
}

/**
 * Resolves the stream name of an RTMP `publish` command (RTMP spec 1.0, 7.2.2.6) to an event input.
 * Returns null for an unknown key: the server then refuses the publish with NetStream.Publish.BadName;
 * a {@link PublishRefusal} for a known key refused for a reason. Must not log the stream name: it is a
 * secret.
 */
export type PublishAuthorizer = (
  app: string,
  streamName: string,
) => Promise<PublishTarget | PublishRefusal | null>;

/** Whether an authorizer's answer is a {@link PublishRefusal}. */
export function isPublishRefusal(answer: PublishTarget | PublishRefusal | null): answer is PublishRefusal {
  return answer !== null && 'refused' in answer;
}

/**
 * What the ingest server hands to the rest of the media plane for one publishing session.
 * Callbacks are invoked synchronously from the socket's data handler: they must not block or throw.
 */
export interface PublishSink {
  /** `@setDataFrame onMetaData` body re-encoded as an FLV script tag body (AMF0 "onMetaData", object). */
  onMetadata(tag: FlvTag): void;
  /** Audio (8) or video (9) message, in arrival order. */
  onMedia(tag: FlvTag): void;
  /** The session ended: FCUnpublish/deleteStream, socket closed, protocol error, or replaced. */
  onEnd(reason: PublishEndReason): void;
}

/** Why a publishing session ended. */
export type PublishEndReason = 'unpublished' | 'disconnected' | 'replaced' | 'protocol-error' | 'kicked';

/** Called when a publish was accepted; returns the sink that receives the session's tags. */
export type PublishStartHandler = (target: PublishTarget, session: PublishSessionInfo) => PublishSink;

/** Facts about an accepted publishing session, safe to log (no stream key). */
export interface PublishSessionInfo {
  readonly sessionId: string;
  readonly remoteAddress: string;
  /** Value of the `flashVer` / encoder field of `connect`, truncated; for diagnostics. */
  readonly encoder: string;
  /** Ends the session (closes its socket). */
  close(): void;
}
