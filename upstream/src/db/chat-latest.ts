/**
 * @module upstream/db/chat-latest
 * The newest stored message of a chat: archiveChat given only `chat` anchors WhatsApp's archive action to
 * it (Evolution's lookup of it is broken, #2495, so there every such call failed).
 */
import type { Tx } from './instances.js'
import type { MessageRow } from './messages.js'

export async function latestMessageOfChat(sql: Tx, instanceId: string, remoteJid: string): Promise<MessageRow | null> {
  const [row] = await sql<MessageRow[]>`
    select * from upstream.messages
     where instance_id = ${instanceId} and remote_jid = ${remoteJid}
     order by message_timestamp desc, seq desc
     limit 1`
  return row ?? null
}
