// Builds the http URL of an address and port, bracketing IPv6 addresses as URLs require.

export function instanceUrl(address: string, port: number, path = ''): string {
  const host = address.includes(':') ? `[${address}]` : address
  return `http://${host}:${port}${path}`
}
