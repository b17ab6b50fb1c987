/** Display helpers. */
export function fmtDate(s: string | null | undefined): string {
  if (!s) return '-'
  const d = new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(s) || !s.includes(':') ? s : `${s.replace(' ', 'T')}Z`)
  if (Number.isNaN(d.getTime())) return s
  return d.toLocaleString('en', { day: '2-digit', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' })
}

export function fmtBytes(n: number | string): string {
  const v = typeof n === 'string' ? Number(n) : n
  if (!Number.isFinite(v)) return String(n)
  if (v < 1024) return `${v} B`
  if (v < 1024 * 1024) return `${(v / 1024).toFixed(1)} KiB`
  return `${(v / 1024 / 1024).toFixed(1)} MiB`
}

export function fmtDuration(sec: number): string {
  const d = Math.floor(sec / 86400)
  const h = Math.floor((sec % 86400) / 3600)
  const m = Math.floor((sec % 3600) / 60)
  return d ? `${d}d ${h}h` : h ? `${h}h ${m}m` : `${m}m ${Math.floor(sec % 60)}s`
}

/** Numbers from free text: one per line, comma or semicolon; spaces, dashes, brackets and a leading + dropped. */
export function parseNumbers(text: string): string[] {
  const seen = new Set<string>()
  for (const part of text.split(/[\n,;]+/)) {
    const n = part.replace(/[\s\-().+]/g, '')
    if (n) seen.add(n)
  }
  return [...seen]
}

export function chunk<T>(arr: T[], size: number): T[][] {
  const out: T[][] = []
  for (let i = 0; i < arr.length; i += size) out.push(arr.slice(i, i + size))
  return out
}

/** A <input type=datetime-local> value for now + minutes, local time. */
export function localInputValue(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`
}

export function readFileAsDataUrl(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const r = new FileReader()
    r.onload = () => resolve(String(r.result))
    r.onerror = () => reject(new Error('Could not read the file'))
    r.readAsDataURL(file)
  })
}

export function readFileAsText(file: File): Promise<string> {
  return file.text()
}
