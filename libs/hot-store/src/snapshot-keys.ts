/**
 * Keys of the config snapshot. Only the hot-store adapters touch them (through putSnapshot /
 * getSnapshot), so they live here rather than in `@relay/core` hotKeys. They share the `{cfg}`
 * hash tag because one script writes them together.
 */
export const snapshotKeys = {
  /** Version allocator: INCR gives each new snapshot its number. */
  sequence: '{cfg}:snapshot:seq',
  /** The JSON of the newest stored snapshot. */
  json: '{cfg}:snapshot:json',
  /** The version of the snapshot stored under `json`. */
  version: '{cfg}:snapshot:version',
} as const;
