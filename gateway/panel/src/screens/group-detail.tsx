/**
 * One group of an instance (`#/instances/{name}/groups/{jid}`): its picture, subject and description
 * (GET /group/findGroupInfos; rename with updateGroupSubject, describe with updateGroupDescription, a new
 * picture with updateGroupPicture), the invite link (group-invite.tsx), the participants
 * (group-participants.tsx) and leaving it (DELETE /group/leaveGroup, after a confirm). WhatsApp decides
 * who may do what (admins, or everyone unless the group is locked): its refusals are shown as it words them.
 */
import { groupsApi } from '../api/groups.js'
import { ActionError, useAction } from '../components/action.js'
import { confirm } from '../components/modal.js'
import { PageHead } from '../components/page.js'
import { Loading } from '../components/table.js'
import { TextForm } from '../components/text-form.js'
import { isAdminRole, ownRole } from '../lib/group-roles.js'
import { useInlineLoad } from '../lib/use-inline-load.js'
import { useOwnNumber } from '../lib/use-own-number.js'
import { navigate } from '../router/index.js'
import { GroupInvite } from './group-invite.js'
import { GroupParticipants } from './group-participants.js'
import { groupsHref, groupsPath, RoleBadge } from './groups.js'
import { PictureForm } from './picture-form.js'
import type { ScreenProps } from './screen-props.js'

export function GroupDetailScreen(props: ScreenProps) {
  const name = props.params.name ?? ''
  const jid = props.params.jid ?? ''
  const own = useOwnNumber(name)
  const loaded = useInlineLoad(async () => {
    const [group, p] = await Promise.all([groupsApi.info(name, jid), groupsApi.participants(name, jid)])
    return { group, people: Array.isArray(p.participants) ? p.participants : [] }
  }, [name, jid])
  const load = loaded.reload
  const error = loaded.error
  const group = loaded.data?.group ?? null
  const people = loaded.data?.people ?? null
  const leave = useAction()

  const role = group ? ownRole(group, own) : null
  const title = group?.subject || jid
  const doLeave = async () => {
    if (!(await confirm(`Leave "${title}"? This number stops receiving its messages; an admin has to add it back.`, 'Leave group'))) return
    if (await leave.run(() => groupsApi.leave(name, jid), `Left "${title}"`)) navigate(groupsPath(name))
  }

  return (
    <section data-testid="group-detail">
      <PageHead title={title} sub={<a href={groupsHref(name)}>← Groups of {name}</a>}>
        <button type="button" class="btn" onClick={() => void load()}>
          Refresh
        </button>
        <button type="button" class="btn btn-danger" disabled={leave.busy} onClick={() => void doLeave()} data-testid="leave-group">
          Leave group
        </button>
      </PageHead>
      <ActionError error={leave.error} />
      <ActionError error={error} testid="group-error" />
      {!group ? (
        !error && <Loading />
      ) : (
        <>
          <div class="card group-head">
            <span class="chat-avatar" aria-hidden="true">{(title[0] ?? '#').toUpperCase()}</span>
            <dl class="facts">
              <dt>Group id</dt>
              <dd><code>{group.id}</code></dd>
              <dt>Participants</dt>
              <dd data-testid="group-size">{people?.length ?? group.size ?? '-'}</dd>
              <dt>Your role</dt>
              <dd><RoleBadge role={role} /></dd>
              {/* WhatsApp's picture address is another origin, which the panel's CSP does not load inline. */}
              <dt>Picture</dt>
              <dd>{group.pictureUrl ? <a href={group.pictureUrl} target="_blank" rel="noopener noreferrer">Open the current picture</a> : 'None'}</dd>
            </dl>
          </div>
          <div class="grid group-grid">
            <div class="card stack">
              <h2>Subject and description</h2>
              <TextForm label="Subject" value={group.subject ?? ''} maxLength={100} testid="group-subject-form" submitLabel="Rename"
                save={(v) => groupsApi.updateSubject(name, jid, v)} saved="Group renamed" onSaved={() => void load()} />
              <TextForm label="Description" value={group.desc ?? ''} maxLength={2048} multiline testid="group-description-form" submitLabel="Save description"
                save={(v) => groupsApi.updateDescription(name, jid, v)} saved="Description saved" onSaved={() => void load()} />
            </div>
            <div class="card stack">
              <h2>Picture</h2>
              <PictureForm label="Set group picture" testid="group-picture-form" saved="Group picture updated" onSave={(image) => groupsApi.updatePicture(name, jid, image).then(load)} />
            </div>
          </div>
          <GroupInvite name={name} jid={jid} isAdmin={isAdminRole(role)} />
          <GroupParticipants name={name} jid={jid} own={own} rows={people} onChanged={() => void load()} />
        </>
      )}
    </section>
  )
}
