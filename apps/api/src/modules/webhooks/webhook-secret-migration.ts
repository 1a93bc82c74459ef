import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { StreamKeySecrets } from '@relay/config';
import { PrismaService, toDatabaseError } from '@relay/prisma';
import { encryptedUnderOldKey, rewriteInBatches, underCurrentKey } from '../../common/secrets/secret-rewrite';

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
    let now = new Date();
    return rewriteInBatches(
      (take) => {
        // Each batch judges grace periods at the time it is read.
        now = new Date();
        return this.prisma.webhookEndpoint.findMany({
          where: {
            OR: [
              { secret: { not: null } },
              encryptedUnderOldKey('secretCipher', cipher),
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
          take,
        });
      },
      (row) => {
        const live = row.previousSecretExpiresAt !== null && row.previousSecretExpiresAt > now;
        const previous =
          row.previousSecretCipher && live ? underCurrentKey(cipher, row.previousSecretCipher) : null;
        return this.prisma.webhookEndpoint.update({
          where: { id: row.id },
          data: {
            secret: null,
            secretCipher: row.secretCipher
              ? underCurrentKey(cipher, row.secretCipher)
              : row.secret !== null
                ? cipher.encrypt(row.secret)
                : null,
            previousSecretCipher: previous,
            previousSecretExpiresAt: previous ? row.previousSecretExpiresAt : null,
          },
        });
      },
    );
  }
}
