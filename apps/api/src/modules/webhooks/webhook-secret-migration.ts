import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { StreamKeySecrets } from '@relay/config';
import { PrismaService, toDatabaseError } from '@relay/prisma';

/** Rows handled per batch. */
const BATCH = 200;

/**
 * At API start-up, encrypts webhook signing secrets stored in clear by older versions (`secret` →
 * `secretCipher`, `secret` set to null), re-encrypts secrets under a key id other than the first of
 * DESTINATION_KEY_ENCRYPTION_KEYS (key rotation), and drops previous secrets whose grace period ended.
 * Idempotent: each row is rewritten only while it needs it. Same keys and scheme as destination stream
 * keys (see StreamKeyMigration).
 */
@Injectable()
export class WebhookSecretMigration implements OnApplicationBootstrap {
  private readonly logger = new Logger('WebhookSecretMigration');

  constructor(
    private readonly prisma: PrismaService,
    private readonly keys: StreamKeySecrets,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    try {
      const done = await this.migrate();
      if (done > 0) this.logger.log(`Webhook signing secrets secured: ${done} endpoint(s) rewritten`);
    } catch (error) {
      throw toDatabaseError(error);
    }
  }

  private async migrate(): Promise<number> {
    const cipher = this.keys.cipher;
    const current = `${cipher.currentKeyId}:`;
    const reencrypt = (stored: string): string =>
      stored.startsWith(current) ? stored : cipher.encrypt(cipher.decrypt(stored));
    let done = 0;
    for (;;) {
      const now = new Date();
      const rows = await this.prisma.webhookEndpoint.findMany({
        where: {
          OR: [
            { secret: { not: null } },
            { AND: [{ secretCipher: { not: null } }, { NOT: { secretCipher: { startsWith: current } } }] },
            {
              AND: [
                { previousSecretCipher: { not: null } },
                {
                  OR: [
                    { previousSecretExpiresAt: null },
                    { previousSecretExpiresAt: { lte: now } },
                    { NOT: { previousSecretCipher: { startsWith: current } } },
                  ],
                },
              ],
            },
          ],
        },
        select: {
          id: true,
          secret: true,
          secretCipher: true,
          previousSecretCipher: true,
          previousSecretExpiresAt: true,
        },
        take: BATCH,
      });
      for (const row of rows) {
        const live = row.previousSecretExpiresAt !== null && row.previousSecretExpiresAt > now;
        const previous = row.previousSecretCipher && live ? reencrypt(row.previousSecretCipher) : null;
        await this.prisma.webhookEndpoint.update({
          where: { id: row.id },
          data: {
            secret: null,
            secretCipher: row.secretCipher
              ? reencrypt(row.secretCipher)
              : row.secret !== null
                ? cipher.encrypt(row.secret)
                : null,
            previousSecretCipher: previous,
            previousSecretExpiresAt: previous ? row.previousSecretExpiresAt : null,
          },
        });
      }
      done += rows.length;
      if (rows.length < BATCH) return done;
    }
  }
}
