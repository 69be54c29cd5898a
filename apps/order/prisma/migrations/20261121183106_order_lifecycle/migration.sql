-- AlterTable
ALTER TABLE "orders" ADD COLUMN     "payment_id" TEXT,
ADD COLUMN     "return_reason" TEXT,
ADD COLUMN     "return_rejection_reason" TEXT;

