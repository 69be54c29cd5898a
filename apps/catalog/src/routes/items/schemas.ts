// The item master (read by the party service) and its imports (ADMIN).
import { z } from 'zod'
import { pageOf, pageQueryShape, problemResponses } from '@deals/service-kit'
import { MAX_IMPORT_PAGE_SIZE } from '../../domain/items/item-imports.ts'

const itemSchema = z.object({
  id: z.uuid(),
  sourceCode: z.string(),
  name: z.string(),
  category: z.string().nullable(),
  unit: z.string().nullable(),
  price: z.number().int().nullable().describe('Reference price in whole won'),
  updatedAt: z.iso.datetime(),
})

const itemImportSchema = z.object({
  id: z.uuid(),
  sourceUrl: z.string(),
  pageSize: z.number().int(),
  status: z.enum(['PENDING', 'RUNNING', 'COMPLETED', 'FAILED']),
  totalPages: z.number().int().nullable(),
  totalRows: z.number().int().nullable(),
  pagesDone: z.number().int(),
  rowsSeen: z.number().int(),
  inserted: z.number().int(),
  updated: z.number().int(),
  duplicate: z
    .number()
    .int()
    .describe('Rows whose code came again later in the same import (the later row wins)'),
  invalid: z.number().int(),
  invalidSample: z
    .array(
      z.object({
        pageNo: z.number().int(),
        index: z.number().int(),
        sourceCode: z.string().nullable(),
        reason: z.string(),
      }),
    )
    .describe('At most 50 rejected rows with their reasons'),
  failureReason: z.string().nullable(),
  percent: z.number().describe('Pages done out of the total, 0 to 100'),
  createdAt: z.iso.datetime(),
  startedAt: z.iso.datetime().nullable(),
  finishedAt: z.iso.datetime().nullable(),
})

const idParams = z.object({ id: z.uuid() })

const sourceUrl = z
  .url({ protocol: /^https?$/ })
  .max(2000)
  .describe('A public-data style JSON API: GET <url>?pageNo=N&numOfRows=M')

export const searchItemsSchema = {
  tags: ['items'],
  summary: 'Search the item master by part of the name, in name order',
  querystring: z.object({
    q: z.string().trim().min(1).max(50).optional(),
    category: z.string().trim().min(1).max(100).optional(),
    ...pageQueryShape,
  }),
  response: { 200: pageOf(itemSchema), ...problemResponses(400, 401) },
}

export const getItemSchema = {
  tags: ['items'],
  summary: 'One item of the item master',
  params: idParams,
  response: { 200: itemSchema, ...problemResponses(400, 401, 404) },
}

export const requestImportSchema = {
  tags: ['items'],
  summary: 'Import the item master from a paginated source (ADMIN); runs in the background',
  body: z.strictObject({
    sourceUrl,
    pageSize: z.number().int().min(1).max(MAX_IMPORT_PAGE_SIZE).default(100),
  }),
  response: { 202: itemImportSchema, ...problemResponses(400, 401, 403, 413, 415) },
}

export const getImportSchema = {
  tags: ['items'],
  summary: 'An item import: status, counts and progress (ADMIN)',
  params: idParams,
  response: { 200: itemImportSchema, ...problemResponses(400, 401, 403, 404) },
}

export const listImportsSchema = {
  tags: ['items'],
  summary: 'Item imports, newest first (ADMIN)',
  querystring: z.object(pageQueryShape),
  response: { 200: pageOf(itemImportSchema), ...problemResponses(400, 401, 403) },
}
