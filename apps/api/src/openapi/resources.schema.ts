import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** OpenAPI shapes of the answers other than the event JSON (presenters of apps/api/src/modules). */
export class RehearsalSchema {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ enum: ['running', 'completed', 'aborted'], example: 'running' })
  status!: string;

  @ApiProperty({ format: 'date-time' })
  startedAt!: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  endedAt!: string | null;

  @ApiProperty({ example: 30_000 })
  durationMs!: number;

  @ApiProperty({ enum: ['pass', 'fail'], nullable: true, example: 'pass' })
  verdict!: string | null;

  @ApiProperty({ type: Number, nullable: true, example: 1000, description: 'ms' })
  detectionMs!: number | null;

  @ApiProperty({ type: Number, nullable: true, example: 40, description: 'ms' })
  switchGapMs!: number | null;

  @ApiProperty({ type: Number, nullable: true, example: 40, description: 'ms' })
  failbackGapMs!: number | null;

  @ApiProperty({ example: 0 })
  legReconnects!: number;

  @ApiProperty({
    type: 'array',
    items: {
      type: 'object',
      properties: {
        destinationId: { type: 'string' },
        stayedConnected: { type: 'boolean' },
        bytesDuringSwitch: { type: 'integer' },
      },
    },
  })
  legs!: unknown[];

  @ApiProperty({ type: [String], example: [] })
  reasons!: string[];
}

export class RehearsalListSchema {
  @ApiProperty({ type: [RehearsalSchema] })
  items!: RehearsalSchema[];
}

export class ApiKeySchema {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ example: 'CI deploys' })
  name!: string;

  @ApiProperty({ example: 'rrk_a1b2', description: 'Start of the secret, to recognise the key' })
  prefix!: string;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  lastUsedAt!: string | null;
}

export class CreatedApiKeySchema {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ example: 'CI deploys' })
  name!: string;

  @ApiProperty({ example: 'rrk_a1b2' })
  prefix!: string;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ example: 'rrk_a1b2…', description: 'The secret, shown this once' })
  secret!: string;
}

export class ApiKeyListSchema {
  @ApiProperty({ type: [ApiKeySchema] })
  items!: ApiKeySchema[];
}

export class WebhookSchema {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ example: 'https://hooks.example.com/relay' })
  url!: string;

  @ApiProperty({ type: String, nullable: true, example: 'Ops channel' })
  description!: string | null;

  @ApiProperty({ type: [String], example: ['event.live', 'event.ended'] })
  events!: string[];

  @ApiProperty({ example: true })
  enabled!: boolean;

  @ApiPropertyOptional({
    description: 'Signing secret, only in the answers to POST and to rotate-secret',
    example: 'whsec_3q2-7wX9Vb0m1lZ0pYc8d4fGh6jK2nR5sT7uW9yA1cE',
  })
  secret?: string;

  @ApiPropertyOptional({
    format: 'date-time',
    description:
      'Only in the answer to rotate-secret: until then deliveries are signed with the old secret too',
  })
  previousSecretExpiresAt?: string;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt!: string;

  @ApiPropertyOptional({
    type: 'array',
    items: { type: 'object' },
    description: 'Recent deliveries (GET one)',
  })
  deliveries?: unknown[];
}

export class WebhookListSchema {
  @ApiProperty({ type: [WebhookSchema] })
  items!: WebhookSchema[];
}

export class TimelineEntrySchema {
  @ApiProperty({ example: '42' })
  id!: string;

  @ApiProperty({ format: 'date-time' })
  at!: string;

  @ApiProperty({ example: 'leg_restarted' })
  type!: string;

  @ApiPropertyOptional({ enum: ['primary', 'backup'] })
  input?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  destinationId?: string;

  @ApiProperty({ type: 'object', additionalProperties: true })
  detail!: unknown;
}

export class TimelinePageSchema {
  @ApiProperty({ type: [TimelineEntrySchema] })
  items!: TimelineEntrySchema[];

  @ApiProperty({ type: String, nullable: true, description: 'Pass as `after` for the next page' })
  nextCursor!: string | null;
}

export class BillingStatusSchema {
  @ApiProperty({ enum: ['free', 'creator', 'pro'], example: 'free' })
  plan!: string;

  @ApiProperty({ type: 'object', additionalProperties: true, description: "The plan's limits" })
  limits!: Record<string, unknown>;

  @ApiProperty({ type: String, nullable: true, example: null })
  stripeCustomerId!: string | null;
}

export class StripeSessionSchema {
  @ApiProperty({ example: 'cs_test_a1b2c3' })
  id!: string;

  @ApiProperty({ example: 'https://checkout.stripe.com/c/pay/cs_test_a1b2c3' })
  url!: string;
}

export class StripeWebhookAckSchema {
  @ApiProperty({ example: true })
  received!: boolean;

  @ApiProperty({ example: false })
  duplicate!: boolean;
}

export class HealthSchema {
  @ApiProperty({ example: 'ok' })
  status!: string;
}

export class ReadinessSchema {
  @ApiProperty({ example: 'ok' })
  status!: string;

  @ApiProperty({
    description: "Each dependency checked: 'ok' (a 503 lists the failing ones in error.details)",
    example: { database: 'ok', redis: 'ok' },
  })
  checks!: Record<string, string>;
}
