/**
 * The instance's WhatsApp privacy settings: GET /chat/fetchPrivacySettings fills six selects, and
 * POST /chat/updatePrivacySettings sends all six together (Evolution requires every key). The upstream
 * reconnects the instance after saving, so the page may show it reconnecting for a moment.
 */
import { useEffect, useState } from 'preact/hooks'
import { errorText } from '../api/client.js'
import { PRIVACY_FIELDS, profileApi, type PrivacySettings } from '../api/profile.js'
import { ActionError, FormEnd, useAction } from '../components/action.js'
import { Select } from '../components/fields.js'
import { Loading } from '../components/table.js'

const VALUE_LABEL: Record<string, string> = {
  all: 'Everyone',
  contacts: 'My contacts',
  contact_blacklist: 'My contacts except…',
  none: 'Nobody',
  match_last_seen: 'Same as last seen',
}

/** Fills keys the upstream left out with WhatsApp's defaults, so the form always sends all six. */
function complete(p: Partial<PrivacySettings>): PrivacySettings {
  return { readreceipts: 'all', profile: 'all', status: 'contacts', online: 'all', last: 'all', groupadd: 'all', ...p }
}

export function PrivacyForm(props: { name: string }) {
  const [values, setValues] = useState<PrivacySettings | null>(null)
  const [loadError, setLoadError] = useState<string | null>(null)
  const act = useAction()
  useEffect(() => {
    profileApi.privacy(props.name).then((p) => setValues(complete(p ?? {})), (e: unknown) => setLoadError(errorText(e)))
  }, [props.name])

  const submit = async (e: Event) => {
    e.preventDefault()
    if (values) await act.run(() => profileApi.updatePrivacy(props.name, values), 'Privacy settings saved')
  }

  return (
    <form class="card stack" onSubmit={submit} aria-label="Privacy settings" data-testid="privacy-form">
      <h2>Privacy</h2>
      <ActionError error={loadError} testid="privacy-load-error" />
      {!values ? (
        !loadError && <Loading />
      ) : (
        <>
          <div class="privacy-grid">
            {PRIVACY_FIELDS.map((f) => (
              <Select
                key={f.key}
                label={f.label}
                name={f.key}
                value={values[f.key]}
                onChange={(v) => setValues({ ...values, [f.key]: v })}
                options={f.values.map((v) => ({ value: v, label: VALUE_LABEL[v] ?? v }))}
              />
            ))}
          </div>
          <FormEnd act={act} testid="save-privacy">
            Save privacy settings
          </FormEnd>
        </>
      )}
    </form>
  )
}
