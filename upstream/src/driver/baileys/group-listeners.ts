/**
 * @module upstream/driver/baileys/group-listeners
 * Baileys' group events (lib/Types/Events.d.ts) -> the seam's `groups` event: groups.upsert (joined or
 * created), groups.update (partial metadata) and group-participants.update (participant objects, as rc14
 * sends them; services/group-events.ts keeps them).
 */
import type { GroupMetadata } from '../group-actions.js'
import type { DriverEvents } from '../types.js'
import type { WaSocket } from './socket-factory.js'

export function attachGroupListeners(sock: WaSocket, live: () => boolean, events: DriverEvents): void {
  sock.ev.on('groups.upsert', (groups) => {
    if (!live() || groups.length === 0) return
    events.groups({ type: 'upsert', groups: groups as unknown as GroupMetadata[] })
  })
  sock.ev.on('groups.update', (updates) => {
    const withId = updates.filter((u): u is typeof u & { id: string } => typeof u.id === 'string')
    if (!live() || withId.length === 0) return
    events.groups({ type: 'update', updates: withId as unknown as (Partial<GroupMetadata> & { id: string })[] })
  })
  sock.ev.on('group-participants.update', (u) => {
    if (!live()) return
    events.groups({ type: 'participants', id: u.id, author: u.author, authorPn: u.authorPn, participants: u.participants, action: u.action })
  })
}
