/**
 * @module lib/redis-write-batch
 * One socket write per event-loop turn for every Redis command the gateway issues in that turn.
 *
 * Why: a send costs two commands (session GET, limiter EVALSHA), and under load many sends are read in
 * the same turn. Written one by one they are two `write` syscalls per send; ioredis' auto-pipelining
 * merges them, but its per-turn Pipeline objects outlived scavenges (about 1 MB per scavenge at 1,000
 * sends/s), which tripled mark-compacts and doubled the p99 at a fixed rate (README, Benchmark, round 6).
 * Corking the connection's socket on the turn's first command and uncorking it in `setImmediate` (after
 * every I/O callback of the turn) hands Node all of the turn's commands at once, sent with one `writev`,
 * with no object per batch. Replies and their order are untouched: ioredis matches them to its command
 * queue as usual.
 */
import type { Redis } from 'ioredis'

export function coalesceWrites(redis: Redis): void {
  const send = redis.sendCommand.bind(redis)
  let corked = false
  redis.sendCommand = (command, stream) => {
    const socket = redis.stream
    // Only a connected socket: while connecting, ioredis queues or refuses commands itself.
    if (!corked && redis.status === 'ready' && socket && !socket.destroyed) {
      corked = true
      socket.cork()
      setImmediate(() => {
        corked = false
        socket.uncork()
      })
    }
    return send(command, stream)
  }
}
