import { Injectable } from '@nestjs/common';
import { PrismaService, toDatabaseError, type WebhookDelivery, type WebhookEndpoint } from '@relay/prisma';

/** Deliveries shown with an endpoint, newest first. */
export const RECENT_DELIVERIES = 20;

/** Webhook endpoints of organizations and their deliveries in PostgreSQL. */
@Injectable()
export class WebhooksRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * Creates an endpoint unless the organization already has `maxPerOrganization`; null then. Counted
   * and created under a lock on the organization's row, so concurrent requests cannot exceed the bound.
   */
  async createWithin(
    organizationId: string,
    maxPerOrganization: number,
    data: { url: string; events: string[]; description: string | null; secretCipher: string },
  ): Promise<WebhookEndpoint | null> {
    return this.run(() =>
      this.prisma.$transaction(async (tx) => {
        await tx.$queryRaw`SELECT id FROM organizations WHERE id = ${organizationId}::uuid FOR UPDATE`;
        const count = await tx.webhookEndpoint.count({ where: { organizationId } });
        if (count >= maxPerOrganization) return null;
        return tx.webhookEndpoint.create({ data: { ...data, organizationId } });
      }),
    );
  }

  /**
   * Replaces the signing secret of the organization's endpoint by `secretCipher`, keeping the one it
   * replaces as the previous secret until `previousUntil` (a previous secret of an earlier rotation is
   * dropped). Under a lock on the row, so two rotations at once keep one chain. Null when not found.
   *
   * @param encrypt encrypts a legacy clear-text secret (a row not migrated yet) to keep it as the previous
   */
  async rotateSecret(
    organizationId: string,
    id: string,
    secretCipher: string,
    previousUntil: Date,
    encrypt: (clear: string) => string,
  ): Promise<WebhookEndpoint | null> {
    return this.run(() =>
      this.prisma.$transaction(async (tx) => {
        const locked = await tx.$queryRaw<Array<{ secret: string | null; secret_cipher: string | null }>>`
          SELECT secret, secret_cipher FROM webhook_endpoints
          WHERE id = ${id}::uuid AND organization_id = ${organizationId}::uuid FOR UPDATE`;
        const current = locked[0];
        if (!current) return null;
        const previous = current.secret_cipher ?? (current.secret !== null ? encrypt(current.secret) : null);
        return tx.webhookEndpoint.update({
          where: { id },
          data: {
            secret: null,
            secretCipher,
            previousSecretCipher: previous,
            previousSecretExpiresAt: previous ? previousUntil : null,
          },
        });
      }),
    );
  }

  async list(organizationId: string): Promise<WebhookEndpoint[]> {
    return this.run(() =>
      this.prisma.webhookEndpoint.findMany({ where: { organizationId }, orderBy: { createdAt: 'asc' } }),
    );
  }

  async find(organizationId: string, id: string): Promise<WebhookEndpoint | null> {
    return this.run(() => this.prisma.webhookEndpoint.findFirst({ where: { id, organizationId } }));
  }

  async recentDeliveries(endpointId: string): Promise<WebhookDelivery[]> {
    return this.run(() =>
      this.prisma.webhookDelivery.findMany({
        where: { endpointId },
        orderBy: { createdAt: 'desc' },
        take: RECENT_DELIVERIES,
      }),
    );
  }

  /** Updates the organization's endpoint; null when it does not exist. */
  async update(
    organizationId: string,
    id: string,
    data: { url?: string; events?: string[]; description?: string | null; enabled?: boolean },
  ): Promise<WebhookEndpoint | null> {
    return this.run(async () => {
      const changed = await this.prisma.webhookEndpoint.updateMany({ where: { id, organizationId }, data });
      return changed.count === 1 ? this.find(organizationId, id) : null;
    });
  }

  /** Deletes the endpoint and its deliveries; returns whether it existed. */
  async delete(organizationId: string, id: string): Promise<boolean> {
    return this.run(
      async () =>
        (await this.prisma.webhookEndpoint.deleteMany({ where: { id, organizationId } })).count === 1,
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
