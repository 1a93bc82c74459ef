import { Injectable } from '@nestjs/common';
import { safeEqual } from '@relay/config';
import { type ApiKey, PrismaService, toDatabaseError } from '@relay/prisma';
import { apiKeyDisplayPrefix, hashApiKey } from './api-key-secret';

/** What an API key authenticates. */
export interface ApiKeyOwner {
  keyId: string;
  organizationId: string;
}

/** An API key as listed (never its secret or hash). */
export type ApiKeyRecord = Pick<ApiKey, 'id' | 'name' | 'prefix' | 'createdAt' | 'lastUsedAt'>;

const LISTED = { id: true, name: true, prefix: true, createdAt: true, lastUsedAt: true } as const;

/** API keys and their organizations in PostgreSQL. Only SHA-256 hashes of the secrets are stored. */
@Injectable()
export class ApiKeysRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * The key whose secret is `secret`, or null. Looked up by the hash of a 256-bit random secret (timing
   * of the index look-up tells nothing usable about the secret), then compared in constant time.
   */
  async findBySecret(secret: string): Promise<ApiKeyOwner | null> {
    const secretHash = hashApiKey(secret);
    const key = await this.run(() =>
      this.prisma.apiKey.findUnique({
        where: { secretHash },
        select: { id: true, organizationId: true, secretHash: true },
      }),
    );
    if (!key || !safeEqual(key.secretHash, secretHash)) return null;
    return { keyId: key.id, organizationId: key.organizationId };
  }

  async touchLastUsed(keyId: string, at: Date): Promise<void> {
    await this.prisma.apiKey
      .updateMany({ where: { id: keyId }, data: { lastUsedAt: at } })
      .catch(() => undefined);
  }

  async create(organizationId: string, name: string, secret: string): Promise<ApiKeyRecord> {
    return this.run(() =>
      this.prisma.apiKey.create({
        data: { organizationId, name, prefix: apiKeyDisplayPrefix(secret), secretHash: hashApiKey(secret) },
        select: LISTED,
      }),
    );
  }

  async list(organizationId: string): Promise<ApiKeyRecord[]> {
    return this.run(() =>
      this.prisma.apiKey.findMany({
        where: { organizationId },
        orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
        select: LISTED,
      }),
    );
  }

  /** Deletes the organization's key; returns whether it existed. */
  async delete(organizationId: string, id: string): Promise<boolean> {
    return this.run(
      async () => (await this.prisma.apiKey.deleteMany({ where: { id, organizationId } })).count === 1,
    );
  }

  /** Creates an organization holding `secret` unless a key with that secret exists. Idempotent. */
  async ensureBootstrapKey(secret: string): Promise<void> {
    await this.ensureOrganizationWithKey('Bootstrap organization', 'bootstrap', secret);
  }

  /** Creates an organization named `orgName` holding `secret` unless that key exists. Idempotent. */
  async ensureOrganizationWithKey(orgName: string, keyName: string, secret: string): Promise<void> {
    const secretHash = hashApiKey(secret);
    await this.run(() =>
      this.prisma.$transaction(async (tx) => {
        const existing = await tx.apiKey.findUnique({ where: { secretHash } });
        if (existing) return;
        await tx.organization.create({
          data: {
            name: orgName,
            apiKeys: { create: { name: keyName, prefix: apiKeyDisplayPrefix(secret), secretHash } },
          },
        });
      }),
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
