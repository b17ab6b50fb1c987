/**
 * A group's invite link: GET /group/inviteCode shown as https://chat.whatsapp.com/<code> in a read-only
 * field, a Copy button (navigator.clipboard; the field stays selectable where the clipboard is refused)
 * and Revoke (POST /group/revokeInviteCode, after a confirm: the old link stops working). Only admins may
 * read the code; the link is fetched on demand so a member sees WhatsApp's refusal only when asking.
 */
import { useEffect, useId, useState } from 'preact/hooks'
import { groupsApi } from '../api/groups.js'
import { ActionError, useAction } from '../components/action.js'
import { confirm } from '../components/modal.js'
import { toast } from '../components/toast.js'
import { inviteLink } from '../lib/group-roles.js'

export function GroupInvite(props: { name: string; jid: string; isAdmin: boolean }) {
  const id = useId()
  const [link, setLink] = useState<string | null>(null)
  const [copied, setCopied] = useState(false)
  const act = useAction()

  const load = () => act.run(async () => {
    const r = await groupsApi.inviteCode(props.name, props.jid)
    setLink(inviteLink(r.inviteCode))
    setCopied(false)
  })
  // Admins get the link right away; anyone else asks for it.
  useEffect(() => {
    if (props.isAdmin && link === null) void load()
  }, [props.isAdmin, props.jid])

  const copy = async () => {
    if (!link) return
    try {
      await navigator.clipboard.writeText(link)
      setCopied(true)
      toast.ok('Invite link copied')
    } catch {
      act.fail('The browser refused the clipboard: select the link and copy it by hand.')
    }
  }
  const revoke = async () => {
    if (!(await confirm('Revoke the invite link? The current link stops working and a new one is made.', 'Revoke'))) return
    await act.run(async () => {
      const r = await groupsApi.revokeInviteCode(props.name, props.jid)
      setLink(inviteLink(r.inviteCode))
      setCopied(false)
    }, 'Invite link revoked: a new one is ready')
  }

  return (
    <div class="card stack" data-testid="group-invite">
      <h2>Invite link</h2>
      {link ? (
        <>
          <div class="field">
            <label for={id}>Anyone with this link can join</label>
            <div class="copy-row">
              <input id={id} readOnly value={link} data-testid="invite-link" onFocus={(e) => e.currentTarget.select()} />
              <button type="button" class="btn" onClick={() => void copy()} data-testid="copy-invite">
                {copied ? 'Copied ✓' : 'Copy'}
              </button>
            </div>
          </div>
          <div>
            <button type="button" class="btn btn-danger" disabled={act.busy} onClick={() => void revoke()} data-testid="revoke-invite">
              Revoke link
            </button>
          </div>
        </>
      ) : (
        <div>
          <button type="button" class="btn" disabled={act.busy} onClick={() => void load()} data-testid="show-invite">
            {act.busy ? 'Working…' : 'Show invite link'}
          </button>
        </div>
      )}
      <span class="sr-only" role="status">{copied ? 'Invite link copied to the clipboard' : ''}</span>
      <ActionError error={act.error} />
    </div>
  )
}
