import * as crypto from "crypto";
import * as pulumi from "@pulumi/pulumi";

/** The engine's unknown sentinel (only sent to check and diff, during preview). */
export const UNKNOWN: string = pulumi.runtime.unknownValue;
const SIG: string = pulumi.runtime.specialSigKey;
const SECRET_SIG: string = pulumi.runtime.specialSecretSig;

export interface SecretWrapper { [k: string]: unknown; value: unknown }
/** A reference to another resource's output: resolving it makes that resource a dependency. */
export interface OutputRef { __ref: { name: string; key: string } }

/** Marks a value secret, as the engine's wire format does. */
export const secret = (value: unknown): SecretWrapper => ({ [SIG]: SECRET_SIG, value });
export const isSecret = (v: unknown): v is SecretWrapper =>
  !!v && typeof v === "object" && (v as Record<string, unknown>)[SIG] === SECRET_SIG;
/** `ref("alice", "id")`: the output `id` of resource `alice` (dependency edge). */
export const ref = (name: string, key = "id"): OutputRef => ({ __ref: { name, key } });
export const isRef = (v: unknown): v is OutputRef => !!v && typeof v === "object" && "__ref" in (v as object);

/** Deep-unwraps secret markers (the engine strips them before calling a host that does not accept secrets). */
export function unwrapSecrets(v: unknown): unknown {
  if (isSecret(v)) return unwrapSecrets(v.value);
  if (Array.isArray(v)) return v.map(unwrapSecrets);
  if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, unwrapSecrets(x)]));
  return v;
}

/** True when `v` holds a secret marker anywhere. */
export function containsSecret(v: unknown): boolean {
  if (isSecret(v)) return true;
  if (Array.isArray(v)) return v.some(containsSecret);
  if (v && typeof v === "object") return Object.values(v).some(containsSecret);
  return false;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === "object" && !Array.isArray(v) && !isSecret(v);

/**
 * Copies secretness from `ins` onto `outs`, as the engine does with what a provider that does not accept
 * secrets returns (pkg/resource/plugin/provider_plugin.go annotateSecrets): where both values are objects
 * it recurses; otherwise an `outs` value whose `ins` counterpart contains a secret becomes secret whole.
 * Keys only `outs` has (computed by the provider) stay as they are.
 */
export function annotateSecrets(outs: Record<string, unknown>, ins: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(outs).map(([k, out]) => {
      if (!(k in ins) || isSecret(out)) return [k, out];
      const inV = ins[k];
      if (isPlainObject(out) && isPlainObject(inV)) return [k, annotateSecrets(out, inV)];
      return [k, containsSecret(inV) ? secret(out) : out];
    }),
  );
}

/** Marks outputs secret by the names of secret inputs and `additionalSecretOutputs` (engine `annotateSecrets`). */
export function markSecrets(outputs: Record<string, unknown>, secretKeys: Set<string>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(outputs).map(([k, v]) => [k, secretKeys.has(k) && !isSecret(v) ? secret(v) : v]));
}

/** The top-level input keys holding a secret, plus `additionalSecretOutputs`. */
export function secretKeysOf(inputs: Record<string, unknown>, additional: string[]): Set<string> {
  return new Set([...Object.keys(inputs).filter((k) => containsSecret(inputs[k])), ...additional]);
}

/** Drops `undefined` (Struct.fromJavaScript rejects it). */
export const stripUndefined = <T>(v: T): T => JSON.parse(JSON.stringify(v ?? null));

/**
 * Encrypts secret values for the state file (AES-256-GCM, key kept beside the state), the way Pulumi
 * stores ciphertext rather than plaintext secrets. The key file stands in for a passphrase provider.
 */
export class StateCipher {
  constructor(private readonly key: Buffer) {}
  static generate(): StateCipher {
    return new StateCipher(crypto.randomBytes(32));
  }
  exportKey(): string {
    return this.key.toString("base64");
  }
  static fromKey(b64: string): StateCipher {
    return new StateCipher(Buffer.from(b64, "base64"));
  }
  encrypt(value: unknown): { ciphertext: string } {
    const iv = crypto.randomBytes(12);
    const c = crypto.createCipheriv("aes-256-gcm", this.key, iv);
    const data = Buffer.concat([c.update(JSON.stringify(value), "utf8"), c.final()]);
    return { ciphertext: Buffer.concat([iv, c.getAuthTag(), data]).toString("base64") };
  }
  decrypt(ct: { ciphertext: string }): unknown {
    const buf = Buffer.from(ct.ciphertext, "base64");
    const d = crypto.createDecipheriv("aes-256-gcm", this.key, buf.subarray(0, 12));
    d.setAuthTag(buf.subarray(12, 28));
    return JSON.parse(Buffer.concat([d.update(buf.subarray(28)), d.final()]).toString("utf8"));
  }
  /** Replaces secret wrappers with `{secure: ciphertext}` objects, recursively. */
  seal(v: unknown): unknown {
    if (isSecret(v)) return { [SIG]: SECRET_SIG, secure: this.encrypt(unwrapSecrets(v.value)).ciphertext };
    if (Array.isArray(v)) return v.map((x) => this.seal(x));
    if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, this.seal(x)]));
    return v;
  }
  /** Inverse of `seal`. */
  open(v: unknown): unknown {
    if (v && typeof v === "object" && (v as Record<string, unknown>)[SIG] === SECRET_SIG && "secure" in (v as object)) {
      return secret(this.decrypt({ ciphertext: (v as { secure: string }).secure }));
    }
    if (Array.isArray(v)) return v.map((x) => this.open(x));
    if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, this.open(x)]));
    return v;
  }
}
