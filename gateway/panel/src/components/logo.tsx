/** The brand mark: a speech bubble in SVG (no image file, nothing external). */
export function Logo(props: { size?: number }) {
  const s = props.size ?? 32
  return (
    <svg width={s} height={s} viewBox="0 0 48 48" aria-hidden="true" class="logo">
      <rect width="48" height="48" rx="12" class="logo-bg" />
      <path d="M24 11c-7.7 0-14 5.6-14 12.5 0 3.6 1.7 6.8 4.5 9.1L13 38l6.3-3c1.5.4 3 .6 4.7.6 7.7 0 14-5.6 14-12.5S31.7 11 24 11z" class="logo-fg" />
      <path d="M18 22h12M18 27h8" class="logo-lines" stroke-width="2.5" stroke-linecap="round" />
    </svg>
  )
}
