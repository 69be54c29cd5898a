-- AlterTable
ALTER TABLE "item_imports" ADD COLUMN     "page_size" INTEGER NOT NULL DEFAULT 100;

-- CreateIndex
CREATE INDEX "items_name_id_idx" ON "items"("name", "id");

