/**
 * Groups of one instance (`#/instances/{name}/groups`): the groups it is in, from
 * GET /group/fetchAllGroups?getParticipants=true (name, participant count, and the instance's own role,
 * found by its own number from fetchInstances), and a form to create one (subject, members, description).
 * A group opens its own page (group-detail.tsx). A Cloud API instance has no groups: the upstream's
 * 400 says so, shown where the list would be.
 */
import { useId, useState } from 'preact/hooks'
import { groupsApi, type GroupRow } from '../api/groups.js'
import { ActionError, FormEnd, useAction } from '../components/action.js'
import { Badge } from '../components/badge.js'
import { Field } from '../components/fields.js'
import { PageHead } from '../components/page.js'
import { Table } from '../components/table.js'
import { parseNumbers } from '../lib/format.js'
import { ownRole, participantCount, type OwnRole } from '../lib/group-roles.js'
import { useInlineLoad } from '../lib/use-inline-load.js'
import { useOwnNumber } from '../lib/use-own-number.js'
import { navigate } from '../router/index.js'
import type { ScreenProps } from './screen-props.js'

/** The Groups screen of an instance, or one group's page (a hash path; `groupsHref` is the link). */
export const groupsPath = (name: string, jid?: string) => `/instances/${encodeURIComponent(name)}/groups${jid ? `/${encodeURIComponent(jid)}` : ''}`
export const groupsHref = (name: string, jid?: string) => `#${groupsPath(name, jid)}`

const ROLE_LABEL: Record<OwnRole, string> = { superadmin: 'Owner (superadmin)', admin: 'Admin', member: 'Member' }

export function RoleBadge(props: { role: OwnRole | null }) {
  if (!props.role) return <Badge value="unknown" label="Unknown" tone="muted" />
  return <Badge value={props.role} label={ROLE_LABEL[props.role]} tone={props.role === 'member' ? 'muted' : 'info'} />
}

function CreateGroupForm(props: { name: string; onCreated: (g: GroupRow) => void }) {
  const membersId = useId()
  const descId = useId()
  const [subject, setSubject] = useState('')
  const [members, setMembers] = useState('')
  const [desc, setDesc] = useState('')
  const act = useAction()

  const submit = async (e: Event) => {
    e.preventDefault()
    const participants = parseNumbers(members)
    if (participants.length === 0) return act.fail('Add at least one participant number.')
    const out: { group?: GroupRow } = {}
    const ok = await act.run(async () => {
      out.group = await groupsApi.create(props.name, { subject: subject.trim(), participants, ...(desc.trim() ? { description: desc.trim() } : {}) })
    }, `Group "${subject.trim()}" created`)
    if (ok && out.group) {
      setSubject('')
      setMembers('')
      setDesc('')
      props.onCreated(out.group)
    }
  }

  return (
    <form class="card stack" onSubmit={submit} aria-label="Create a group" data-testid="create-group">
      <h2>New group</h2>
      <div class="row">
        <Field label="Subject" name="subject" required maxLength={100} value={subject} onInput={setSubject} placeholder="Team Asunción" />
        <div class="field grow">
          <label for={membersId}>Participants</label>
          <textarea id={membersId} name="participants" rows={2} required value={members} onInput={(e) => setMembers(e.currentTarget.value)} placeholder="595981123456, 595982654321" aria-describedby={`${membersId}-hint`} />
          <small class="hint" id={`${membersId}-hint`}>Numbers with country code, one per line or separated by commas. Numbers not on WhatsApp are left out.</small>
        </div>
      </div>
      <div class="field">
        <label for={descId}>Description (optional)</label>
        <textarea id={descId} name="description" rows={2} value={desc} onInput={(e) => setDesc(e.currentTarget.value)} />
      </div>
      <FormEnd act={act} testid="create-group-submit">
        Create group
      </FormEnd>
    </form>
  )
}

export function GroupsScreen(props: ScreenProps) {
  const name = props.params.name ?? ''
  const own = useOwnNumber(name)
  const list = useInlineLoad(() => groupsApi.list(name).then((rows) => (Array.isArray(rows) ? rows : [])), [name])
  const error = list.error

  return (
    <section data-testid="groups">
      <PageHead title={`Groups of ${name}`} sub={<a href={`#/instances/${encodeURIComponent(name)}`}>← {name}</a>}>
        <button type="button" class="btn" onClick={() => void list.reload()}>
          Refresh
        </button>
      </PageHead>
      <CreateGroupForm name={name} onCreated={(g) => (g.id ? navigate(groupsPath(name, g.id)) : void list.reload())} />
      <h2>Groups this number is in</h2>
      <ActionError error={error} testid="groups-error" />
      <Table
        testid="groups-table"
        rows={list.data ?? (error ? [] : null)}
        rowKey={(g) => g.id}
        empty={error ? 'The groups could not be read.' : 'This number is in no group yet.'}
        columns={[
          { label: 'Name', cell: (g) => <a href={groupsHref(name, g.id)} data-testid="group-link">{g.subject || g.id}</a> },
          { label: 'Participants', cell: (g) => participantCount(g) },
          { label: 'Your role', cell: (g) => <RoleBadge role={ownRole(g, own)} /> },
        ]}
      />
    </section>
  )
}
