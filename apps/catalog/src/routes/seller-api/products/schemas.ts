// The seller API's products: the storefront's product schemas, scoped to the key's seller.
import { z } from 'zod'
import { pageOf, pageQueryShape, problemResponses } from '@deals/service-kit'
import {
  createProductSchema,
  deleteProductSchema,
  getProductSchema,
  productSchema,
  updateProductSchema,
} from '../../products/schemas.ts'

const tags = ['seller-api: products']

export const sellerListProductsSchema = {
  tags,
  summary: 'My listed products, newest first (scope products:read)',
  querystring: z.object(pageQueryShape),
  response: { 200: pageOf(productSchema), ...problemResponses(400, 401, 403) },
}

export const sellerCreateProductSchema = {
  ...createProductSchema,
  tags,
  summary: 'List a product in one of my stores, or in my default store (scope products:write)',
}

export const sellerGetProductSchema = {
  ...getProductSchema,
  tags,
  summary: "One of my products (scope products:read); another seller's is 404",
  response: { ...getProductSchema.response, ...problemResponses(403) },
}

export const sellerUpdateProductSchema = {
  ...updateProductSchema,
  tags,
  summary: 'Change one of my products (scope products:write)',
}

export const sellerDeleteProductSchema = {
  ...deleteProductSchema,
  tags,
  summary: 'Delete one of my products; it stays as DELETED for its orders (scope products:write)',
}
