// Restarts the local RabbitMQ broker (the application, as a node restart would), then waits for
// AMQP and the management API. Every connection drops; durable queues and their messages stay.
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import amqp from 'amqplib'

const run = promisify(execFile)

export async function restartBroker(amqpUrl: string, timeoutMs = 90_000): Promise<void> {
  await run('rabbitmqctl', ['stop_app'], { timeout: timeoutMs })
  await run('rabbitmqctl', ['start_app'], { timeout: timeoutMs })
  const deadline = Date.now() + timeoutMs
  for (;;) {
    try {
      const connection = await amqp.connect(amqpUrl)
      await connection.close()
      return
    } catch (err) {
      if (Date.now() > deadline) throw err
      await new Promise((resolve) => setTimeout(resolve, 500))
    }
  }
}
