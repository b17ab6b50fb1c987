/**
 * A picture from a file or from a URL, handed over as the upstream wants it (Evolution's `image` /
 * `picture`: a URL, or raw base64 without the `data:` prefix). Used for a group's picture and for the
 * instance's own profile picture.
 */
import { useId, useRef, useState } from 'preact/hooks'
import { FormEnd, useAction } from '../components/action.js'
import { Field } from '../components/fields.js'
import { readFileAsDataUrl } from '../lib/format.js'

/** Above this the upstream and WhatsApp refuse or shrink it anyway; say so before uploading. */
const MAX_BYTES = 5 * 1024 * 1024

/** `data:image/png;base64,AAAA` -> `AAAA`. */
export const stripDataUrl = (dataUrl: string): string => dataUrl.replace(/^data:[^,]*,/, '')

export function PictureForm(props: { label: string; testid: string; onSave: (image: string) => Promise<unknown>; saved: string }) {
  const fileId = useId()
  const fileRef = useRef<HTMLInputElement>(null)
  const [file, setFile] = useState<File | null>(null)
  const [url, setUrl] = useState('')
  const act = useAction()

  const submit = async (e: Event) => {
    e.preventDefault()
    if (!file && !url.trim()) return act.fail('Choose an image file or type its URL.')
    if (file && file.size > MAX_BYTES) return act.fail('That image is larger than 5 MiB: choose a smaller one.')
    const ok = await act.run(async () => props.onSave(file ? stripDataUrl(await readFileAsDataUrl(file)) : url.trim()), props.saved)
    if (ok) {
      setFile(null)
      setUrl('')
      if (fileRef.current) fileRef.current.value = ''
    }
  }

  return (
    <form class="stack" onSubmit={submit} aria-label={props.label} data-testid={props.testid}>
      <div class="row">
        <div class="field">
          <label for={fileId}>Image file</label>
          <input id={fileId} ref={fileRef} type="file" accept="image/jpeg,image/png,image/webp" onChange={(e) => setFile(e.currentTarget.files?.[0] ?? null)} />
        </div>
        <Field label="Or image URL" type="url" value={url} onInput={setUrl} placeholder="https://example.com/picture.jpg" disabled={file !== null} />
      </div>
      <FormEnd act={act}>{props.label}</FormEnd>
    </form>
  )
}
