-- AlterTable
ALTER TABLE "webhook_endpoints" ADD COLUMN     "previous_secret_cipher" TEXT,
ADD COLUMN     "previous_secret_expires_at" TIMESTAMP(3),
ADD COLUMN     "secret_cipher" TEXT,
ALTER COLUMN "secret" DROP NOT NULL;

