// Products: list with search, sort and pages; read; and, for their seller, create, change, delete.
import { z } from 'zod'
import { pageOf, pageQueryShape, problemResponses } from '@deals/service-kit'
import { PRODUCT_SORTS } from '../../domain/search/product-search.ts'
import { multiLine, searchText, singleLine } from '../text-fields.ts'

export const productSchema = z.object({
  id: z.uuid(),
  sellerId: z.uuid(),
  storeId: z.uuid(),
  categoryId: z.uuid().nullable(),
  name: z.string(),
  description: z.string(),
  price: z.number().int().describe('Regular price in whole won'),
  status: z.enum(['ACTIVE', 'DELETED']),
  likeCount: z.number().int(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
})

export const productFields = {
  name: singleLine(200),
  description: multiLine(5000),
  price: z.number().int().min(0).max(1_000_000_000).describe('Whole won'),
  storeId: z.uuid().describe('One of my stores; my default store (opened if needed) when omitted'),
  categoryId: z.uuid().nullable().describe('null: uncategorised'),
}

const productId = z.object({ id: z.uuid() })

export const createProductSchema = {
  tags: ['products'],
  summary: 'List a product (SELLER) in one of my stores, or in my default store',
  body: z.strictObject({
    name: productFields.name,
    description: productFields.description.optional(),
    price: productFields.price,
    storeId: productFields.storeId.optional(),
    categoryId: productFields.categoryId.optional(),
  }),
  response: { 201: productSchema, ...problemResponses(400, 401, 403, 404, 413, 415, 422) },
}

export const listProductsSchema = {
  tags: ['products'],
  summary:
    'Find products: `q` a part of the name (Korean too), `category` an id or slug (with subcategories)',
  querystring: z.object({
    q: searchText,
    category: z.string().trim().min(1).max(100).optional(),
    storeId: z.uuid().optional(),
    sort: z
      .enum(PRODUCT_SORTS)
      .optional()
      .describe('relevance (default with q), newest (default without), price_asc, price_desc, popular'),
    ...pageQueryShape,
  }),
  response: { 200: pageOf(productSchema), ...problemResponses(400, 401) },
}

export const getProductSchema = {
  tags: ['products'],
  summary: 'One product; a deleted product is 404',
  params: productId,
  response: { 200: productSchema, ...problemResponses(400, 401, 404) },
}

export const updateProductSchema = {
  tags: ['products'],
  summary: "Change one of my products (SELLER); another seller's product is 404",
  params: productId,
  body: z
    .strictObject({
      name: productFields.name.optional(),
      description: productFields.description.optional(),
      price: productFields.price.optional(),
      storeId: productFields.storeId.optional(),
      categoryId: productFields.categoryId.optional(),
    })
    .refine((patch) => Object.keys(patch).length > 0, 'at least one field is required'),
  response: { 200: productSchema, ...problemResponses(400, 401, 403, 404, 413, 415, 422) },
}

export const deleteProductSchema = {
  tags: ['products'],
  summary: "Delete one of my products (SELLER; kept as DELETED, hidden everywhere); another seller's is 404",
  params: productId,
  response: { 204: z.null(), ...problemResponses(400, 401, 403, 404) },
}

const likeStateSchema = z.object({ productId: z.uuid(), liked: z.boolean(), likeCount: z.number().int() })

export const likeProductSchema = {
  tags: ['likes'],
  summary: 'Like a product (BUYER): it joins my wishlist; liking again changes nothing',
  params: productId,
  response: { 200: likeStateSchema, ...problemResponses(400, 401, 403, 404) },
}

export const unlikeProductSchema = {
  tags: ['likes'],
  summary: 'Stop liking a product (BUYER); unliking a product not liked changes nothing',
  params: productId,
  response: { 200: likeStateSchema, ...problemResponses(400, 401, 403, 404) },
}
