import { Injectable } from '@nestjs/common';
import { StreamKeySecrets } from '@relay/config';
import { buildSrtPublishUrl, isSrtUrl, type LegSpec, type SwitcherSettings } from '@relay/media';
import { PrismaService } from '@relay/prisma';
import { runQuery } from './run-query';

/** What the relay needs to run an event's pipeline. */
export interface PipelineConfig {
  readonly eventId: string;
  readonly status: 'idle' | 'standby' | 'live' | 'ended';
  readonly settings: SwitcherSettings;
  readonly legs: LegSpec[];
}

/**
 * Where a leg publishes: `url + "/" + streamKey` for RTMP(S); for SRT, `srt://host:port?streamid=<streamKey>`
 * with the passphrase and the transport settings (see buildSrtPublishUrl). A secret.
 */
function publishUrlOf(url: string, streamKey: string | null, passphrase: string | null): string {
  if (isSrtUrl(url)) return buildSrtPublishUrl({ url, streamId: streamKey, passphrase });
  return streamKey ? `${url}/${streamKey}` : url;
}
/**
 * Loads what an event's pipeline runs from PostgreSQL (destination secrets decrypted). Every method maps
 * Prisma errors to DatabaseError.
 */
@Injectable()
export class PipelineConfigRepository {
  constructor(
    private readonly prisma: PrismaService,
    private readonly secrets: StreamKeySecrets,
  ) {}

  async loadPipelineConfig(eventId: string): Promise<PipelineConfig | null> {
    // Destination keys are stored encrypted (a row the API has not migrated yet still holds clear text).
    const streamKeyOf = (d: { streamKey: string | null; streamKeyCipher: string | null }): string | null =>
      d.streamKeyCipher ? this.secrets.cipher.decrypt(d.streamKeyCipher) : d.streamKey;
    const event = await runQuery(() =>
      this.prisma.event.findUnique({
        where: { id: eventId },
        include: { destinations: { orderBy: { createdAt: 'asc' } } },
      }),
    );
    if (!event) return null;
    return {
      eventId,
      status: event.status,
      settings: settingsOf(event),
      legs: event.destinations.map((d) => ({
        destinationId: d.id,
        publishUrl: publishUrlOf(
          d.url,
          streamKeyOf(d),
          d.passphraseCipher ? this.secrets.cipher.decrypt(d.passphraseCipher) : null,
        ),
        streamKey: streamKeyOf(d),
        policy: {
          maxBackoffMs: d.maxBackoffMs ?? event.legMaxBackoffMs,
          giveUpAfterFailures: d.giveUpAfterFailures ?? event.legGiveUpAfterFailures,
          giveUpWindowMs: d.giveUpWindowMs ?? event.legGiveUpWindowMs,
        },
        // Only a give-up stores `failed` (markLegGaveUp); a retry by hand or a stop of the event clears it.
        gaveUp: d.state === 'failed',
      })),
    };
  }
}

/** The event's failover columns as switcher settings. */
export function settingsOf(event: {
  failoverMode: 'primary_preferred' | 'sticky';
  stallTimeoutMs: number;
  failbackAfterMs: number;
  switchAt: 'cached_keyframe' | 'next_keyframe';
  slateTimeoutMs: number;
  flapMaxFailovers: number;
  flapWindowMs: number;
  flapStableMs: number;
  detectFrozenTimestamps: boolean;
}): SwitcherSettings {
  return {
    mode: event.failoverMode === 'primary_preferred' ? 'primary-preferred' : 'sticky',
    stallTimeoutMs: event.stallTimeoutMs,
    failbackAfterMs: event.failbackAfterMs,
    switchAt: event.switchAt === 'cached_keyframe' ? 'cached-keyframe' : 'next-keyframe',
    flapDamping: {
      maxFailovers: event.flapMaxFailovers,
      windowMs: event.flapWindowMs,
      stableMs: event.flapStableMs,
    },
    detectFrozenTimestamps: event.detectFrozenTimestamps,
    slateTimeoutMs: event.slateTimeoutMs,
  };
}
