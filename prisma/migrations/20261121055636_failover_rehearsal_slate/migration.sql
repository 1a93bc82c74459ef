-- CreateEnum
CREATE TYPE "switch_at" AS ENUM ('cached_keyframe', 'next_keyframe');

-- CreateEnum
CREATE TYPE "rehearsal_status" AS ENUM ('running', 'completed', 'aborted');

-- CreateEnum
CREATE TYPE "rehearsal_verdict" AS ENUM ('pass', 'fail');

-- AlterEnum
-- This migration adds more than one value to an enum.
-- With PostgreSQL versions 11 and earlier, this is not possible
-- in a single migration. This can be worked around by creating
-- multiple migrations, each migration adding only one value to
-- the enum.


ALTER TYPE "timeline_type" ADD VALUE 'rehearsal_started';
ALTER TYPE "timeline_type" ADD VALUE 'rehearsal_ended';
ALTER TYPE "timeline_type" ADD VALUE 'slate_started';
ALTER TYPE "timeline_type" ADD VALUE 'slate_ended';
ALTER TYPE "timeline_type" ADD VALUE 'flap_damping_started';
ALTER TYPE "timeline_type" ADD VALUE 'flap_damping_ended';

-- AlterTable
ALTER TABLE "events" ADD COLUMN     "detect_frozen_timestamps" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "flap_max_failovers" INTEGER NOT NULL DEFAULT 3,
ADD COLUMN     "flap_stable_ms" INTEGER NOT NULL DEFAULT 60000,
ADD COLUMN     "flap_window_ms" INTEGER NOT NULL DEFAULT 60000,
ADD COLUMN     "slate_timeout_ms" INTEGER NOT NULL DEFAULT 300000,
ADD COLUMN     "switch_at" "switch_at" NOT NULL DEFAULT 'cached_keyframe';

-- AlterTable
ALTER TABLE "ingests" ADD COLUMN     "media" JSONB;

-- CreateTable
CREATE TABLE "rehearsals" (
    "id" UUID NOT NULL,
    "event_id" UUID NOT NULL,
    "running_for" UUID,
    "status" "rehearsal_status" NOT NULL DEFAULT 'running',
    "duration_ms" INTEGER NOT NULL,
    "started_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "ended_at" TIMESTAMP(3),
    "verdict" "rehearsal_verdict",
    "detection_ms" INTEGER,
    "switch_gap_ms" INTEGER,
    "failback_gap_ms" INTEGER,
    "leg_reconnects" INTEGER NOT NULL DEFAULT 0,
    "legs" JSONB NOT NULL DEFAULT '[]',
    "reasons" TEXT[] DEFAULT ARRAY[]::TEXT[],

    CONSTRAINT "rehearsals_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "rehearsals_running_for_key" ON "rehearsals"("running_for");

-- CreateIndex
CREATE INDEX "rehearsals_event_id_started_at_idx" ON "rehearsals"("event_id", "started_at");

-- AddForeignKey
ALTER TABLE "rehearsals" ADD CONSTRAINT "rehearsals_event_id_fkey" FOREIGN KEY ("event_id") REFERENCES "events"("id") ON DELETE CASCADE ON UPDATE CASCADE;

