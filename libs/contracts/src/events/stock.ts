// Events published by the order service about a deal's stock, for the waiting room (stop
// admitting, tell the waiting buyers) and the gateway's edge answers.
import { z } from 'zod'
import { defineEvent } from './envelope.ts'

/** The last unit was reserved: `remaining` reached 0. */
export const stockSoldOutV1 = defineEvent(
  'stock.sold-out.v1',
  z.object({ dealId: z.uuid(), at: z.iso.datetime() }),
)

/** Units came back (a reservation expired or an order was cancelled) after a sold-out. */
export const stockRestockedV1 = defineEvent(
  'stock.restocked.v1',
  z.object({ dealId: z.uuid(), remaining: z.number().int().positive(), at: z.iso.datetime() }),
)
