-- AlterEnum
ALTER TYPE "timeline_type" ADD VALUE 'leg_gave_up';

-- AlterTable
ALTER TABLE "events" ADD COLUMN     "leg_give_up_after_failures" INTEGER NOT NULL DEFAULT 10,
ADD COLUMN     "leg_give_up_window_ms" INTEGER NOT NULL DEFAULT 600000,
ADD COLUMN     "leg_max_backoff_ms" INTEGER NOT NULL DEFAULT 30000;

-- AlterTable
ALTER TABLE "destinations" ADD COLUMN     "give_up_after_failures" INTEGER,
ADD COLUMN     "give_up_window_ms" INTEGER,
ADD COLUMN     "max_backoff_ms" INTEGER;

