// The comparison the design is measured against: the same purchase with the stock counted in
// PostgreSQL only. One autocommit statement takes a unit (`UPDATE ... SET remaining = remaining - 1
// WHERE remaining > 0`) and writes the order; every attempt, sold out or not, queues on the deal's
// row lock. Plain node:http and one pooled statement: the lightest form PostgreSQL-only can take,
// so the ratio against the order service is a lower bound of the design's gain.
// Run as its own process: DATABASE_URL, PORT, HOST; POST /reserve {dealId} with x-user-id.
import { createServer, type ServerResponse } from 'node:http'
import pg from 'pg'

export const PG_ONLY_SCHEMA = `
  CREATE TABLE IF NOT EXISTS pg_only_deals (id uuid PRIMARY KEY, remaining int NOT NULL CHECK (remaining >= 0));
  CREATE TABLE IF NOT EXISTS pg_only_orders (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    deal_id uuid NOT NULL REFERENCES pg_only_deals (id),
    user_id uuid NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (deal_id, user_id)
  );`

const RESERVE = `
  WITH taken AS (
    UPDATE pg_only_deals SET remaining = remaining - 1 WHERE id = $1 AND remaining > 0 RETURNING id
  )
  INSERT INTO pg_only_orders (deal_id, user_id) SELECT id, $2 FROM taken RETURNING id`

function answer(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body))
}

if (process.env.DATABASE_URL && process.env.PORT) {
  const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 })
  const server = createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/readyz') return answer(res, 200, { status: 'ok' })
    if (req.method !== 'POST' || req.url !== '/reserve') return answer(res, 404, { code: 'NOT_FOUND' })
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const { dealId } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { dealId: string }
      pool.query<{ id: string }>(RESERVE, [dealId, req.headers['x-user-id']]).then(
        ({ rows }) =>
          rows[0]
            ? answer(res, 201, { orderId: rows[0].id, status: 'PENDING_PAYMENT' })
            : answer(res, 409, { code: 'SOLD_OUT' }),
        (error: Error) => answer(res, 500, { code: 'INTERNAL', detail: error.message }),
      )
    })
  })
  server.listen(Number(process.env.PORT), process.env.HOST ?? '127.0.0.1')
  process.on('SIGTERM', () => {
    server.close()
    void pool.end()
  })
}
