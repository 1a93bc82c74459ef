import { Injectable } from '@nestjs/common';
import { StreamKeySecrets } from '@relay/config';
import type { WebhookPayloadJson } from '@relay/contracts';
import { PrismaService, toDatabaseError, type Prisma, type WebhookDeliveryStatus } from '@relay/prisma';

/** A delivery with what sending it needs. */
export interface DeliveryToSend {
  id: string;
  payload: WebhookPayloadJson;
  status: WebhookDeliveryStatus;
  /** `secrets`: to sign with, current first, then the one a rotation replaced while in its grace period. */
  endpoint: { id: string; url: string; secrets: string[]; enabled: boolean };
}

/** Outcome of one attempt, as stored on the delivery row. */
export interface AttemptOutcome {
  status: WebhookDeliveryStatus;
  attempts: number;
  statusCode: number | null;
  error: string | null;
  response: string | null;
  nextAttemptAt: Date | null;
}

/** Longest `lastError` stored, characters. */
const MAX_ERROR_LENGTH = 500;

/** Webhook endpoints and deliveries, as the relay writes and sends them. */
@Injectable()
export class WebhookDeliveriesRepository {
  constructor(
    private readonly prisma: PrismaService,
    private readonly keys: StreamKeySecrets,
  ) {}

  /**
   * One pending delivery per enabled endpoint of the event's organization subscribed to the payload's
   * type, created together; returns their ids (none when nobody subscribed).
   */
  async createDeliveries(eventId: string, payload: WebhookPayloadJson): Promise<string[]> {
    return this.run(async () => {
      const endpoints = await this.prisma.webhookEndpoint.findMany({
        where: {
          enabled: true,
          events: { has: payload.type },
          organization: { events: { some: { id: eventId } } },
        },
        select: { id: true },
      });
      if (endpoints.length === 0) return [];
      const rows = await this.prisma.$transaction(
        endpoints.map((e) =>
          this.prisma.webhookDelivery.create({
            data: {
              endpointId: e.id,
              messageId: payload.id,
              eventType: payload.type,
              payload: payload as unknown as Prisma.InputJsonValue,
            },
            select: { id: true },
          }),
        ),
      );
      return rows.map((r) => r.id);
    });
  }

  async find(deliveryId: string): Promise<DeliveryToSend | null> {
    const row = await this.run(() =>
      this.prisma.webhookDelivery.findUnique({
        where: { id: deliveryId },
        select: {
          id: true,
          payload: true,
          status: true,
          endpoint: {
            select: {
              id: true,
              url: true,
              enabled: true,
              secret: true,
              secretCipher: true,
              previousSecretCipher: true,
              previousSecretExpiresAt: true,
            },
          },
        },
      }),
    );
    if (!row) return null;
    const { secret, secretCipher, previousSecretCipher, previousSecretExpiresAt, ...endpoint } = row.endpoint;
    const cipher = this.keys.cipher;
    // A row the API has not migrated yet still holds its secret in clear.
    const secrets = [secretCipher ? cipher.decrypt(secretCipher) : secret].filter((s) => s !== null);
    if (previousSecretCipher && previousSecretExpiresAt && previousSecretExpiresAt.getTime() > Date.now())
      secrets.push(cipher.decrypt(previousSecretCipher));
    return {
      ...row,
      payload: row.payload as unknown as WebhookPayloadJson,
      endpoint: { ...endpoint, secrets },
    };
  }

  async recordAttempt(deliveryId: string, outcome: AttemptOutcome): Promise<void> {
    await this.run(() =>
      this.prisma.webhookDelivery.updateMany({
        where: { id: deliveryId },
        data: {
          status: outcome.status,
          attempts: outcome.attempts,
          lastStatusCode: outcome.statusCode,
          lastError: outcome.error?.slice(0, MAX_ERROR_LENGTH) ?? null,
          lastResponse: outcome.response,
          lastAttemptAt: new Date(),
          nextAttemptAt: outcome.nextAttemptAt,
        },
      }),
    );
  }

  /** Ids of at most 100 pending, never attempted deliveries written before `before` (within a day). */
  async strandedDeliveries(before: Date): Promise<string[]> {
    const rows = await this.run(() =>
      this.prisma.webhookDelivery.findMany({
        where: {
          status: 'pending',
          attempts: 0,
          createdAt: { lt: before, gt: new Date(before.getTime() - 24 * 3600_000) },
        },
        select: { id: true },
        orderBy: { createdAt: 'asc' },
        take: 100,
      }),
    );
    return rows.map((r) => r.id);
  }

  /** Deletes deliveries created before `before`; returns how many. */
  async pruneBefore(before: Date): Promise<number> {
    return this.run(
      async () =>
        (await this.prisma.webhookDelivery.deleteMany({ where: { createdAt: { lt: before } } })).count,
    );
  }

  private async run<T>(query: () => Promise<T>): Promise<T> {
    try {
      return await query();
    } catch (error) {
      throw toDatabaseError(error);
    }
  }
}
