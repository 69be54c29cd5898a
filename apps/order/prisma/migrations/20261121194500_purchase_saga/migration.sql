-- CreateEnum
CREATE TYPE "RefundReason" AS ENUM ('EXPIRED', 'PAYMENT_TIMEOUT', 'BUYER_CANCELLED', 'RETURNED');

-- Sagas placed before the saga sent commands wait in PAYMENT_REQUESTED: their expiry job then
-- takes the timeout path (a refund request that voids a payment never made).
UPDATE "purchase_sagas" SET "state" = 'PAYMENT_REQUESTED' WHERE "state" = 'AWAITING_PAYMENT';

-- AlterEnum
BEGIN;
CREATE TYPE "SagaState_new" AS ENUM ('PAYMENT_REQUESTED', 'COMPLETED', 'COMPENSATING', 'COMPENSATED');
ALTER TABLE "purchase_sagas" ALTER COLUMN "state" TYPE "SagaState_new" USING ("state"::text::"SagaState_new");
ALTER TYPE "SagaState" RENAME TO "SagaState_old";
ALTER TYPE "SagaState_new" RENAME TO "SagaState";
DROP TYPE "public"."SagaState_old";
COMMIT;

-- AlterTable
ALTER TABLE "orders" ADD COLUMN     "payment_redirect_url" TEXT,
ADD COLUMN     "refunded_amount" INTEGER,
ADD COLUMN     "refunded_at" TIMESTAMPTZ(6);

-- AlterTable
ALTER TABLE "purchase_sagas" ADD COLUMN     "command_sent_at" TIMESTAMPTZ(3),
ADD COLUMN     "refund_reason" "RefundReason";

