/**
 * @module upstream/services/placement/placement-types
 * What a placement coordinator is configured with, and what one pass of it saw.
 */
import type { PlacementInstance, ReplicaRow } from '../../db/placement.js'

export type PlacementOptions = {
  nodeId: string
  url: string
  leaseTtlMs: number
  intervalMs: number
  handoverWaitMs: number
}

export type PlacementSnapshot = {
  replicas: ReplicaRow[]
  instances: PlacementInstance[]
  /** name -> node id */
  assignment: Map<string, string>
  /** Live, not draining. */
  nodes: string[]
}
