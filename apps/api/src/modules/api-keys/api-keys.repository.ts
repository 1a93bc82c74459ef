import { Injectable } from '@nestjs/common';
import { PrismaService, toDatabaseError } from '@relay/prisma';
import { apiKeyDisplayPrefix, hashApiKey } from './api-key-secret';

/** API keys and their organizations in PostgreSQL. Only hashes of the secrets are stored. */
@Injectable()
export class ApiKeysRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** The organization holding this key, or null. */
  async findOrganizationIdBySecret(
    secret: string,
  ): Promise<{ keyId: string; organizationId: string } | null> {
    try {
      const key = await this.prisma.apiKey.findUnique({
        where: { secretHash: hashApiKey(secret) },
        select: { id: true, organizationId: true },
      });
      return key ? { keyId: key.id, organizationId: key.organizationId } : null;
    } catch (error) {
      throw toDatabaseError(error);
    }
  }

  async touchLastUsed(keyId: string, at: Date): Promise<void> {
    await this.prisma.apiKey
      .update({ where: { id: keyId }, data: { lastUsedAt: at } })
      .catch(() => undefined);
  }

  /** Creates an organization holding `secret` unless a key with that secret exists. Idempotent. */
  async ensureBootstrapKey(secret: string): Promise<void> {
    const secretHash = hashApiKey(secret);
    await this.prisma.$transaction(async (tx) => {
      const existing = await tx.apiKey.findUnique({ where: { secretHash } });
      if (existing) return;
      await tx.organization.create({
        data: {
          name: 'Bootstrap organization',
          apiKeys: { create: { name: 'bootstrap', prefix: apiKeyDisplayPrefix(secret), secretHash } },
        },
      });
    });
  }
}
