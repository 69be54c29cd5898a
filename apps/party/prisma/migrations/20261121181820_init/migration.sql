-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- Nearby parties search the markets' points on the earth (cube + earthdistance).
CREATE EXTENSION IF NOT EXISTS cube;
CREATE EXTENSION IF NOT EXISTS earthdistance;

-- CreateEnum
CREATE TYPE "PartyStatus" AS ENUM ('OPEN', 'FILLED', 'CANCELLED', 'EXPIRED');

-- CreateTable
CREATE TABLE "markets" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "address" TEXT NOT NULL,
    "lat" DOUBLE PRECISION NOT NULL,
    "lng" DOUBLE PRECISION NOT NULL,
    "updated_at" TIMESTAMPTZ(6) NOT NULL,

    CONSTRAINT "markets_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "parties" (
    "id" UUID NOT NULL,
    "market_id" UUID NOT NULL,
    "leader_id" UUID NOT NULL,
    "title" TEXT NOT NULL,
    "item_name" TEXT NOT NULL,
    "product_id" UUID,
    "capacity" INTEGER NOT NULL,
    "member_count" INTEGER NOT NULL,
    "price_per_person" INTEGER NOT NULL,
    "meet_at" TIMESTAMPTZ(6) NOT NULL,
    "deadline" TIMESTAMPTZ(6) NOT NULL,
    "status" "PartyStatus" NOT NULL DEFAULT 'OPEN',
    "version" INTEGER NOT NULL DEFAULT 1,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(6) NOT NULL,

    CONSTRAINT "parties_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "party_members" (
    "party_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "joined_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "party_members_pkey" PRIMARY KEY ("party_id","user_id")
);

-- CreateTable
CREATE TABLE "party_messages" (
    "id" UUID NOT NULL,
    "party_id" UUID NOT NULL,
    "sender_id" UUID NOT NULL,
    "text" TEXT NOT NULL,
    "sent_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "party_messages_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "penalties" (
    "id" UUID NOT NULL,
    "party_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "marked_by" UUID NOT NULL,
    "reason" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "penalties_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "outbox_messages" (
    "id" UUID NOT NULL,
    "event_name" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "headers" JSONB NOT NULL DEFAULT '{}',
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "published_at" TIMESTAMPTZ(6),
    "attempts" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "outbox_messages_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "inbox_messages" (
    "consumer" TEXT NOT NULL,
    "message_id" TEXT NOT NULL,
    "processed_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "inbox_messages_pkey" PRIMARY KEY ("consumer","message_id")
);

-- CreateIndex
CREATE INDEX "parties_market_id_status_deadline_idx" ON "parties"("market_id", "status", "deadline");

-- CreateIndex
CREATE INDEX "parties_leader_id_idx" ON "parties"("leader_id");

-- CreateIndex
CREATE INDEX "party_members_user_id_joined_at_party_id_idx" ON "party_members"("user_id", "joined_at", "party_id");

-- CreateIndex
CREATE INDEX "party_messages_party_id_sent_at_id_idx" ON "party_messages"("party_id", "sent_at", "id");

-- CreateIndex
CREATE INDEX "penalties_user_id_idx" ON "penalties"("user_id");

-- CreateIndex
CREATE UNIQUE INDEX "penalties_party_id_user_id_key" ON "penalties"("party_id", "user_id");

-- CreateIndex
CREATE INDEX "outbox_messages_published_at_created_at_idx" ON "outbox_messages"("published_at", "created_at");

-- AddForeignKey
ALTER TABLE "parties" ADD CONSTRAINT "parties_market_id_fkey" FOREIGN KEY ("market_id") REFERENCES "markets"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "party_members" ADD CONSTRAINT "party_members_party_id_fkey" FOREIGN KEY ("party_id") REFERENCES "parties"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "party_messages" ADD CONSTRAINT "party_messages_party_id_fkey" FOREIGN KEY ("party_id") REFERENCES "parties"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "penalties" ADD CONSTRAINT "penalties_party_id_fkey" FOREIGN KEY ("party_id") REFERENCES "parties"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- Nearby parties: a GiST index on each market's point on the earth, so a radius search is an index
-- box search instead of a scan of every market. An expression index the schema cannot declare;
-- Prisma leaves it alone when it diffs.
CREATE INDEX "markets_earth_idx" ON "markets" USING gist (ll_to_earth("lat", "lng"));
