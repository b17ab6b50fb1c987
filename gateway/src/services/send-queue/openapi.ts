/**
 * @module services/send-queue/openapi
 * How the `X-Send-Mode` header shows in the OpenAPI document (services/openapi/document): a header
 * parameter and the 202/429 answers on every proxied `POST /message/*` send, beside the code that
 * honours it (services/send-queue/gate, services/send-budget/gate).
 */

/** Whether a proxied route (method + route-table path) honours the header: every send. */
export const proxiedIsQueueable = (method: string, path: string): boolean => method === 'POST' && path.startsWith('/message/')

export const SEND_MODE_PARAMETER = {
  name: 'X-Send-Mode',
  in: 'header',
  required: false,
  description:
    '`sync` (the default, as Evolution) sends now and answers the upstream\'s answer. `queue` stores the send and answers 202 ' +
    '`{key:{remoteJid, fromMe:true, id}, status:"queued", messageTimestamp, queue:{seq, expiresAt}}` at once; a worker delivers ' +
    'it in order per instance, paced by the instance\'s budgets, retried while the instance reconnects, failed after ' +
    'QUEUED_SEND_TTL_SECONDS. Without the header the instance\'s send_mode applies. JSON bodies only. See docs/delivery-guarantees.md.',
  schema: { type: 'string', enum: ['sync', 'queue'] },
}

/** The answers the header and the budgets add. */
export const SEND_MODE_RESPONSES = {
  '202': 'Queued (X-Send-Mode: queue): {key:{id}, status:"queued", ...}',
  '429': "The instance's send budget is spent (messages per minute or new recipients per day): Retry-After and {error, reason, retry_after}",
}
