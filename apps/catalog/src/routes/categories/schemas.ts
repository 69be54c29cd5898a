// Categories: the tree listed flat (each with its parentId), kept by admins.
import { z } from 'zod'
import { problemResponses } from '@deals/service-kit'
import { singleLine } from '../text-fields.ts'

export const categorySchema = z.object({
  id: z.uuid(),
  slug: z.string(),
  name: z.string(),
  parentId: z.uuid().nullable(),
  sortOrder: z.number().int(),
})

const slug = z
  .string()
  .min(1)
  .max(60)
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'lower-case letters, digits and single hyphens')
const sortOrder = z.number().int().min(-1_000_000).max(1_000_000)

export const listCategoriesSchema = {
  tags: ['categories'],
  summary: 'Every category, flat, with `parentId` (null at the top), in display order',
  response: { 200: z.object({ items: z.array(categorySchema) }), ...problemResponses(400, 401) },
}

export const createCategorySchema = {
  tags: ['categories'],
  summary: 'Add a category (ADMIN); a slug already used is 409 CATEGORY_SLUG_TAKEN',
  body: z.strictObject({
    slug,
    name: singleLine(60),
    parentId: z.uuid().nullable().optional(),
    sortOrder: sortOrder.optional(),
  }),
  response: { 201: categorySchema, ...problemResponses(400, 401, 403, 409, 413, 415, 422) },
}

export const updateCategorySchema = {
  tags: ['categories'],
  summary: 'Change a category (ADMIN); moving it under itself or a descendant is 409 CATEGORY_CYCLE',
  params: z.object({ id: z.uuid() }),
  body: z
    .strictObject({
      slug: slug.optional(),
      name: singleLine(60).optional(),
      parentId: z.uuid().nullable().optional(),
      sortOrder: sortOrder.optional(),
    })
    .refine((patch) => Object.keys(patch).length > 0, 'at least one field is required'),
  response: { 200: categorySchema, ...problemResponses(400, 401, 403, 404, 409, 413, 415, 422) },
}
