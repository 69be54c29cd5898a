// Buyers' carts (Redis, under the service's key prefix) and their checkout through order placement.
import fp from 'fastify-plugin'
import { CartCheckout } from '../domain/cart/cart-checkout.ts'
import { Carts } from '../domain/cart/carts.ts'

declare module 'fastify' {
  interface FastifyInstance {
    orderCarts: { carts: Carts; checkout: CartCheckout }
  }
}

export const cartPlugin = fp(
  async (app) => {
    const { placement, idempotency } = app.orderDomain
    const carts = new Carts(app.redis, app.orderDb)
    app.decorate('orderCarts', { carts, checkout: new CartCheckout({ carts, placement, idempotency }) })
  },
  { name: 'order-cart', fastify: '5.x', dependencies: ['order-domain', 'redis'] },
)
