// The signed-in user's profile and delivery addresses.
import { z } from 'zod'
import { roleSchema } from '@deals/contracts'
import { KOREAN_MOBILE_PATTERN } from '../../domain/accounts/korean-phone.ts'
import { problemResponses } from '../problem-responses.ts'

export const meSchema = {
  tags: ['account'],
  summary: 'My account',
  response: {
    200: z.object({
      id: z.uuid(),
      email: z.string(),
      name: z.string(),
      phone: z.string().nullable(),
      roles: z.array(roleSchema),
      sellerId: z.uuid().nullable(),
      emailVerified: z.boolean(),
      createdAt: z.iso.datetime(),
    }),
    ...problemResponses(401, 404),
  },
}

const addressFields = {
  label: z.string().trim().min(1).max(30),
  recipient: z.string().trim().min(1).max(50),
  phone: z.string().regex(KOREAN_MOBILE_PATTERN, 'a Korean mobile number like 010-1234-5678'),
  postalCode: z.string().regex(/^\d{5}$/, 'five digits'),
  line1: z.string().trim().min(1).max(200),
  line2: z.string().trim().max(200).nullable().optional(),
  isDefault: z.boolean().optional(),
}

const addressSchema = z.object({
  id: z.uuid(),
  label: z.string(),
  recipient: z.string(),
  phone: z.string(),
  postalCode: z.string(),
  line1: z.string(),
  line2: z.string().nullable(),
  isDefault: z.boolean(),
  createdAt: z.iso.datetime(),
})

const idParams = z.object({ id: z.uuid() })

export const listAddressesSchema = {
  tags: ['addresses'],
  summary: 'My delivery addresses',
  response: { 200: z.object({ items: z.array(addressSchema) }), ...problemResponses(401) },
}

export const createAddressSchema = {
  tags: ['addresses'],
  summary: 'Add an address (at most 5; the first one becomes the default)',
  body: z.strictObject(addressFields),
  response: { 201: addressSchema, ...problemResponses(400, 401, 409, 413, 415) },
}

export const updateAddressSchema = {
  tags: ['addresses'],
  summary: 'Change an address; isDefault: true makes it the default and unsets the previous one',
  params: idParams,
  body: z.strictObject(addressFields).partial(),
  response: { 200: addressSchema, ...problemResponses(400, 401, 404, 413, 415) },
}

export const deleteAddressSchema = {
  tags: ['addresses'],
  summary: 'Remove an address (the oldest remaining one becomes the default)',
  params: idParams,
  response: { 204: z.null(), ...problemResponses(400, 401, 404) },
}
