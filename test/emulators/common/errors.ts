/**
 * Thrown by emulator handlers; the server writes `body` (JSON unless `contentType` says otherwise)
 * with `status`. Keeping vendor error bodies in one type keeps the text vendor-exact in one place.
 */
export class EmulatorError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Record<string, string> = {},
    readonly contentType = "application/json",
  ) {
    super(`emulator error ${status}`);
  }
}
