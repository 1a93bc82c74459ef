import type { Socket } from 'node:net';
import { Amf0DecodeError } from '../protocols/amf0/amf0-errors';
import { FlvTagType } from '../protocols/flv/flv-constants';
import type { FlvTag } from '../protocols/flv/flv-tag';
import { ChunkReader } from '../protocols/rtmp/chunk-reader';
import { ChunkWriter } from '../protocols/rtmp/chunk-writer';
import {
  acknowledgementMessage,
  pingResponseMessage,
  readControlU32,
  readUserControlEvent,
  setChunkSizeMessage,
  setPeerBandwidthMessage,
  streamBeginMessage,
  windowAckSizeMessage,
} from '../protocols/rtmp/control-messages';
import { ServerHandshake } from '../protocols/rtmp/handshake';
import { decodeCommand, type RtmpCommand } from '../protocols/rtmp/rtmp-command';
import { PeerBandwidthLimit, RtmpMessageType, UserControlEvent } from '../protocols/rtmp/rtmp-constants';
import { RtmpProtocolError } from '../protocols/rtmp/rtmp-errors';
import type { RtmpMessage } from '../protocols/rtmp/rtmp-message';
import { metadataBody, splitAggregate } from './data-messages';
import {
  isPublishRefusal,
  type PublishEndReason,
  type PublishRefusal,
  type PublishSink,
  type PublishTarget,
} from './ingest-types';
import { parseAppName, parseEncoderName, parseStreamKey } from './publish-request';
import {
  commandResult,
  connectRejected,
  connectResult,
  onFcPublish,
  onStatus,
  StatusCode,
} from './rtmp-replies';
import type { PublishRefusalThrottle } from './publish-refusal-throttle';
import type { ResolvedIngestOptions } from './rtmp-server-options';

/** What a session needs from its server: options and the target → session registry. */
export interface SessionHost {
  readonly options: ResolvedIngestOptions;
  /** Registers `session` as the publisher of `target`, ending (replacing) any other one first. */
  claim(target: PublishTarget, session: RtmpSession): void;
  /** Unregisters `session` for `target` if it is still the registered one. */
  release(target: PublishTarget, session: RtmpSession): void;
  /** The session is closed: forget it. */
  closed(session: RtmpSession): void;
  /** Slows publishes from addresses that sent unknown stream keys. */
  readonly refusals: PublishRefusalThrottle;
}

/**
 * Session states; legal transitions:
 *   handshake → connecting            C2 received
 *   connecting → connected            `connect` accepted
 *   connected → authorizing           `publish` received
 *   authorizing → publishing          authorizer returned a target
 *   authorizing → connected           FCUnpublish/deleteStream arrived while authorizing
 *   publishing → connected            FCUnpublish / deleteStream / closeStream
 *   any → closed                      socket closed, error, refusal, replacement, kick, timeout, stop
 */
export type RtmpSessionState =
  'handshake' | 'connecting' | 'connected' | 'authorizing' | 'publishing' | 'closed';

const OUTBOUND_CHUNK_SIZE = 4096;
const SERVER_WINDOW_ACK_SIZE = 2_500_000;
/** Messages held while the authorizer runs (encoders wait for Publish.Start, so normally none). */
const MAX_QUEUED_MESSAGES = 256;
const MAX_QUEUED_BYTES = 16 * 1024 * 1024;
/** A peer that does not read our (small) replies: outbound bytes buffered before we give up. */
const MAX_OUTBOUND_BUFFER = 1024 * 1024;
const MAX_CREATED_STREAMS = 8;
/** After a refusal, time the client gets to read the reply before the socket is destroyed, ms. */
const CLOSE_LINGER_MS = 1000;

/** A message that arrived while the authorizer was running, delivered once it accepts. */
interface QueuedTag {
  readonly metadata: boolean;
  readonly tag: FlvTag;
}

/**
 * One RTMP connection of the ingest server: handshake, chunk parsing, the connect → createStream →
 * publish command flow, and delivery of a publishing session's tags to its {@link PublishSink}.
 * Any parser error or out-of-order command closes this connection only, with one warn line naming the
 * session id, the remote address and the reason (never the stream key).
 */
export class RtmpSession {
  readonly remoteAddress: string;
  private state: RtmpSessionState = 'handshake';
  private readonly handshake = new ServerHandshake();
  private readonly reader: ChunkReader;
  private readonly writer = new ChunkWriter();
  private bytesIn = 0;
  private ackedBytes = 0;
  private peerWindow = 0;
  private app = '';
  private encoder = '';
  private createdStreams = 0;
  private target: PublishTarget | null = null;
  private sink: PublishSink | null = null;
  private queue: QueuedTag[] = [];
  private queuedBytes = 0;
  private cancelPublish = false;
  private startTimer: NodeJS.Timeout | null = null;

  constructor(
    readonly id: string,
    private readonly socket: Socket,
    private readonly host: SessionHost,
  ) {
    this.remoteAddress = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? 0}`;
    this.reader = new ChunkReader(this.onMessage, { maxMessageLength: host.options.maxMessageLength });
    socket.setNoDelay(true);
    socket.setTimeout(host.options.idleTimeoutMs);
    socket.on('data', this.onData);
    socket.on('timeout', () =>
      this.close('disconnected', 'warn', `no data for ${host.options.idleTimeoutMs} ms`),
    );
    socket.on('error', () => this.close('disconnected'));
    socket.on('close', () => this.close('disconnected'));
    this.armStartTimer();
  }

  /** Current state (see {@link RtmpSessionState}). */
  get currentState(): RtmpSessionState {
    return this.state;
  }

  /**
   * Ends the session: the sink (if publishing) gets `onEnd(reason)` exactly once and the socket is
   * destroyed (with `linger`, ended first and destroyed after 1 s so the last reply can be read).
   * Idempotent. `level`/`why` add one log line; `why` must not contain a stream key.
   */
  close(reason: PublishEndReason, level?: 'info' | 'warn', why?: string, linger = false): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.reader.close();
    this.clearStartTimer();
    this.queue = [];
    if (level && why) this.log(level, why, reason);
    this.endPublish(reason);
    this.host.closed(this);
    if (linger) {
      const socket = this.socket;
      socket.end();
      setTimeout(() => socket.destroy(), CLOSE_LINGER_MS).unref();
    } else {
      this.socket.destroy();
    }
  }

  private readonly onData = (data: Buffer): void => {
    if (this.state === 'closed') return;
    this.bytesIn += data.length;
    try {
      if (this.state === 'handshake') {
        const step = this.handshake.feed(data);
        if (step.reply) this.send(step.reply);
        if (!step.done) return;
        this.state = 'connecting';
        if (!step.rest) return;
        data = step.rest;
      }
      this.reader.feed(data);
      this.acknowledge();
    } catch (err) {
      this.fail(err);
    }
  };

  private fail(err: unknown): void {
    if (this.state === 'closed') return;
    const why =
      err instanceof RtmpProtocolError || err instanceof Amf0DecodeError || err instanceof SessionError
        ? err.message
        : `internal error: ${err instanceof Error ? `${err.name}: ${err.message}` : 'unknown'}`;
    this.close('protocol-error', 'warn', why);
  }

  /** Acknowledgement (RTMP spec 1.0, 5.4.3) once the peer's window is reached; at most one per read. */
  private acknowledge(): void {
    if (this.peerWindow > 0 && this.state !== 'closed' && this.bytesIn - this.ackedBytes >= this.peerWindow) {
      this.ackedBytes = this.bytesIn;
      this.sendMessage(acknowledgementMessage(this.bytesIn));
    }
  }

  private readonly onMessage = (m: RtmpMessage): void => {
    switch (m.typeId) {
      case RtmpMessageType.Audio:
      case RtmpMessageType.Video:
        if (m.payload.length > 0)
          this.deliver(false, { type: m.typeId, timestamp: m.timestamp, data: m.payload });
        return;
      case RtmpMessageType.DataAmf0:
      case RtmpMessageType.DataAmf3:
        this.onDataMessage(m);
        return;
      case RtmpMessageType.CommandAmf0:
      case RtmpMessageType.CommandAmf3:
        this.onCommand(decodeCommand(m.payload, m.typeId), m.streamId);
        return;
      case RtmpMessageType.Aggregate:
        splitAggregate(m, (tag) => this.deliver(false, tag));
        return;
      case RtmpMessageType.WindowAckSize:
        this.peerWindow = readControlU32(m.payload);
        return;
      case RtmpMessageType.UserControl:
        if (readUserControlEvent(m.payload) === UserControlEvent.PingRequest) {
          this.sendMessage(pingResponseMessage(readControlU32(m.payload, 2)));
        }
        return;
      default:
        // Acknowledgement, Set Peer Bandwidth, shared objects: nothing to do for an ingest.
        return;
    }
  };

  private onDataMessage(m: RtmpMessage): void {
    let body: Buffer | null;
    try {
      body = metadataBody(m.payload, m.typeId);
    } catch (err) {
      // Minimal AMF3 support: an AMF3 data message that really holds AMF3 values is ignored.
      if (m.typeId === RtmpMessageType.DataAmf3 && err instanceof Amf0DecodeError) return;
      throw err;
    }
    if (body) this.deliver(true, { type: FlvTagType.ScriptData, timestamp: m.timestamp, data: body });
  }

  /** Media and metadata: to the sink while publishing, queued while authorizing, dropped otherwise. */
  private deliver(metadata: boolean, tag: FlvTag): void {
    if (this.state === 'publishing') {
      if (metadata) this.sink!.onMetadata(tag);
      else this.sink!.onMedia(tag);
    } else if (this.state === 'authorizing') {
      this.queuedBytes += tag.data.length;
      if (this.queue.length >= MAX_QUEUED_MESSAGES || this.queuedBytes > MAX_QUEUED_BYTES) {
        throw new SessionError('too much media before the publish was accepted');
      }
      this.queue.push({ metadata, tag });
    }
  }

  private onCommand(cmd: RtmpCommand, streamId: number): void {
    switch (cmd.name) {
      case 'connect':
        this.onConnect(cmd);
        return;
      case 'releaseStream':
      case 'FCPublish':
        this.requireConnected(cmd.name);
        if (cmd.name === 'FCPublish') this.sendMessage(onFcPublish());
        if (cmd.transactionId !== 0) this.sendMessage(commandResult(cmd.transactionId, undefined));
        return;
      case 'createStream':
        this.requireConnected(cmd.name);
        if (++this.createdStreams > MAX_CREATED_STREAMS) throw new SessionError('too many createStream');
        this.sendMessage(commandResult(cmd.transactionId, this.createdStreams));
        return;
      case 'publish':
        this.onPublish(cmd, streamId);
        return;
      case 'FCUnpublish':
      case 'deleteStream':
      case 'closeStream':
        this.onUnpublish();
        return;
      case 'play':
      case 'play2':
        this.sendMessage(
          onStatus(streamId, 'error', StatusCode.PlayFailed, 'This server only accepts publishers.'),
        );
        this.close('disconnected', 'warn', 'play is not supported', true);
        return;
      default:
        // _checkbw, getStreamLength, _result/_error to nothing we asked, ...: ignored.
        return;
    }
  }

  private requireConnected(command: string): void {
    if (this.state === 'handshake' || this.state === 'connecting') {
      throw new SessionError(`${command} before connect`);
    }
  }

  private onConnect(cmd: RtmpCommand): void {
    if (this.state !== 'connecting') throw new SessionError('connect received twice');
    const app = parseAppName(cmd.commandObject);
    this.encoder = parseEncoderName(cmd.commandObject);
    if (app !== this.host.options.app) {
      // The app name is not logged: a misconfigured publisher may have put its key there.
      this.sendMessage(connectRejected(cmd.transactionId, 'Unknown application.'));
      this.close('disconnected', 'warn', 'connect refused: unknown application', true);
      return;
    }
    this.app = app;
    this.state = 'connected';
    this.socket.cork();
    this.sendMessage(windowAckSizeMessage(SERVER_WINDOW_ACK_SIZE));
    this.sendMessage(setPeerBandwidthMessage(SERVER_WINDOW_ACK_SIZE, PeerBandwidthLimit.Dynamic));
    this.sendMessage(streamBeginMessage(0));
    this.sendMessage(setChunkSizeMessage(OUTBOUND_CHUNK_SIZE));
    this.writer.setChunkSize(OUTBOUND_CHUNK_SIZE);
    this.sendMessage(connectResult(cmd.transactionId));
    this.socket.uncork();
  }

  private onPublish(cmd: RtmpCommand, streamId: number): void {
    this.requireConnected('publish');
    if (this.state !== 'connected') throw new SessionError(`publish while ${this.state}`);
    const key = parseStreamKey(cmd.args[0]);
    if (key === null) {
      this.refuse(streamId, StatusCode.PublishBadName, 'publish refused: malformed stream key');
      return;
    }
    this.state = 'authorizing';
    this.cancelPublish = false;
    void this.authorize(key, streamId);
  }

  private async authorize(key: string, streamId: number): Promise<void> {
    let target: PublishTarget | PublishRefusal | null = null;
    let failed = false;
    if (!(await this.waitOutRefusals(streamId))) return;
    try {
      target = await this.host.options.authorize(this.app, key);
    } catch (err) {
      failed = true;
      // Only the error's name: its message may quote the key (e.g. a failed query's parameters).
      this.log('warn', `authorizer failed (${err instanceof Error ? err.name : typeof err})`);
    }
    if (this.state !== 'authorizing') return;
    if (this.cancelPublish) {
      this.queue = [];
      this.queuedBytes = 0;
      this.state = 'connected';
      return;
    }
    if (!target) {
      if (failed) this.refuse(streamId, StatusCode.PublishDenied, 'publish refused: authorizer failed');
      else this.refuseUnknownKey(streamId);
      return;
    }
    if (isPublishRefusal(target)) {
      this.refuseKnownKey(streamId, target);
      return;
    }
    this.start(target, streamId);
  }

  private start(target: PublishTarget, streamId: number): void {
    try {
      this.host.claim(target, this);
      this.target = target;
      this.sink = this.host.options.onPublish(target, {
        sessionId: this.id,
        remoteAddress: this.remoteAddress,
        encoder: this.encoder,
        close: () => this.close('kicked', 'info', 'closed by the media plane'),
      });
      this.state = 'publishing';
      this.clearStartTimer();
      this.socket.cork();
      this.sendMessage(streamBeginMessage(streamId));
      this.sendMessage(onStatus(streamId, 'status', StatusCode.PublishStart, 'Publishing.'));
      this.socket.uncork();
      this.log('info', 'publish started');
      const queued = this.queue;
      this.queue = [];
      this.queuedBytes = 0;
      for (const q of queued) this.deliver(q.metadata, q.tag);
    } catch (err) {
      this.fail(err);
    }
  }

  private onUnpublish(): void {
    if (this.state === 'authorizing') {
      this.cancelPublish = true;
    } else if (this.state === 'publishing') {
      this.state = 'connected';
      this.endPublish('unpublished');
      this.armStartTimer();
    }
  }

  /**
   * Waits as long as the address's earlier unknown keys require (see PublishRefusalThrottle); false when
   * the publish must not go on (refused: another one waits; or the session ended meanwhile).
   */
  private async waitOutRefusals(streamId: number): Promise<boolean> {
    const address = this.socket.remoteAddress ?? '?';
    const delayMs = this.host.refusals.delayFor(address);
    if (delayMs === 0) return true;
    if (!this.host.refusals.beginWait(address)) {
      this.refuse(
        streamId,
        StatusCode.PublishDenied,
        'publish refused: another publish from this address waits',
      );
      return false;
    }
    try {
      await new Promise((resolve) => setTimeout(resolve, delayMs).unref());
    } finally {
      this.host.refusals.endWait(address);
    }
    // A publish cancelled meanwhile goes on to the usual cancel handling after the authorizer.
    return this.state === 'authorizing';
  }

  private refuseUnknownKey(streamId: number): void {
    const refusals = this.host.refusals.refused(this.socket.remoteAddress ?? '?');
    const delayMs = this.host.refusals.delayFor(this.socket.remoteAddress ?? '?');
    const slowed = delayMs > 0 ? `; ${refusals} from this address, its next publish waits ${delayMs} ms` : '';
    this.refuse(streamId, StatusCode.PublishBadName, `publish refused: unknown stream key${slowed}`);
  }

  /** A right key refused for a reason (e.g. the plan): not a guess, so the address is not slowed down. */
  private refuseKnownKey(streamId: number, refusal: PublishRefusal): void {
    this.log('warn', `publish refused: ${refusal.refused}`, undefined, refusal.target);
    this.sendMessage(onStatus(streamId, 'error', StatusCode.PublishDenied, 'Publishing refused.'));
    this.close('disconnected', undefined, undefined, true);
  }

  private refuse(streamId: number, code: StatusCode, why: string): void {
    this.sendMessage(onStatus(streamId, 'error', code, 'Publishing refused.'));
    this.close('disconnected', 'warn', why, true);
  }

  private endPublish(reason: PublishEndReason): void {
    const sink = this.sink;
    const target = this.target;
    this.sink = null;
    this.target = null;
    if (target) this.host.release(target, this);
    if (!sink) return;
    if (reason !== 'protocol-error') this.log('info', 'publish ended', reason, target);
    try {
      sink.onEnd(reason);
    } catch (err) {
      this.log('warn', `sink.onEnd threw: ${err instanceof Error ? err.name : 'unknown'}`, reason, target);
    }
  }

  private send(buf: Buffer): void {
    if (this.socket.destroyed) return;
    this.socket.write(buf);
    if (this.socket.writableLength > MAX_OUTBOUND_BUFFER) {
      this.close('disconnected', 'warn', 'peer does not read its replies');
    }
  }

  private sendMessage(m: RtmpMessage): void {
    this.send(this.writer.write(m));
  }

  private armStartTimer(): void {
    this.clearStartTimer();
    const ms = this.host.options.handshakeTimeoutMs;
    this.startTimer = setTimeout(() => this.close('disconnected', 'warn', `no publish within ${ms} ms`), ms);
    this.startTimer.unref();
  }

  private clearStartTimer(): void {
    if (this.startTimer) clearTimeout(this.startTimer);
    this.startTimer = null;
  }

  private log(level: 'info' | 'warn', msg: string, reason?: PublishEndReason, target = this.target): void {
    this.host.options.logger[level](`rtmp ingest: ${msg}`, {
      sessionId: this.id,
      remoteAddress: this.remoteAddress,
      ...(this.encoder ? { encoder: this.encoder } : {}),
      ...(target ? { eventId: target.eventId, role: target.role } : {}),
      ...(reason ? { reason } : {}),
    });
  }
}

/** A peer broke the session's command flow (not the wire format): message safe to log. */
export class SessionError extends Error {
  override readonly name = 'SessionError';
}
