-- AlterEnum
ALTER TYPE "AccountKind" ADD VALUE 'PARTY_ESCROW';

-- AlterEnum
ALTER TYPE "LedgerKind" ADD VALUE 'SHARE_CHARGE';
ALTER TYPE "LedgerKind" ADD VALUE 'SHARE_REFUND';
ALTER TYPE "LedgerKind" ADD VALUE 'SHARE_RELEASE';

-- CreateEnum
CREATE TYPE "SharePaymentState" AS ENUM ('CHARGED', 'FAILED', 'REFUNDED', 'RELEASED', 'VOIDED');

-- CreateTable
CREATE TABLE "share_payments" (
    "id" UUID NOT NULL,
    "share_id" UUID NOT NULL,
    "round_id" UUID NOT NULL,
    "party_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "leader_id" UUID NOT NULL,
    "amount" INTEGER NOT NULL,
    "state" "SharePaymentState" NOT NULL,
    "failure_code" TEXT,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "charged_at" TIMESTAMPTZ(6),
    "failed_at" TIMESTAMPTZ(6),
    "refunded_at" TIMESTAMPTZ(6),
    "released_at" TIMESTAMPTZ(6),
    "voided_at" TIMESTAMPTZ(6),

    CONSTRAINT "share_payments_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "share_payments_share_id_key" ON "share_payments"("share_id");

-- CreateIndex
CREATE INDEX "share_payments_round_id_idx" ON "share_payments"("round_id");

-- CreateIndex
CREATE INDEX "share_payments_user_id_id_idx" ON "share_payments"("user_id", "id");

-- A party's escrow never pays out more than it collected. Compared as text: a value added to an
-- enum cannot be used in the transaction that added it.
ALTER TABLE "accounts" ADD CONSTRAINT "accounts_escrow_not_negative" CHECK ("kind"::text <> 'PARTY_ESCROW' OR "balance" >= 0);
ALTER TABLE "share_payments" ADD CONSTRAINT "share_payments_amount_not_negative" CHECK ("amount" >= 0);
