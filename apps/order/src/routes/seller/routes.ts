// Routes: GET /seller/sales, POST /seller/returns/:orderId/approve|reject (a seller's token), and
// their seller API twins GET /seller/v1/sales (scope sales:read), POST
// /seller/v1/returns/:orderId/approve|reject (scope returns:write). Only the order's seller sees
// or decides it; for others it does not exist.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { requireSeller, requireSellerScope, sellerIdOf } from '@deals/service-kit'
import { saleView } from '../../domain/sales/seller-sales.ts'
import { approveReturnSchema, listSalesSchema, rejectReturnSchema } from './schemas.ts'

type SellerGuard = typeof requireSeller

const toDate = (value: string | undefined) => (value === undefined ? undefined : new Date(value))

export const sellerRoutes: FastifyPluginAsyncZod = async (app) => {
  const { sales, returns } = app.orderLifecycle

  const routes = (prefix: string, read: SellerGuard, write: SellerGuard) => {
    app.get(`${prefix}/sales`, { schema: listSalesSchema, onRequest: read }, async (request) => {
      const { from, to, ...page } = request.query
      return sales.list(sellerIdOf(request), { ...page, from: toDate(from), to: toDate(to) })
    })

    app.post(
      `${prefix}/returns/:orderId/approve`,
      { schema: approveReturnSchema, onRequest: write },
      async (request) =>
        saleView(await returns.resolve(sellerIdOf(request), request.params.orderId, { approve: true })),
    )

    app.post(
      `${prefix}/returns/:orderId/reject`,
      { schema: rejectReturnSchema, onRequest: write },
      async (request) =>
        saleView(
          await returns.resolve(sellerIdOf(request), request.params.orderId, {
            approve: false,
            reason: request.body.reason,
          }),
        ),
    )
  }

  routes('/seller', requireSeller, requireSeller)
  routes('/seller/v1', requireSellerScope('sales:read'), requireSellerScope('returns:write'))
}
