/**
 * @module upstream/driver/sandbox-labels
 * The sandbox's labels: WhatsApp Business' five predefined ones, as a new business account has them
 * (ids 1..5, WhatsApp's colour indexes). Reported on every open, as Baileys' app-state sync reports the
 * phone's labels; the store announces them (labels.edit) only the first time.
 */
import type { LabelInfo } from './types.js'

export const SANDBOX_LABELS: readonly LabelInfo[] = [
  { id: '1', name: 'New customer', color: 1, predefinedId: '1' },
  { id: '2', name: 'New order', color: 2, predefinedId: '2' },
  { id: '3', name: 'Pending payment', color: 3, predefinedId: '3' },
  { id: '4', name: 'Paid', color: 4, predefinedId: '4' },
  { id: '5', name: 'Order complete', color: 5, predefinedId: '5' },
]
