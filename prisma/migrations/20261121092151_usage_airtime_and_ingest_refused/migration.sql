-- AlterEnum
ALTER TYPE "timeline_type" ADD VALUE 'ingest_refused';

-- AlterTable
ALTER TABLE "billing_usage_reports" ADD COLUMN     "carry_seconds" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "on_air_seconds" INTEGER NOT NULL DEFAULT 0;

