/**
 * The instance's own WhatsApp profile (`#/instances/{name}/profile`): its name and picture
 * (POST /chat/fetchProfile without a number describes the instance), its "about" text (fetchProfile with
 * its own number, since without one `status` is the connection state), and the forms to change them
 * (updateProfileName, updateProfileStatus, updateProfilePicture, DELETE removeProfilePicture), then the
 * privacy settings (profile-privacy.tsx) and the proxy (proxy-form.tsx). A Cloud API instance answers
 * these with the upstream's 400, shown where the form is.
 */
import { profileApi, type ProfileAnswer } from '../api/profile.js'
import { ActionError, useAction } from '../components/action.js'
import { confirm } from '../components/modal.js'
import { PageHead } from '../components/page.js'
import { Loading } from '../components/table.js'
import { TextForm } from '../components/text-form.js'
import { useInlineLoad } from '../lib/use-inline-load.js'
import { useOwnNumber } from '../lib/use-own-number.js'
import { PictureForm } from './picture-form.js'
import { PrivacyForm } from './profile-privacy.js'
import { ProxyForm } from './proxy-form.js'
import type { ScreenProps } from './screen-props.js'

export const profileHref = (name: string) => `#/instances/${encodeURIComponent(name)}/profile`

type Loaded = { self: ProfileAnswer; about: string | null }

export function ProfileScreen(props: ScreenProps) {
  const name = props.params.name ?? ''
  const own = useOwnNumber(name)
  const loaded = useInlineLoad(async (): Promise<Loaded> => {
    const [self, mine] = await Promise.all([profileApi.fetch(name), own ? profileApi.fetch(name, own).catch(() => null) : Promise.resolve(null)])
    return { self, about: mine?.status ?? null }
  }, [name, own])
  const { data, error, reload: load } = loaded
  const remove = useAction()

  const removePicture = async () => {
    if (!(await confirm('Remove the profile picture of this number?', 'Remove picture'))) return
    if (await remove.run(() => profileApi.removePicture(name), 'Profile picture removed')) void load()
  }

  return (
    <section data-testid="profile">
      <PageHead title={`Profile of ${name}`} sub={<a href={`#/instances/${encodeURIComponent(name)}`}>← {name}</a>}>
        <button type="button" class="btn" onClick={() => void load()}>
          Refresh
        </button>
      </PageHead>
      <ActionError error={error} testid="profile-error" />
      {!data ? (
        !error && <Loading />
      ) : (
        <div class="grid group-grid">
          <div class="card stack">
            <h2>Name and about</h2>
            <dl class="facts">
              <dt>Number</dt>
              <dd>{own ? `+${own}` : '-'}</dd>
              <dt>Name</dt>
              <dd data-testid="profile-name">{data.self.name || '-'}</dd>
              <dt>About</dt>
              <dd data-testid="profile-about">{data.about || '-'}</dd>
            </dl>
            <TextForm label="Profile name" value={data.self.name ?? ''} maxLength={25} testid="profile-name-form" save={(v) => profileApi.updateName(name, v)} saved="Profile name saved" onSaved={() => void load()} />
            <TextForm label="About" value={data.about ?? ''} maxLength={139} testid="profile-about-form" save={(v) => profileApi.updateStatus(name, v)} saved="About text saved" onSaved={() => void load()} />
          </div>
          <div class="card stack">
            <h2>Picture</h2>
            <p class="small">{data.self.picture ? <a href={data.self.picture} target="_blank" rel="noopener noreferrer">Open the current picture</a> : <span class="muted">No picture.</span>}</p>
            <PictureForm label="Set profile picture" testid="profile-picture-form" saved="Profile picture updated" onSave={(image) => profileApi.updatePicture(name, image).then(load)} />
            {data.self.picture && (
              <div>
                <button type="button" class="btn btn-danger" disabled={remove.busy} onClick={() => void removePicture()}>
                  Remove picture
                </button>
              </div>
            )}
            <ActionError error={remove.error} />
          </div>
        </div>
      )}
      <PrivacyForm name={name} />
      <ProxyForm name={name} />
    </section>
  )
}
