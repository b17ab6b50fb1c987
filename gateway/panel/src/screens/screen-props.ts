/**
 * What every screen receives from the shell. Its own module because routes.ts imports every screen:
 * were the type there, each screen would import routes.ts back and close a cycle.
 */
import type { SessionUser } from '../api/client.js'

export type ScreenProps = { params: Record<string, string>; user: SessionUser }
