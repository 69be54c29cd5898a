// An in-process stand-in for an S3-compatible server, path-style only: PutObject, GetObject,
// HeadObject and DeleteObject on one bucket, enough for the real AWS SDK to talk to. Signatures
// are not verified; every request is recorded so a test can see what the SDK sent.
import { createHash } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

interface StoredBlob {
  bytes: Buffer
  contentType: string
}

export interface RecordedRequest {
  method: string
  path: string
  headers: IncomingMessage['headers']
}

export const S3_DOUBLE_CREDENTIALS = { accessKeyId: 'test-access-key', secretAccessKey: 'test-secret-key' }

function errorXml(code: string, message: string) {
  return `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of request) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks)
}

export async function startS3Double(bucket = 'catalog-images') {
  const objects = new Map<string, StoredBlob>()
  const requests: RecordedRequest[] = []

  function fail(response: ServerResponse, status: number, code: string, withBody: boolean) {
    response.writeHead(status, { 'content-type': 'application/xml' })
    response.end(withBody ? errorXml(code, code) : undefined)
  }

  async function handle(request: IncomingMessage, response: ServerResponse) {
    const url = new URL(request.url ?? '/', 'http://s3.local')
    const method = request.method ?? 'GET'
    requests.push({ method, path: url.pathname, headers: request.headers })
    const [, bucketName, ...rest] = url.pathname.split('/')
    const key = rest.map(decodeURIComponent).join('/')
    const isHead = method === 'HEAD'
    if (!request.headers.authorization?.startsWith('AWS4-HMAC-SHA256 '))
      return fail(response, 403, 'AccessDenied', !isHead)
    if (bucketName !== bucket) return fail(response, 404, 'NoSuchBucket', !isHead)
    if (!key) return fail(response, 400, 'InvalidRequest', !isHead)

    if (method === 'PUT') {
      // The store asks the SDK for plain bodies; a chunked-signature upload would be a change to catch.
      if (String(request.headers['content-encoding'] ?? '').includes('aws-chunked'))
        return fail(response, 501, 'NotImplemented', true)
      const bytes = await readBody(request)
      const contentType = request.headers['content-type'] ?? 'binary/octet-stream'
      objects.set(key, { bytes, contentType })
      response.writeHead(200, { etag: `"${createHash('md5').update(bytes).digest('hex')}"` })
      return response.end()
    }
    if (method === 'GET' || isHead) {
      const blob = objects.get(key)
      if (!blob) return fail(response, 404, 'NoSuchKey', !isHead)
      response.writeHead(200, {
        'content-type': blob.contentType,
        'content-length': blob.bytes.length,
        etag: `"${createHash('md5').update(blob.bytes).digest('hex')}"`,
        'last-modified': new Date().toUTCString(),
      })
      return response.end(isHead ? undefined : blob.bytes)
    }
    if (method === 'DELETE') {
      objects.delete(key)
      response.writeHead(204)
      return response.end()
    }
    return fail(response, 405, 'MethodNotAllowed', !isHead)
  }

  const server = createServer((request, response) => {
    handle(request, response).catch(() => fail(response, 500, 'InternalError', true))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo

  return {
    endpoint: `http://127.0.0.1:${port}`,
    bucket,
    objects,
    requests,
    /** Catalog configuration pointing OBJECT_STORE=s3 at this double. */
    env: {
      OBJECT_STORE: 's3',
      S3_ENDPOINT: `http://127.0.0.1:${port}`,
      S3_BUCKET: bucket,
      S3_ACCESS_KEY_ID: S3_DOUBLE_CREDENTIALS.accessKeyId,
      S3_SECRET_ACCESS_KEY: S3_DOUBLE_CREDENTIALS.secretAccessKey,
      S3_FORCE_PATH_STYLE: 'true',
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections()
        server.close((error) => (error ? reject(error) : resolve()))
      }),
  }
}

export type S3Double = Awaited<ReturnType<typeof startS3Double>>
