// Small images whose bytes file-type recognises, each made unique by a tag so their hashes differ.
import { randomBytes } from 'node:crypto'

const ONE_PIXEL_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=',
  'base64',
)

/** A 1×1 PNG followed by `tag` (decoders stop at IEND). */
export const pngImage = (tag: string = randomBytes(8).toString('hex')) =>
  Buffer.concat([ONE_PIXEL_PNG, Buffer.from(tag)])

/** The start of a JFIF JPEG, then `tag`. */
export const jpegImage = (tag: string = randomBytes(8).toString('hex')) =>
  Buffer.concat([
    Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01]),
    Buffer.from(tag),
    Buffer.from([0xff, 0xd9]),
  ])

/** A RIFF/WEBP header with a VP8 chunk, then `tag`. */
export function webpImage(tag: string = randomBytes(8).toString('hex')) {
  const payload = Buffer.concat([Buffer.from('WEBPVP8 '), Buffer.alloc(4), Buffer.from(tag)])
  const header = Buffer.alloc(8)
  header.write('RIFF', 0, 'ascii')
  header.writeUInt32LE(payload.length, 4)
  return Buffer.concat([header, payload])
}
