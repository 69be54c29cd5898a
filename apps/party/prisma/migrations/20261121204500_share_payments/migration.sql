-- CreateEnum
CREATE TYPE "PaymentRoundState" AS ENUM ('COLLECTING', 'RELEASING', 'PAID', 'ABANDONED');

-- CreateEnum
CREATE TYPE "ShareState" AS ENUM ('PENDING', 'CHARGED', 'FAILED', 'REFUNDING', 'REFUNDED', 'VOIDED', 'RELEASED');

-- CreateTable
CREATE TABLE "party_payment_rounds" (
    "id" UUID NOT NULL,
    "party_id" UUID NOT NULL,
    "state" "PaymentRoundState" NOT NULL,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(6) NOT NULL,

    CONSTRAINT "party_payment_rounds_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "party_shares" (
    "id" UUID NOT NULL,
    "round_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "amount" INTEGER NOT NULL,
    "state" "ShareState" NOT NULL,
    "failure_code" TEXT,
    "updated_at" TIMESTAMPTZ(6) NOT NULL,

    CONSTRAINT "party_shares_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "party_payment_rounds_party_id_created_at_idx" ON "party_payment_rounds"("party_id", "created_at");

-- CreateIndex
CREATE UNIQUE INDEX "party_shares_round_id_user_id_key" ON "party_shares"("round_id", "user_id");

-- AddForeignKey
ALTER TABLE "party_payment_rounds" ADD CONSTRAINT "party_payment_rounds_party_id_fkey" FOREIGN KEY ("party_id") REFERENCES "parties"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "party_shares" ADD CONSTRAINT "party_shares_round_id_fkey" FOREIGN KEY ("round_id") REFERENCES "party_payment_rounds"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

