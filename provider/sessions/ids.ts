/** Trimmed, non-empty, first-seen-order ids (the module and the CLI accept ids as typed or pasted). */
export function normalizeIds(ids: readonly string[]): string[] {
  return [...new Set(ids.map((i) => i.trim()).filter((i) => i !== ""))];
}
