import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** OpenAPI shapes of the event JSON (EventJson and its parts in libs/contracts). */
export class LegPolicySchema {
  @ApiProperty({ example: 30_000, description: 'Longest wait between restarts of a leg (ms)' })
  maxBackoffMs!: number;

  @ApiProperty({
    example: 10,
    description: 'Failures within giveUpWindowMs after which the leg gives up (0: never)',
  })
  giveUpAfterFailures!: number;

  @ApiProperty({ example: 600_000, description: 'ms' })
  giveUpWindowMs!: number;
}

export class FlapDampingSchema {
  @ApiProperty({ example: 3 })
  maxFailovers!: number;

  @ApiProperty({ example: 60_000 })
  windowMs!: number;

  @ApiProperty({ example: 60_000 })
  stableMs!: number;
}

export class FailoverSettingsSchema {
  @ApiProperty({ enum: ['primary-preferred', 'sticky'], example: 'primary-preferred' })
  mode!: string;

  @ApiProperty({ example: 1000 })
  stallTimeoutMs!: number;

  @ApiProperty({ example: 5000 })
  failbackAfterMs!: number;

  @ApiProperty({ enum: ['cached-keyframe', 'next-keyframe'], example: 'cached-keyframe' })
  switchAt!: string;

  @ApiProperty({ example: 300_000 })
  slateTimeoutMs!: number;

  @ApiProperty({ type: FlapDampingSchema })
  flapDamping!: FlapDampingSchema;

  @ApiProperty({ example: true })
  detectFrozenTimestamps!: boolean;
}

export class IngestSchema {
  @ApiProperty({ example: 'rtmp://relay.example.com:1935/live' })
  serverUrl!: string;

  @ApiProperty({ example: 'sk_…3f9a', description: 'Shown in full only when created or rotated' })
  streamKey!: string;

  @ApiProperty({ example: 'rtmp://relay.example.com:1935/live/sk_…3f9a' })
  url!: string;

  @ApiProperty({ example: false })
  streamKeyShown!: boolean;

  @ApiProperty({ enum: ['offline', 'live', 'stalled'], example: 'offline' })
  state!: string;

  @ApiProperty({ type: 'object', nullable: true, additionalProperties: true, example: null })
  media!: Record<string, unknown> | null;
}

export class IngestPairSchema {
  @ApiProperty({ type: IngestSchema })
  primary!: IngestSchema;

  @ApiProperty({ type: IngestSchema })
  backup!: IngestSchema;
}

export class DestinationSchema {
  @ApiProperty({ format: 'uuid', example: '7c1e4f0a-2b8d-4c53-9f0e-1a2b3c4d5e6f' })
  id!: string;

  @ApiProperty({ example: 'YouTube' })
  name!: string;

  @ApiProperty({
    example: 'rtmp://a.rtmp.youtube.com/live2',
    description: 'rtmp://host[:port]/app, rtmps://… or srt://host:port',
  })
  url!: string;

  @ApiProperty({
    type: String,
    nullable: true,
    example: '********abcd',
    description: 'The stream key (for srt://, the SRT streamid) with all but its last 4 characters masked',
  })
  streamKeyMasked!: string | null;

  @ApiProperty({
    type: String,
    nullable: true,
    example: null,
    description: 'srt:// destinations: "********" when an SRT passphrase is set, else null',
  })
  passphraseMasked!: string | null;

  @ApiProperty({ enum: ['idle', 'connecting', 'live', 'retrying', 'failed'], example: 'idle' })
  state!: string;

  @ApiProperty({ example: 0 })
  restarts!: number;

  @ApiProperty({ type: String, nullable: true, example: null })
  lastError!: string | null;

  @ApiProperty({ type: LegPolicySchema })
  legPolicy!: LegPolicySchema;
}

export class SlateSchema {
  @ApiProperty({ format: 'date-time' })
  since!: string;

  @ApiProperty({ format: 'date-time' })
  endsAt!: string;
}

export class EventSchema {
  @ApiProperty({ format: 'uuid', example: '0f8b6c1e-5d2a-4e7b-9c3d-2a1b0c9d8e7f' })
  id!: string;

  @ApiProperty({ example: 'Sunday service' })
  name!: string;

  @ApiProperty({ enum: ['idle', 'standby', 'live', 'ended'], example: 'idle' })
  status!: string;

  @ApiProperty({ type: String, nullable: true, example: null })
  statusReason!: string | null;

  @ApiProperty({ enum: ['primary', 'backup'], nullable: true, example: null })
  activeInput!: string | null;

  @ApiProperty({ type: SlateSchema, nullable: true })
  slate!: SlateSchema | null;

  @ApiProperty({ type: FailoverSettingsSchema })
  failover!: FailoverSettingsSchema;

  @ApiProperty({ type: LegPolicySchema })
  legPolicy!: LegPolicySchema;

  @ApiProperty({ type: IngestPairSchema })
  ingest!: IngestPairSchema;

  @ApiProperty({ type: [DestinationSchema] })
  destinations!: DestinationSchema[];

  @ApiProperty({ type: 'array', items: { type: 'object' }, example: [] })
  warnings!: unknown[];

  @ApiProperty({ format: 'date-time', example: '2026-11-21T08:00:00.000Z' })
  createdAt!: string;

  @ApiProperty({ format: 'date-time', example: '2026-11-21T08:00:00.000Z' })
  updatedAt!: string;
}

export class EventPageSchema {
  @ApiProperty({ type: [EventSchema] })
  items!: EventSchema[];

  @ApiPropertyOptional({ type: String, nullable: true, description: 'Pass as `cursor` for the next page' })
  nextCursor!: string | null;
}
