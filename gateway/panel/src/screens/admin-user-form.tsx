/** Create or edit a user (modal). */
import { useState } from 'preact/hooks'
import { adminApi, type AdminUser, type UserPatch } from '../api/admin.js'
import { Check, Field, Select, Submit } from '../components/fields.js'
import { Modal } from '../components/modal.js'
import { toast } from '../components/toast.js'
import { PASSWORD_HINT } from './change-password.js'

export function UserForm(props: { user: AdminUser | null; onClose: () => void; onSaved: (createdUsername?: string) => void }) {
  const u = props.user
  const [f, setF] = useState({
    username: u?.username ?? '',
    password: '',
    role: u?.role ?? 'user',
    max_instances: String(u?.max_instances ?? 1),
    rate_limit: u?.rate_limit ? String(u.rate_limit) : '',
    email: u?.email ?? '',
    phone_number: u?.phone_number ?? '',
    is_active: u?.is_active ?? true,
  })
  const [busy, setBusy] = useState(false)
  const set = (k: keyof typeof f) => (v: string | boolean) => setF({ ...f, [k]: v })

  const save = async (e: Event) => {
    e.preventDefault()
    const max = Number.parseInt(f.max_instances, 10)
    const rate = f.rate_limit.trim() === '' ? null : Number.parseInt(f.rate_limit, 10)
    setBusy(true)
    try {
      if (!u) {
        await adminApi.createUser({
          username: f.username.trim(), password: f.password, role: f.role, max_instances: Number.isNaN(max) ? 1 : max,
          ...(rate !== null ? { rate_limit: rate } : {}), ...(f.email.trim() ? { email: f.email.trim() } : {}), ...(f.phone_number.trim() ? { phone_number: f.phone_number.trim() } : {}),
        })
        toast.ok(`User ${f.username.trim()} created; they choose a new password at first sign-in`)
        props.onSaved(f.username.trim())
        return
      } else {
        const patch: UserPatch = { role: f.role, max_instances: max, rate_limit: rate, email: f.email.trim(), phone_number: f.phone_number.trim(), is_active: f.is_active }
        if (f.password) patch.password = f.password
        await adminApi.updateUser(u.id, patch)
        toast.ok(`${u.username} saved`)
      }
      props.onSaved()
    } catch (err) {
      toast.err(err)
    } finally {
      setBusy(false)
    }
  }

  return (
    <Modal title={u ? `Edit ${u.username}` : 'New user'} onClose={props.onClose} wide>
      <form class="stack" onSubmit={save} data-testid="user-form">
        <div class="row">
          {!u && <Field label="Username" name="username" required minLength={3} maxLength={50} pattern="[A-Za-z0-9_]+" value={f.username} onInput={set('username')} />}
          <Field label={u ? 'New password (optional)' : 'Initial password'} name="password" type="password" autoComplete="new-password" required={!u} value={f.password} onInput={set('password')} hint={PASSWORD_HINT} />
        </div>
        <div class="row">
          <Select label="Role" name="role" value={f.role} onChange={set('role')} options={['user', 'admin']} />
          <Field label="Max instances" name="max_instances" type="number" min={0} required value={f.max_instances} onInput={set('max_instances')} />
          <Field label="Rate limit (requests/min, blank = default)" name="rate_limit" type="number" min={1} value={f.rate_limit} onInput={set('rate_limit')} />
        </div>
        <div class="row">
          <Field label="Email (optional)" name="email" type="email" value={f.email} onInput={set('email')} />
          <Field label="Phone (optional)" name="phone_number" inputMode="tel" value={f.phone_number} onInput={set('phone_number')} />
        </div>
        {u && <Check label="Active" checked={f.is_active} onChange={set('is_active')} />}
        <div>
          <Submit busy={busy} testid="save-user">{u ? 'Save' : 'Create user'}</Submit>
        </div>
      </form>
    </Modal>
  )
}
