// Its own module, free of zod, so that the public session API declarations compile in user projects
// (a zod import in a .d.ts breaks projects without esModuleInterop and skipLibCheck).

/** How to reach one SPS appliance, after merging resource input, stack config and environment. */
export interface SpsConnection {
  /** `https://sps.example.com` (the REST API lives under `/api`). */
  url: string;
  username: string;
  password: string;
  /** PEM text or a path to a PEM file with the SPS CA certificate. */
  caCertificates?: string;
  /** Explicit opt-in to skip TLS verification (tests and labs only). */
  insecureSkipVerify?: boolean;
  /** Explicit opt-in to plain `http://` (tests and labs only; credentials cross the network unencrypted). */
  allowHttp?: boolean;
}
