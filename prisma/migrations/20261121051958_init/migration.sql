-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "event_status" AS ENUM ('idle', 'standby', 'live', 'ended');

-- CreateEnum
CREATE TYPE "input_role" AS ENUM ('primary', 'backup');

-- CreateEnum
CREATE TYPE "failover_mode" AS ENUM ('primary_preferred', 'sticky');

-- CreateEnum
CREATE TYPE "ingest_state" AS ENUM ('offline', 'live', 'stalled');

-- CreateEnum
CREATE TYPE "leg_state" AS ENUM ('idle', 'connecting', 'live', 'retrying', 'failed');

-- CreateEnum
CREATE TYPE "timeline_type" AS ENUM ('input_connected', 'input_lost', 'input_recovered', 'failover', 'failback', 'program_interrupted', 'program_resumed', 'event_started', 'event_live', 'event_stopped', 'leg_connected', 'leg_failed', 'leg_restarted');

-- CreateTable
CREATE TABLE "organizations" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "organizations_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "api_keys" (
    "id" UUID NOT NULL,
    "organization_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "secret_hash" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_used_at" TIMESTAMP(3),

    CONSTRAINT "api_keys_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "events" (
    "id" UUID NOT NULL,
    "organization_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "status" "event_status" NOT NULL DEFAULT 'idle',
    "active_input" "input_role",
    "failover_mode" "failover_mode" NOT NULL DEFAULT 'primary_preferred',
    "stall_timeout_ms" INTEGER NOT NULL DEFAULT 1000,
    "failback_after_ms" INTEGER NOT NULL DEFAULT 5000,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ingests" (
    "id" UUID NOT NULL,
    "event_id" UUID NOT NULL,
    "role" "input_role" NOT NULL,
    "stream_key" TEXT NOT NULL,
    "state" "ingest_state" NOT NULL DEFAULT 'offline',
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ingests_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "destinations" (
    "id" UUID NOT NULL,
    "event_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "url" TEXT NOT NULL,
    "stream_key" TEXT,
    "state" "leg_state" NOT NULL DEFAULT 'idle',
    "restarts" INTEGER NOT NULL DEFAULT 0,
    "last_error" TEXT,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "destinations_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "timeline_entries" (
    "id" BIGSERIAL NOT NULL,
    "event_id" UUID NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "type" "timeline_type" NOT NULL,
    "input" "input_role",
    "destination_id" UUID,
    "detail" JSONB NOT NULL DEFAULT '{}',

    CONSTRAINT "timeline_entries_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "api_keys_secret_hash_key" ON "api_keys"("secret_hash");

-- CreateIndex
CREATE INDEX "api_keys_organization_id_idx" ON "api_keys"("organization_id");

-- CreateIndex
CREATE INDEX "events_organization_id_created_at_idx" ON "events"("organization_id", "created_at");

-- CreateIndex
CREATE UNIQUE INDEX "ingests_stream_key_key" ON "ingests"("stream_key");

-- CreateIndex
CREATE UNIQUE INDEX "ingests_event_id_role_key" ON "ingests"("event_id", "role");

-- CreateIndex
CREATE INDEX "destinations_event_id_idx" ON "destinations"("event_id");

-- CreateIndex
CREATE INDEX "timeline_entries_event_id_id_idx" ON "timeline_entries"("event_id", "id");

-- AddForeignKey
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "events" ADD CONSTRAINT "events_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ingests" ADD CONSTRAINT "ingests_event_id_fkey" FOREIGN KEY ("event_id") REFERENCES "events"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "destinations" ADD CONSTRAINT "destinations_event_id_fkey" FOREIGN KEY ("event_id") REFERENCES "events"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "timeline_entries" ADD CONSTRAINT "timeline_entries_event_id_fkey" FOREIGN KEY ("event_id") REFERENCES "events"("id") ON DELETE CASCADE ON UPDATE CASCADE;

