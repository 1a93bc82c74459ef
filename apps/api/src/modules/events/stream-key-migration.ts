import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { secretHint, StreamKeySecrets } from '@relay/config';
import { PrismaService, toDatabaseError } from '@relay/prisma';
import { encryptedUnderOldKey, rewriteInBatches } from '../../common/secrets/secret-rewrite';

/**
 * At API start-up, moves stream keys stored by older versions out of clear text (SQL cannot compute an
 * HMAC or AES-GCM under a secret from the environment): ingest keys become their keyed hash and hint,
 * destination keys their ciphertext and hint; destination keys and SRT passphrases encrypted under a key
 * id other than the current one are re-encrypted (key rotation). Idempotent: each row is rewritten only while it needs it.
 */
@Injectable()
export class StreamKeyMigration implements OnApplicationBootstrap {
  private readonly logger = new Logger('StreamKeyMigration');

  constructor(
    private readonly prisma: PrismaService,
    private readonly secrets: StreamKeySecrets,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    try {
      const ingests = await this.hashLegacyIngestKeys();
      const destinations = await this.encryptDestinationKeys();
      if (ingests + destinations > 0)
        this.logger.log(
          `Stream keys secured: ${ingests} ingest key(s) hashed, ${destinations} destination key(s) encrypted`,
        );
    } catch (error) {
      throw toDatabaseError(error);
    }
  }

  private hashLegacyIngestKeys(): Promise<number> {
    return rewriteInBatches(
      (take) =>
        this.prisma.ingest.findMany({
          where: { streamKey: { not: null } },
          select: { id: true, streamKey: true },
          take,
        }),
      (row) => {
        const key = row.streamKey!;
        return this.prisma.ingest.update({
          where: { id: row.id },
          data: {
            streamKey: null,
            streamKeyHash: this.secrets.hashIngestKey(key),
            streamKeyHint: secretHint(key),
          },
        });
      },
    );
  }

  private encryptDestinationKeys(): Promise<number> {
    const cipher = this.secrets.cipher;
    return rewriteInBatches(
      (take) =>
        this.prisma.destination.findMany({
          where: {
            OR: [
              { streamKey: { not: null } },
              encryptedUnderOldKey('streamKeyCipher', cipher),
              encryptedUnderOldKey('passphraseCipher', cipher),
            ],
          },
          select: { id: true, streamKey: true, streamKeyCipher: true, passphraseCipher: true },
          take,
        }),
      (row) => {
        const key = row.streamKey ?? (row.streamKeyCipher ? cipher.decrypt(row.streamKeyCipher) : null);
        // An SRT passphrase is rotated with the stream key (same cipher, same keys).
        const passphrase = row.passphraseCipher ? cipher.decrypt(row.passphraseCipher) : null;
        return this.prisma.destination.update({
          where: { id: row.id },
          data: {
            streamKey: null,
            ...(key === null ? {} : { streamKeyCipher: cipher.encrypt(key), streamKeyHint: secretHint(key) }),
            ...(passphrase === null ? {} : { passphraseCipher: cipher.encrypt(passphrase) }),
          },
        });
      },
    );
  }
}
