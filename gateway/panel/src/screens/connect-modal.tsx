/**
 * Connect an instance. WhatsApp Web: a "QR code" tab (the image follows the upstream's rotation: pushed
 * `instance.qrcode` events, or while the stream is down a re-read every poll) and a "Phone number" tab
 * that asks for a pairing code (`?number=`); asking for one while a QR attempt runs ends that attempt and
 * starts one with the number. Cloud API: no QR; connect checks the token and shows the state. The state
 * is the shared instance model's (lib/instance-state: the cards and pickers show the same), and the
 * window ends with "Linked as +<number>" once the instance is open.
 */
import { useEffect, useRef, useState } from 'preact/hooks'
import { instancesApi, type ConnectResult } from '../api/instances.js'
import { Field } from '../components/fields.js'
import { Modal } from '../components/modal.js'
import { toast } from '../components/toast.js'
import { disconnectReason, type DisconnectReason } from '../lib/disconnect-reasons.js'
import { applyInstanceState, useInstance, useInstanceQr } from '../lib/instance-state.js'
import { CLOUD_API, PAIRING_NUMBER_PATTERN } from '../lib/instance-rules.js'
import { liveStatus } from '../lib/live-events.js'
import { useInterval } from '../lib/use-load.js'

export type ConnectTab = 'qr' | 'pairing'
export type ConnectTarget = { name: string; integration: string; tab: ConnectTab }

const POLL_MS = 3000
const MAX_POLLS = 60

export function ConnectModal(props: ConnectTarget & { onClose: () => void; onConnected: () => void }) {
  const cloud = props.integration === CLOUD_API
  const inst = useInstance(props.name)
  const [tab, setTab] = useState<ConnectTab>(props.tab)
  const [data, setData] = useState<ConnectResult | null>(null)
  const [asked, setAsked] = useState<'qr' | 'pairing' | null>(null)
  const [number, setNumber] = useState('')
  const [reason, setReason] = useState<DisconnectReason | null>(null)
  const [polls, setPolls] = useState(0)
  // Set once the attempt is over (state close): polling stops until the user asks again.
  const [stopped, setStopped] = useState(false)
  const closed = useRef(false)
  useEffect(() => () => void (closed.current = true), [])
  const state = inst?.state ?? 'close'
  const open = state === 'open'
  const setState = (s: string) => applyInstanceState(props.name, { state: s })

  const load = async (withNumber?: string) => {
    setData(null)
    setReason(null)
    setStopped(false)
    setAsked(withNumber ? 'pairing' : 'qr')
    try {
      // WhatsApp gives a pairing code only to an attempt that starts with the number: end a running QR attempt first.
      if (withNumber && !cloud && state === 'connecting') await instancesApi.logout(props.name).catch(() => undefined)
      const r = await instancesApi.connect(props.name, withNumber)
      if (closed.current) return
      setData(r)
      setState(r.instance?.state ?? (r.base64 || r.pairingCode ? 'connecting' : 'close'))
      setPolls(0)
    } catch (e) {
      toast.err(e)
      setData({})
    }
  }
  // The QR tab (and the Cloud API check) starts at once; the phone-number tab waits for the number,
  // because WhatsApp gives a pairing code only to an attempt that starts with it.
  useEffect(() => {
    if (cloud || tab === 'qr') void load()
  }, [])

  // Linked: tell the screen once (it reloads what depends on it).
  const told = useRef(false)
  useEffect(() => {
    if (!open || told.current || asked === null) return
    told.current = true
    toast.ok(`${props.name} connected`)
    props.onConnected()
  }, [open, asked])

  // A pushed code (rotation, or the pairing code of the attempt) replaces the one shown.
  useInstanceQr(props.name, (e) => {
    if (closed.current || (!e.base64 && !e.pairingCode)) return
    setData((d) => ({ ...d, base64: e.base64 ?? d?.base64, pairingCode: e.pairingCode ?? d?.pairingCode ?? null, count: e.count ?? d?.count }))
  })

  useInterval(
    async () => {
      setPolls((p) => p + 1)
      try {
        const live = liveStatus() === 'live'
        // While the stream is live the state and codes are pushed; poll only when it is not.
        const s = live ? state : ((await instancesApi.state(props.name)).instance?.state ?? 'close')
        if (closed.current) return
        if (!live) setState(s)
        if (s === 'connecting' && !cloud && !live) {
          // Pick up a rotated QR: connect answers the current one while an attempt runs.
          const q = await instancesApi.connect(props.name)
          if (!closed.current && q.code && q.code !== data?.code) setData((d) => ({ ...d, ...q, pairingCode: q.pairingCode ?? d?.pairingCode ?? null }))
        } else if (s !== 'connecting' && s !== 'open') {
          setStopped(true)
          const row = await instancesApi.get(props.name)
          if (!closed.current) setReason(disconnectReason(row?.disconnectCode, props.integration))
        }
      } catch {
        /* keep polling */
      }
    },
    POLL_MS,
    asked !== null && data !== null && !open && !stopped && polls < MAX_POLLS,
  )

  const body = () => {
    if (open)
      return (
        <div class="connect-ok" data-testid="connected" role="status">
          <p>
            ✓ Linked as <strong data-testid="linked-as">{inst?.phone ? `+${inst.phone}` : props.name}</strong>
            {inst?.profileName ? ` (${inst.profileName})` : ''}
          </p>
          <button type="button" class="btn btn-primary btn-sm" onClick={props.onClose}>
            Done
          </button>
        </div>
      )
    if (cloud) return <CloudBody data={data} state={state} onRetry={() => void load()} />
    return (
      <>
        <div class="tabs" role="tablist">
          <button type="button" role="tab" aria-selected={tab === 'qr'} class={tab === 'qr' ? 'tab on' : 'tab'} data-testid="tab-qr" onClick={showQr}>
            QR code
          </button>
          <button type="button" role="tab" aria-selected={tab === 'pairing'} class={tab === 'pairing' ? 'tab on' : 'tab'} data-testid="tab-pairing" onClick={() => setTab('pairing')}>
            Phone number (pairing code)
          </button>
        </div>
        {tab === 'qr' ? (
          <QrBody data={asked === 'qr' || data?.base64 ? data : null} asked={asked !== null} onNew={() => void load()} />
        ) : (
          <PairingBody data={asked === 'pairing' ? data : null} number={number} setNumber={setNumber} onAsk={() => void load(number.replace(/\D/g, ''))} />
        )}
      </>
    )
  }
  const showQr = () => {
    setTab('qr')
    if (asked !== 'qr' || state !== 'connecting') void load()
  }

  return (
    <Modal title={`Connect ${props.name}`} onClose={props.onClose}>
      <div class="connect" data-testid="connect-modal">
        {body()}
        {!open && reason && state !== 'connecting' && (
          <p class={`reason reason-${reason.tone}`} data-testid="connect-reason">
            {reason.words}
          </p>
        )}
        {!open && (
          <p class="muted small">
            State: <strong data-testid="connect-state">{state}</strong>
            {polls >= MAX_POLLS && ' — stopped waiting; reopen to try again.'}
          </p>
        )}
      </div>
    </Modal>
  )
}

function QrBody(props: { data: ConnectResult | null; asked: boolean; onNew: () => void }) {
  const { data } = props
  if (!props.asked || data === null) return <p class="muted">Asking WhatsApp for a QR code…</p>
  return (
    <>
      {data.base64 ? (
        <img class="qr" src={data.base64} alt="QR code to link this instance" width={240} height={240} data-testid="qr" data-count={data.count ?? 0} />
      ) : (
        <p class="muted">No QR code right now (the attempt may have ended). Ask for a new one.</p>
      )}
      <p class="muted small">
        On the phone: WhatsApp → Settings → Linked devices → Link a device, and scan the code. It changes every 20 to 60 seconds; this
        window follows it{data.count ? ` (code ${data.count})` : ''}.
      </p>
      <button type="button" class="btn btn-sm" onClick={props.onNew}>
        New QR code
      </button>
    </>
  )
}

function PairingBody(props: { data: ConnectResult | null; number: string; setNumber: (v: string) => void; onAsk: () => void }) {
  const code = props.data?.pairingCode
  return (
    <>
      <form
        class="inline-form"
        data-testid="pairing-form"
        onSubmit={(e) => {
          e.preventDefault()
          props.onAsk()
        }}
      >
        <Field label="Phone number (with country code, digits only)" name="pairingNumber" inputMode="tel" required pattern={PAIRING_NUMBER_PATTERN} placeholder="595981123456" value={props.number} onInput={props.setNumber} />
        <button type="submit" class="btn btn-primary" data-testid="get-pairing-code">
          Get pairing code
        </button>
      </form>
      {code ? (
        <p class="pairing">
          Pairing code: <strong data-testid="pairing-code">{code}</strong>
        </p>
      ) : (
        props.data && (
          <p class="muted small" data-testid="pairing-none">
            No pairing code came back for this attempt. Check the number and ask again.
          </p>
        )
      )}
      <p class="muted small">
        Asking for a code ends a QR attempt that is running. On the phone: Linked devices → Link a device → Link with phone number instead, and type the code.
      </p>
    </>
  )
}

function CloudBody(props: { data: ConnectResult | null; state: string; onRetry: () => void }) {
  if (props.data === null) return <p class="muted">Checking the token and phone number id with Meta…</p>
  return (
    <>
      <p>WhatsApp Cloud API instances have no QR code: they are connected as soon as Meta accepts the token and phone number id.</p>
      {props.state !== 'open' && (
        <p class="muted small">Not connected yet. If the token expired, replace it on the instance screen.</p>
      )}
      <button type="button" class="btn btn-sm" onClick={props.onRetry}>
        Check again
      </button>
    </>
  )
}
