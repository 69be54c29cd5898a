// The Prisma models every publishing or consuming service copies into its schema.prisma
// (Prisma schemas cannot import). The canonical text is `prisma/messaging.prisma`; services
// check their copy with `missingMessagingModels` so a drifted copy fails a test, not production.
import { readFileSync } from 'node:fs'

const fragmentUrl = new URL('../prisma/messaging.prisma', import.meta.url)

/** The canonical `OutboxMessage` and `InboxMessage` models (tables `outbox_messages`, `inbox_messages`). */
export function messagingPrismaModels(): string {
  return readFileSync(fragmentUrl, 'utf8')
}

/** Names of the canonical models that `schemaText` lacks or declares differently (whitespace aside). */
export function missingMessagingModels(schemaText: string): string[] {
  const have = new Map(modelBlocks(schemaText).map((block) => [block.name, block.body]))
  return modelBlocks(messagingPrismaModels())
    .filter((block) => have.get(block.name) !== block.body)
    .map((block) => block.name)
}

function modelBlocks(text: string): { name: string; body: string }[] {
  const blocks: { name: string; body: string }[] = []
  for (const match of text.matchAll(/^model\s+(\w+)\s*\{([\s\S]*?)^\}/gm)) {
    const body = (match[2] ?? '')
      .split('\n')
      .map((line) =>
        line
          .replace(/\/\/.*$/, '')
          .trim()
          .replace(/\s+/g, ' '),
      )
      .filter(Boolean)
      .join('\n')
    blocks.push({ name: match[1] ?? '', body })
  }
  return blocks
}
