/** Connect an instance: shows the QR (or a pairing code for a phone number) and polls the state every 3 s. */
import { useEffect, useRef, useState } from 'preact/hooks'
import { instancesApi, type ConnectResult } from '../api/instances.js'
import { Field } from '../components/fields.js'
import { Modal } from '../components/modal.js'
import { toast } from '../components/toast.js'
import { useInterval } from '../lib/use-load.js'

export function ConnectModal(props: { name: string; onClose: () => void; onConnected: () => void }) {
  const [data, setData] = useState<ConnectResult | null>(null)
  const [number, setNumber] = useState('')
  const [state, setState] = useState('connecting')
  const [polls, setPolls] = useState(0)
  const closed = useRef(false)

  const load = async (withNumber?: string) => {
    setData(null)
    try {
      setData(await instancesApi.connect(props.name, withNumber))
      setPolls(0)
    } catch (e) {
      toast.err(e)
      setData({})
    }
  }
  useEffect(() => {
    void load()
    return () => void (closed.current = true)
  }, [])

  const open = state === 'open' || data?.instance?.state === 'open'
  useInterval(
    async () => {
      setPolls((p) => p + 1)
      try {
        const r = await instancesApi.state(props.name)
        if (closed.current) return
        const s = r.instance?.state ?? 'close'
        setState(s)
        if (s === 'open') {
          toast.ok(`${props.name} connected`)
          props.onConnected()
          setTimeout(() => !closed.current && props.onClose(), 2000)
        }
      } catch {
        /* keep polling */
      }
    },
    3000,
    !open && polls < 60,
  )

  const pairing = data?.pairingCode
  return (
    <Modal title={`Connect ${props.name}`} onClose={props.onClose}>
      <div class="connect" data-testid="connect-modal">
        {open ? (
          <p class="connect-ok" data-testid="connected">
            ✓ Connected
          </p>
        ) : data === null ? (
          <p class="muted">Asking WhatsApp for a QR code…</p>
        ) : (
          <>
            {data.base64 && <img class="qr" src={data.base64} alt={`QR code to link ${props.name}`} width={240} height={240} data-testid="qr" />}
            {pairing && (
              <p class="pairing">
                Pairing code: <strong data-testid="pairing-code">{pairing}</strong>
              </p>
            )}
            {!data.base64 && !pairing && <p class="muted">No QR code was returned. Try again in a moment.</p>}
            <p class="muted small">
              Open WhatsApp on your phone → Linked devices → Link a device, and scan the code. The QR expires in about 40 seconds.
            </p>
            <p class="muted small">
              State: <strong data-testid="connect-state">{state}</strong>
              {polls >= 60 && ' — stopped waiting; reopen to try again.'}
            </p>
            <form
              class="inline-form"
              onSubmit={(e) => {
                e.preventDefault()
                void load(number.replace(/\D/g, ''))
              }}
            >
              <Field label="Or link with a phone number (pairing code)" inputMode="tel" placeholder="595981123456" value={number} onInput={setNumber} />
              <button type="submit" class="btn">
                Get pairing code
              </button>
            </form>
            <button type="button" class="btn btn-sm" onClick={() => void load()}>
              New QR code
            </button>
          </>
        )}
      </div>
    </Modal>
  )
}
