// Seller applications: the applicant's side and the admin review.
import { z } from 'zod'
import { problemResponses } from '../problem-responses.ts'

const statusSchema = z.enum(['PENDING', 'APPROVED', 'REJECTED'])

const applicationSchema = z.object({
  id: z.uuid(),
  userId: z.uuid(),
  companyName: z.string(),
  businessNumber: z.string(),
  status: statusSchema,
  rejectReason: z.string().nullable(),
  createdAt: z.iso.datetime(),
  decidedAt: z.iso.datetime().nullable(),
  sellerId: z.uuid().optional(),
})

const idParams = z.object({ id: z.uuid() })

export const applySchema = {
  tags: ['sellers'],
  summary: 'Apply to become a seller (verified accounts; one pending application at a time)',
  body: z.strictObject({
    companyName: z.string().trim().min(1).max(100),
    businessNumber: z
      .string()
      .max(20)
      .describe('Korean business registration number, 123-45-67890; the check digit is verified'),
  }),
  response: { 201: applicationSchema, ...problemResponses(400, 401, 403, 409, 413, 415) },
}

export const myApplicationsSchema = {
  tags: ['sellers'],
  summary: 'My seller applications, newest first',
  response: { 200: z.object({ items: z.array(applicationSchema) }), ...problemResponses(401) },
}

export const listApplicationsSchema = {
  tags: ['sellers'],
  summary: 'Seller applications, oldest first (ADMIN)',
  querystring: z.object({
    status: statusSchema.optional(),
    cursor: z.uuid().optional(),
    limit: z.coerce.number().int().min(1).max(100).default(20),
  }),
  response: {
    200: z.object({ items: z.array(applicationSchema), nextCursor: z.uuid().nullable() }),
    ...problemResponses(400, 401, 403),
  },
}

export const approveSchema = {
  tags: ['sellers'],
  summary: 'Approve an application (ADMIN): creates the seller and grants SELLER',
  description: 'The SELLER role and sellerId appear in the applicant’s next access token (after a refresh).',
  params: idParams,
  response: { 200: applicationSchema, ...problemResponses(400, 401, 403, 404, 409) },
}

export const rejectSchema = {
  tags: ['sellers'],
  summary: 'Reject an application with a reason (ADMIN)',
  params: idParams,
  body: z.strictObject({ reason: z.string().trim().min(1).max(500) }),
  response: { 200: applicationSchema, ...problemResponses(400, 401, 403, 404, 409, 413, 415) },
}
