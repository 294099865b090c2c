/**
 * Version/locale profiles of the senhasegura PAM Core A2A API and the common response envelope.
 * Facts: [DOC] the vendor pages per version (envelope of "Default request usage"; Portuguese keys on the v3.32
 * list page; success texts on the drop pages; see README "Sources and tags").
 */

/** Which documented release the emulator answers like. */
export type SenhaseguraProfile = "v3.32" | "v3.33" | "latest";

/** Per-profile differences in the envelope and the session records. */
export interface ProfileTraits {
  /** Top-level `code` (absent in v3.32 samples). */
  code: boolean;
  /** Top-level `tenant`, or undefined when absent. */
  tenant?: string;
  /** Session keys for credential/device: Portuguese in v3.32 samples. */
  credentialKey: "credential" | "credencial";
  deviceKey: "device" | "dispositivo";
  /** Localized `prevent_purge` "no". */
  no: string;
  /** Drop success texts (English `message`, Portuguese `mensagem`). */
  dropOk: { message: string; mensagem: string };
  /**
   * Key holding the single session of get-by-id: the v3.32 EN page shows `remote_sessions`, the
   * v3.32 PT page, v3.33 and v4 show `remote_session` [DOC] (the get-one pages).
   * Choice: v3.32 uses the EN page's plural so that clients must accept both keys.
   */
  getKey: "remote_session" | "remote_sessions";
}

const PT_DROP_OK = "Sessão interrompida com sucesso";

/** [DOC] envelope, list and drop pages of each version. */
export const PROFILES: Record<SenhaseguraProfile, ProfileTraits> = {
  "v3.32": {
    code: false,
    credentialKey: "credencial",
    deviceKey: "dispositivo",
    no: "Não",
    dropOk: { message: PT_DROP_OK, mensagem: PT_DROP_OK },
    getKey: "remote_sessions",
  },
  "v3.33": {
    code: true,
    tenant: "senhasegura",
    credentialKey: "credential",
    deviceKey: "device",
    no: "No",
    dropOk: { message: PT_DROP_OK, mensagem: PT_DROP_OK },
    getKey: "remote_session",
  },
  latest: {
    code: true,
    tenant: "Segura",
    credentialKey: "credential",
    deviceKey: "device",
    no: "No",
    dropOk: { message: "Session dropped successfully", mensagem: "Sessão encerrada com sucesso" },
    getKey: "remote_session",
  },
};

/** Exact vendor texts [DOC] get-one and drop pages (typo "droping" is the vendor's). */
export const TEXT = {
  dropFailed: "An error occurred while droping session",
  unexpected: "Unexpected error.",
  notAuthorized: "You are not authorized to access this resource",
  resourceNotFound: "Resource sub not found",
  clientAuthFailed: "Client authentication failed",
  sessionNotFound: "1002: Session not found",
  unexpectedIdType: "1003: Unexpected identifier type",
  /** Kong's default text; the docs capitalise it "No route matched…" [DOC] drop pages (the 404 of the API gateway, Kong). */
  noRoute: "no Route matched with those values",
  /**
   * No list success text is documented. Choice: a neutral bilingual pair.
   */
  listOk: { message: "Success", mensagem: "Sucesso" },
} as const;

/** Optional parts of an error envelope. */
export interface EnvelopeExtra {
  exception?: { code: number; message: string; detail: string | null };
}

/**
 * Builds `{code?, response, tenant?, exception?}` with the English/Portuguese twins
 * (`message`/`mensagem`, `error`/`erro`, `error_code`/`cod_erro`) [DOC] "Default request usage".
 */
export function envelope(
  traits: ProfileTraits,
  status: number,
  text: { message: string; mensagem?: string },
  extra: EnvelopeExtra = {},
): Record<string, unknown> {
  const error = status >= 400;
  const out: Record<string, unknown> = {};
  if (traits.code) out.code = status;
  out.response = {
    status,
    message: text.message,
    error,
    error_code: error ? 1 : 0,
    detail: "",
    mensagem: text.mensagem ?? text.message,
    erro: error,
    cod_erro: error ? 1 : 0,
  };
  if (traits.tenant !== undefined) out.tenant = traits.tenant;
  if (extra.exception) out.exception = extra.exception;
  return out;
}
