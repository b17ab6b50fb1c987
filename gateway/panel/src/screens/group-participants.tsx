/**
 * A group's participants (GET /group/participants: number, stored name, role) with add, remove,
 * promote and demote (POST /group/updateParticipant {action, participants}; members already in the group
 * are named by their JID, LIDs included, which the upstream passes through as they are). That route answers 201
 * even when WhatsApp refused some members (each item has its own status): those are shown as errors.
 */
import { useId, useState } from 'preact/hooks'
import { groupsApi, type ParticipantAction, type ParticipantRow } from '../api/groups.js'
import { ActionError, useAction } from '../components/action.js'
import { Submit } from '../components/fields.js'
import { confirm } from '../components/modal.js'
import { Table } from '../components/table.js'
import { toast } from '../components/toast.js'
import { parseNumbers } from '../lib/format.js'
import { participantFailures, participantNumber } from '../lib/group-roles.js'
import { RoleBadge } from './groups.js'

const DONE: Record<ParticipantAction, string> = { add: 'added', remove: 'removed', promote: 'made admin', demote: 'no longer admin' }

export function GroupParticipants(props: { name: string; jid: string; own: string | null; rows: ParticipantRow[] | null; onChanged: () => void }) {
  const id = useId()
  const [numbers, setNumbers] = useState('')
  const act = useAction()

  /** Runs the action; members WhatsApp refused become the error, the others are reported done. */
  const update = async (action: ParticipantAction, participants: string[]) => {
    let failures: string[] = []
    const ok = await act.run(async () => {
      const r = await groupsApi.updateParticipants(props.name, props.jid, action, participants)
      failures = participantFailures(action, r.updateParticipants)
    })
    if (ok) {
      const done = participants.length - failures.length
      if (failures.length) act.fail(failures.join('\n'))
      if (done > 0) toast.ok(`${done === 1 ? '1 participant' : `${done} participants`} ${DONE[action]}`)
      props.onChanged()
    }
    return ok && failures.length === 0
  }

  const add = async (e: Event) => {
    e.preventDefault()
    const list = parseNumbers(numbers)
    if (list.length === 0) return act.fail('Type at least one number to add.')
    if (await update('add', list)) setNumbers('')
  }
  const remove = async (p: ParticipantRow) => {
    if (await confirm(`Remove +${participantNumber(p)} from the group?`, 'Remove')) await update('remove', [p.id])
  }

  return (
    <div class="card stack" data-testid="group-participants">
      <h2>Participants{props.rows ? ` (${props.rows.length})` : ''}</h2>
      <form class="inline-form" onSubmit={add} aria-label="New members">
        <div class="field">
          <label for={id}>Add participants</label>
          <input id={id} name="numbers" inputMode="tel" value={numbers} onInput={(e) => setNumbers(e.currentTarget.value)} placeholder="595981123456, 595982654321" data-testid="add-participants" />
        </div>
        <Submit busy={act.busy} testid="add-participants-submit">Add</Submit>
      </form>
      <ActionError error={act.error} testid="participants-error" />
      <Table
        testid="participants-table"
        rows={props.rows}
        rowKey={(p) => p.id}
        empty="No participants."
        columns={[
          {
            label: 'Number',
            cell: (p) => {
              const n = participantNumber(p)
              return <span data-testid="participant" data-number={n}>+{n}{n === props.own ? ' (you)' : ''}</span>
            },
          },
          { label: 'Name', cell: (p) => p.name || '-' },
          { label: 'Role', cell: (p) => <RoleBadge role={p.admin === 'superadmin' ? 'superadmin' : p.admin === 'admin' ? 'admin' : 'member'} /> },
          {
            label: 'Actions',
            cell: (p) => {
              const n = participantNumber(p)
              if (n === props.own) return <span class="muted small">You</span>
              const label = `+${n}`
              return (
                <div class="actions">
                  {p.admin ? (
                    <button type="button" class="btn btn-sm" disabled={act.busy} aria-label={`Demote ${label} (remove admin rights)`} onClick={() => void update('demote', [p.id])}>
                      Demote
                    </button>
                  ) : (
                    <button type="button" class="btn btn-sm" disabled={act.busy} aria-label={`Promote ${label} to admin`} onClick={() => void update('promote', [p.id])}>
                      Promote
                    </button>
                  )}
                  <button type="button" class="btn btn-sm btn-danger" disabled={act.busy} aria-label={`Remove ${label}`} onClick={() => void remove(p)}>
                    Remove
                  </button>
                </div>
              )
            },
          },
        ]}
      />
    </div>
  )
}
