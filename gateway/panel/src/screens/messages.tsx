/** Messages: a single send (text, or media by URL or upload) and the bulk send. The gateway logs sends itself (D13, docs/decisions.md#d13). */
import { useState } from 'preact/hooks'
import { messagesApi, type MediaType } from '../api/messages.js'
import { Field, MessageEditor, Select, Submit } from '../components/fields.js'
import { PageHead } from '../components/page.js'
import { toast } from '../components/toast.js'
import { readFileAsDataUrl } from '../lib/format.js'
import { missingSentence, PlaceholderFields } from '../components/template-vars.js'
import { fillText, firstMissing, type Vars } from '../lib/placeholders.js'
import { BulkSend } from './bulk.js'
import { InstancePicker } from './instance-picker.js'
import type { ScreenProps } from './screen-props.js'

const MAX_UPLOAD = 10 * 1024 * 1024

function SingleSend() {
  const [instance, setInstance] = useState('')
  const [number, setNumber] = useState('')
  const [kind, setKind] = useState<'text' | 'media'>('text')
  const [text, setText] = useState('')
  // Values of the text's {{ key }} placeholders (an inserted template's), filled before the send.
  const [vars, setVars] = useState<Vars>({})
  const [mediatype, setMediatype] = useState<MediaType>('image')
  const [source, setSource] = useState<'url' | 'file'>('url')
  const [url, setUrl] = useState('')
  const [file, setFile] = useState<File | null>(null)
  const [fileName, setFileName] = useState('')
  const [busy, setBusy] = useState(false)
  const [blocked, setBlocked] = useState<string | null>(null)

  const send = async (e: Event) => {
    e.preventDefault()
    const to = number.replace(/[\s\-().+]/g, '')
    const missing = firstMissing(text, vars)
    if (missing) return toast.err(missingSentence(missing))
    const filled = fillText(text, vars)
    setBusy(true)
    try {
      if (kind === 'text') {
        await messagesApi.sendText(instance, to, filled)
      } else {
        let media = url.trim()
        if (source === 'file') {
          if (!file) throw new Error('Choose a file to send')
          if (file.size > MAX_UPLOAD) throw new Error('The file is larger than 10 MB')
          media = await readFileAsDataUrl(file)
        }
        await messagesApi.sendMedia(instance, { number: to, mediatype, media, caption: filled || undefined, fileName: fileName || file?.name || undefined })
      }
      toast.ok(`Message sent to ${to}`)
      setText('')
    } catch (err) {
      toast.err(err)
    } finally {
      setBusy(false)
    }
  }

  return (
    <form class="card stack" onSubmit={send} aria-label="Send a message" data-testid="single-send">
      <h2>Send a message</h2>
      <div class="row">
        <InstancePicker value={instance} onChange={setInstance} sending onBlocked={setBlocked} />
        <Field label="To (number with country code)" name="number" inputMode="tel" required placeholder="595981123456" value={number} onInput={setNumber} />
      </div>
      <div class="segmented" role="radiogroup" aria-label="Message type">
        {(['text', 'media'] as const).map((k) => (
          <label key={k} class={kind === k ? 'on' : ''}>
            <input type="radio" name="kind" value={k} checked={kind === k} onChange={() => setKind(k)} /> {k === 'text' ? 'Text' : 'Media'}
          </label>
        ))}
      </div>
      {kind === 'media' && (
        <div class="row">
          <Select label="Media type" value={mediatype} onChange={(v) => setMediatype(v as MediaType)} options={['image', 'document', 'audio', 'video']} />
          <Select label="Source" value={source} onChange={(v) => setSource(v as 'url' | 'file')} options={[{ value: 'url', label: 'A URL' }, { value: 'file', label: 'Upload a file (≤ 10 MB)' }]} />
          {source === 'url' ? (
            <Field label="Media URL" type="url" required placeholder="https://example.com/photo.jpg" value={url} onInput={setUrl} />
          ) : (
            <div class="field">
              <label for="media-file">File</label>
              <input id="media-file" type="file" required accept="image/*,audio/*,video/*,.pdf,.doc,.docx,.xls,.xlsx" onChange={(e) => setFile(e.currentTarget.files?.[0] ?? null)} />
            </div>
          )}
          <Field label="File name (optional)" value={fileName} onInput={setFileName} />
        </div>
      )}
      <MessageEditor label={kind === 'text' ? 'Message' : 'Caption (optional)'} name="text" required={kind === 'text'} templates value={text} onInput={setText} />
      <PlaceholderFields text={text} values={vars} onChange={setVars} />
      <div>
        <Submit busy={busy} blocked={blocked} testid="send-single">
          Send
        </Submit>
      </div>
    </form>
  )
}

export function MessagesScreen(_: ScreenProps) {
  const [tab, setTab] = useState<'single' | 'bulk'>('single')
  return (
    <section>
      <PageHead title="Messages" sub="WhatsApp formatting: *bold*, _italic_, ~strike~, ```mono```." />
      <div class="tabs" role="tablist">
        <button type="button" role="tab" aria-selected={tab === 'single'} class={tab === 'single' ? 'tab on' : 'tab'} onClick={() => setTab('single')}>
          Single send
        </button>
        <button type="button" role="tab" aria-selected={tab === 'bulk'} class={tab === 'bulk' ? 'tab on' : 'tab'} onClick={() => setTab('bulk')} data-testid="tab-bulk">
          Bulk send
        </button>
      </div>
      {tab === 'single' ? <SingleSend /> : <BulkSend />}
    </section>
  )
}
