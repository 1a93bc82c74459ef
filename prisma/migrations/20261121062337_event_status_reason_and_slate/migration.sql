-- AlterTable
ALTER TABLE "events" ADD COLUMN     "slate_ends_at" TIMESTAMP(3),
ADD COLUMN     "slate_since" TIMESTAMP(3),
ADD COLUMN     "status_reason" TEXT;

