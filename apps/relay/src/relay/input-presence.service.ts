import { hostname } from 'node:os';
import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { EnvironmentVariables } from '@relay/config';
import { OWNER_RENEW_TIMEOUT_MS, QueueName, type EventOwnerPayload } from '@relay/queue';
import type { Queue } from 'bullmq';
import { PipelinesService } from './pipelines.service';

/** How often this relay says which events it has publishers for, ms; each word lasts 3 periods. */
const PRESENCE_PERIOD_MS = 1_000;
const PRESENCE_TTL_MS = 3 * PRESENCE_PERIOD_MS;

/** `<host>/<pid>:<rtmp port>`: names a relay process in logs, Redis and timeline entries. */
export function relayIdentity(rtmpPort: number): string {
  return `${hostname()}/${process.pid}:${rtmpPort}`;
}

/**
 * Where each event's encoders publish, in Redis (`relay:event-inputs:<eventId>` = relay identity, a few
 * seconds to live, refreshed every second): the media reaches only the relay the encoders publish to,
 * so the event's owner should be that relay. A relay without the event's inputs leaves the owner job to
 * the relay that has them (see OwnershipService).
 */
@Injectable()
export class InputPresenceService implements OnModuleInit, OnApplicationShutdown {
  readonly relay: string;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    @InjectQueue(QueueName.EventOwner) private readonly queue: Queue<EventOwnerPayload>,
    private readonly pipelines: PipelinesService,
    config: EnvironmentVariables,
  ) {
    this.relay = relayIdentity(config.RTMP_PORT);
  }

  onModuleInit(): void {
    this.timer = setInterval(() => void this.publish(), PRESENCE_PERIOD_MS);
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** Whether this relay has a publisher of the event now. */
  here(eventId: string): boolean {
    return this.pipelines.get(eventId)?.hasInputs ?? false;
  }

  /**
   * The other relay the event's encoders publish to, if one does and this one has none of them; null
   * otherwise (also when Redis does not answer within OWNER_RENEW_TIMEOUT_MS).
   */
  async elsewhere(eventId: string): Promise<string | null> {
    if (this.here(eventId)) return null;
    try {
      const client = await this.queue.client;
      const holder = await Promise.race([
        client.get(keyOf(eventId)),
        new Promise<null>((resolve) => setTimeout(() => resolve(null), OWNER_RENEW_TIMEOUT_MS).unref()),
      ]);
      return holder && holder !== this.relay ? holder : null;
    } catch {
      return null;
    }
  }

  private async publish(): Promise<void> {
    const events = this.pipelines.eventIdsWithInputs();
    if (events.length === 0) return;
    try {
      const client = await this.queue.client;
      await Promise.all(
        events.map((eventId) => client.set(keyOf(eventId), this.relay, { PX: PRESENCE_TTL_MS })),
      );
    } catch {
      // Redis away: nobody can take an event over meanwhile; presence resumes with it.
    }
  }
}

function keyOf(eventId: string): string {
  return `relay:event-inputs:${eventId}`;
}
