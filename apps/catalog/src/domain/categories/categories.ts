// The category tree, kept by admins: each category has a unique slug and at most one parent.
// Listed flat with `parentId`, ordered for display, so a client builds the tree it needs.
import { defineError } from '@deals/service-kit'
import type { Category } from '../../generated/prisma/client.ts'
import type { CatalogDb, CatalogTx } from '../database.ts'

export const CategoryNotFound = defineError('CATEGORY_NOT_FOUND', 404, 'No such category')
export const ParentCategoryNotFound = defineError(
  'PARENT_CATEGORY_NOT_FOUND',
  422,
  'No category has this parent id',
)
export const CategorySlugTaken = defineError('CATEGORY_SLUG_TAKEN', 409, 'Another category has this slug')
export const CategoryCycle = defineError(
  'CATEGORY_CYCLE',
  409,
  'A category cannot be placed under itself or one of its descendants',
)

export interface CategoryView {
  id: string
  slug: string
  name: string
  parentId: string | null
  sortOrder: number
}

export interface NewCategory {
  slug: string
  name: string
  parentId?: string | null | undefined
  sortOrder?: number | undefined
}

export type CategoryPatch = Partial<NewCategory>

const view = (row: Category): CategoryView => ({
  id: row.id,
  slug: row.slug,
  name: row.name,
  parentId: row.parentId,
  sortOrder: row.sortOrder,
})

const isUniqueViolation = (error: unknown) => (error as { code?: unknown }).code === 'P2002'

export class Categories {
  constructor(private readonly db: CatalogDb) {}

  async list(): Promise<CategoryView[]> {
    const rows = await this.db.category.findMany({
      orderBy: [{ sortOrder: 'asc' }, { name: 'asc' }, { id: 'asc' }],
    })
    return rows.map(view)
  }

  async create(input: NewCategory): Promise<CategoryView> {
    return this.slugChecked(() =>
      this.db.$transaction(async (tx) => {
        if (input.parentId) await checkParent(tx, input.parentId)
        const row = await tx.category.create({
          data: {
            slug: input.slug,
            name: input.name,
            parentId: input.parentId ?? null,
            sortOrder: input.sortOrder ?? 0,
          },
        })
        return view(row)
      }),
    )
  }

  async update(id: string, patch: CategoryPatch): Promise<CategoryView> {
    return this.slugChecked(() =>
      this.db.$transaction(async (tx) => {
        // Moves are serialised so that two concurrent moves cannot close a cycle between them.
        await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(hashtextextended('categories', 0))`)
        const current = await tx.category.findUnique({ where: { id } })
        if (!current) throw CategoryNotFound()
        if (patch.parentId) {
          await checkParent(tx, patch.parentId)
          if (await isSelfOrDescendant(tx, id, patch.parentId)) throw CategoryCycle()
        }
        const row = await tx.category.update({
          where: { id },
          data: {
            ...(patch.slug === undefined ? {} : { slug: patch.slug }),
            ...(patch.name === undefined ? {} : { name: patch.name }),
            ...(patch.parentId === undefined ? {} : { parentId: patch.parentId }),
            ...(patch.sortOrder === undefined ? {} : { sortOrder: patch.sortOrder }),
          },
        })
        return view(row)
      }),
    )
  }

  private async slugChecked<T>(write: () => Promise<T>): Promise<T> {
    try {
      return await write()
    } catch (error) {
      if (isUniqueViolation(error)) throw CategorySlugTaken()
      throw error
    }
  }
}

async function checkParent(tx: CatalogTx, parentId: string): Promise<void> {
  const parent = await tx.category.findUnique({ where: { id: parentId }, select: { id: true } })
  if (!parent) throw ParentCategoryNotFound()
}

/** Whether `candidate` is `id` itself or lies below it, found by walking up from the candidate. */
async function isSelfOrDescendant(tx: CatalogTx, id: string, candidate: string): Promise<boolean> {
  const rows = await tx.$queryRaw<{ found: boolean }[]>`
    WITH RECURSIVE ancestors AS (
      SELECT id, parent_id FROM categories WHERE id = ${candidate}::uuid
      UNION
      SELECT c.id, c.parent_id FROM categories c JOIN ancestors a ON c.id = a.parent_id
    )
    SELECT EXISTS (SELECT 1 FROM ancestors WHERE id = ${id}::uuid) AS found`
  return rows[0]?.found === true
}
