-- AlterEnum
ALTER TYPE "timeline_type" ADD VALUE 'leg_stopped';

