/**
 * Admin -> Users -> "Send settings" (window): a user's pacing budgets and default send mode, which apply
 * to every instance they own unless the instance sets its own, and the list of those instances with
 * what applies to each now. An empty field here falls back to the config default.
 */
import { useState } from 'preact/hooks'
import type { AdminUser } from '../api/admin.js'
import { sendSettingsApi, type SendSettingsBody, type UserSendSettings } from '../api/send-settings.js'
import { Modal } from '../components/modal.js'
import { Loading, Table } from '../components/table.js'
import { budgetText, storedText } from '../lib/send-settings-form.js'
import { useLoad } from '../lib/use-load.js'
import { SendSettingsForm, type Fallbacks } from './send-settings-form.js'

const DEFAULTS: Fallbacks = { per_minute: 'the default', new_recipients_per_day: 'the default', warmup_days: 'the default', send_mode: 'the default (sync)' }

export function UserSendSettingsWindow(props: { user: AdminUser; onClose: () => void }) {
  const id = props.user.id
  const load = useLoad(() => sendSettingsApi.user(id), [id])
  const [saved, setSaved] = useState<UserSendSettings | null>(null)
  const s = saved ?? load.data
  const save = async (body: SendSettingsBody) => setSaved(await sendSettingsApi.saveUser(id, body))

  return (
    <Modal title={`Send settings of ${props.user.username}`} onClose={props.onClose} wide>
      {!s ? (
        load.error ? <p class="muted">Send settings are not available.</p> : <Loading />
      ) : (
        <div class="stack" data-testid="user-send-settings">
          <p class="muted small">For every instance {props.user.username} owns; an instance's own setting wins, field by field.</p>
          <SendSettingsForm stored={s} fallbacks={DEFAULTS} onSave={save} testid="user-send-settings-form" />
          <h3>Their instances</h3>
          <Table
            testid="user-send-settings-instances"
            rows={s.instances}
            rowKey={(i) => i.instance}
            empty={`${props.user.username} owns no instance.`}
            columns={[
              { label: 'Instance', cell: (i) => <a href={`#/instances/${encodeURIComponent(i.instance)}`}>{i.instance}</a> },
              { label: 'Own per minute', cell: (i) => storedText('per_minute', i.per_minute) ?? 'not set' },
              { label: 'Per minute now', cell: (i) => <span data-testid="ss-row-per_minute">{budgetText(i.effective.per_minute)}</span> },
              { label: 'Send mode now', cell: (i) => <span data-testid="ss-row-send_mode">{i.effective.send_mode}</span> },
            ]}
          />
        </div>
      )}
    </Modal>
  )
}
