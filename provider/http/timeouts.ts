// Its own module so that public declarations (senhasegura and session connections) need no zod or undici types.
/** Per-phase timeouts in ms. */
export interface TimeoutOptions {
  /** TCP + TLS connect (default 10000). */
  connectMs?: number;
  /** From sending to the response headers (default 30000). */
  headersMs?: number;
  /** Longest pause between body chunks (default 60000; undici's body timeout is an idle timeout). */
  bodyMs?: number;
}
