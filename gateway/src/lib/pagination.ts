/**
 * @module lib/pagination
 * The reference's page/limit convention with the fix of R2 (docs/decisions.md#r2): values are clamped
 * (page >= 1, 1 <= limit <= 100) instead of producing SQL errors. Page is also capped (MAX_PAGE): a
 * page of 10^20 made an OFFSET PostgreSQL could not read ("2e+21") and answered 500.
 */
export type Page = { page: number; limit: number; offset: number }

/** Far past any real list, and page * limit stays an exact integer. */
export const MAX_PAGE = 2_147_483_647

export function parsePage(query: { page?: string | undefined; limit?: string | undefined }, defaultLimit = 50): Page {
  const rawPage = Number.parseInt(query.page ?? '', 10)
  const rawLimit = Number.parseInt(query.limit ?? '', 10)
  const page = Number.isFinite(rawPage) && rawPage >= 1 ? Math.min(rawPage, MAX_PAGE) : 1
  const limit = Number.isFinite(rawLimit) ? Math.min(100, Math.max(1, rawLimit)) : defaultLimit
  return { page, limit, offset: (page - 1) * limit }
}

/** The envelope `{<key>: items, total, page, limit, pages}`; pages = ceil(total/limit), 0 when empty. */
export function pageEnvelope<K extends string, T>(key: K, items: T[], total: number, p: Page) {
  return { [key]: items, total, page: p.page, limit: p.limit, pages: Math.ceil(total / p.limit) } as
    { [P in K]: T[] } & { total: number; page: number; limit: number; pages: number }
}
