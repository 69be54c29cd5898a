-- Nearby-party notifications find saved locations around a party with a GiST index on each
-- location's point on the earth (cube + earthdistance); created at the end of this file.
CREATE EXTENSION IF NOT EXISTS cube;
CREATE EXTENSION IF NOT EXISTS earthdistance;

-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "NotificationKind" AS ENUM ('DEAL_REMINDER', 'KEYWORD_ALERT', 'STORE_DEAL', 'PARTY', 'CHAT', 'ORDER_STATUS');

-- CreateEnum
CREATE TYPE "DealStatus" AS ENUM ('HIDDEN', 'SCHEDULED', 'OPEN', 'ENDED', 'SUSPENDED');

-- CreateTable
CREATE TABLE "notifications" (
    "id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "kind" "NotificationKind" NOT NULL,
    "seq" INTEGER NOT NULL,
    "title" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "data" JSONB NOT NULL DEFAULT '{}',
    "source_event_id" TEXT NOT NULL,
    "collapse_key" TEXT,
    "count" INTEGER NOT NULL DEFAULT 1,
    "read_at" TIMESTAMPTZ(6),
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(6) NOT NULL,

    CONSTRAINT "notifications_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "notification_feeds" (
    "user_id" UUID NOT NULL,
    "last_seq" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "notification_feeds_pkey" PRIMARY KEY ("user_id")
);

-- CreateTable
CREATE TABLE "notification_preferences" (
    "user_id" UUID NOT NULL,
    "kind" "NotificationKind" NOT NULL,
    "in_app" BOOLEAN NOT NULL,
    "email" BOOLEAN NOT NULL,
    "updated_at" TIMESTAMPTZ(6) NOT NULL,

    CONSTRAINT "notification_preferences_pkey" PRIMARY KEY ("user_id","kind")
);

-- CreateTable
CREATE TABLE "user_contacts" (
    "user_id" UUID NOT NULL,
    "email" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "updated_at" TIMESTAMPTZ(6) NOT NULL,

    CONSTRAINT "user_contacts_pkey" PRIMARY KEY ("user_id")
);

-- CreateTable
CREATE TABLE "user_locations" (
    "user_id" UUID NOT NULL,
    "lat" DOUBLE PRECISION NOT NULL,
    "lng" DOUBLE PRECISION NOT NULL,
    "radius_km" DOUBLE PRECISION NOT NULL,
    "updated_at" TIMESTAMPTZ(6) NOT NULL,

    CONSTRAINT "user_locations_pkey" PRIMARY KEY ("user_id")
);

-- CreateTable
CREATE TABLE "product_likes" (
    "product_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "liked" BOOLEAN NOT NULL,
    "changed_at" TIMESTAMPTZ(6) NOT NULL,

    CONSTRAINT "product_likes_pkey" PRIMARY KEY ("product_id","user_id")
);

-- CreateTable
CREATE TABLE "store_follows" (
    "store_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "following" BOOLEAN NOT NULL,
    "changed_at" TIMESTAMPTZ(6) NOT NULL,

    CONSTRAINT "store_follows_pkey" PRIMARY KEY ("store_id","user_id")
);

-- CreateTable
CREATE TABLE "reminder_deals" (
    "deal_id" UUID NOT NULL,
    "version" INTEGER NOT NULL,
    "status" "DealStatus" NOT NULL,
    "product_id" UUID NOT NULL,
    "store_id" UUID NOT NULL,
    "product_name" TEXT NOT NULL,
    "starts_at" TIMESTAMPTZ(6) NOT NULL,

    CONSTRAINT "reminder_deals_pkey" PRIMARY KEY ("deal_id")
);

-- CreateTable
CREATE TABLE "parties" (
    "id" UUID NOT NULL,
    "title" TEXT NOT NULL,
    "leader_id" UUID NOT NULL,

    CONSTRAINT "parties_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "party_members" (
    "party_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "member" BOOLEAN NOT NULL,
    "changed_at" TIMESTAMPTZ(6) NOT NULL,

    CONSTRAINT "party_members_pkey" PRIMARY KEY ("party_id","user_id")
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
CREATE INDEX "notifications_user_id_read_at_idx" ON "notifications"("user_id", "read_at");

-- CreateIndex
CREATE INDEX "notifications_user_id_collapse_key_idx" ON "notifications"("user_id", "collapse_key");

-- CreateIndex
CREATE UNIQUE INDEX "notifications_user_id_source_event_id_kind_key" ON "notifications"("user_id", "source_event_id", "kind");

-- CreateIndex
CREATE UNIQUE INDEX "notifications_user_id_seq_key" ON "notifications"("user_id", "seq");

-- CreateIndex
CREATE INDEX "reminder_deals_product_id_idx" ON "reminder_deals"("product_id");

-- CreateIndex
CREATE INDEX "outbox_messages_published_at_created_at_idx" ON "outbox_messages"("published_at", "created_at");


-- An expression index Prisma's schema cannot declare; Prisma leaves it alone when it diffs.
CREATE INDEX "user_locations_earth_idx" ON "user_locations" USING gist (ll_to_earth("lat", "lng"));
