-- AlterTable
ALTER TABLE "ingests" ADD COLUMN     "stream_key_hash" TEXT,
ADD COLUMN     "stream_key_hint" TEXT,
ALTER COLUMN "stream_key" DROP NOT NULL;

-- AlterTable
ALTER TABLE "destinations" ADD COLUMN     "stream_key_cipher" TEXT,
ADD COLUMN     "stream_key_hint" TEXT;

-- CreateIndex
CREATE UNIQUE INDEX "ingests_stream_key_hash_key" ON "ingests"("stream_key_hash");

