import { z } from "zod";
import { createSessionTarget, loadTargetConnection, supports, type SessionAction, type SessionResult, type SessionTarget, type SessionTargetName } from "pulumi-pam/sessions";

/** The alert payload this script accepts (what a SIEM webhook rule is set up to send). */
export const alertSchema = z.object({
  rule: z.string().min(1),
  severity: z.enum(["low", "medium", "high", "critical"]),
  /** Which appliance recorded the session. */
  vendor: z.enum(["sps", "cyberark", "senhasegura"]),
  /** The vendor's session id (SPS `svc/...` id, PVWA live session id, senhasegura session id). */
  sessionId: z.string().min(1),
  user: z.string().optional(),
  target: z.string().optional(),
});
/** A validated alert. */
export type Alert = z.infer<typeof alertSchema>;

/** Parses an alert payload; errors name the field. */
export function parseAlert(raw: unknown): Alert {
  const r = alertSchema.safeParse(raw);
  if (!r.success) throw new Error(`invalid alert: ${r.error.issues.map((i) => `${i.path.join(".") || "(payload)"}: ${i.message}`).join("; ")}`);
  return r.data;
}

/**
 * The response policy. Choice: `critical` terminates; `high` suspends where the vendor can (CyberArk PSM),
 * so an analyst can look and resume, and terminates elsewhere (SPS and senhasegura have no suspend);
 * `low`/`medium` only notify (no action).
 */
export function decideAction(alert: Alert): SessionAction | undefined {
  if (alert.severity === "critical") return "terminate";
  if (alert.severity === "high") return supports(alert.vendor, "suspend") ? "suspend" : "terminate";
  return undefined;
}

/** What the script did about one alert. */
export interface AlertResponse {
  alert: Alert;
  action: SessionAction | "none";
  result?: SessionResult;
}

/**
 * Acts on one alert. `connect` opens the vendor's session target (default: connection from the vendor's
 * environment variables, e.g. CYBERARK_URL/USERNAME/PASSWORD); the target is always closed (logoff).
 */
export async function respondToAlert(
  alert: Alert,
  connect: (vendor: SessionTargetName) => SessionTarget = (v) => createSessionTarget(v, loadTargetConnection(v)),
): Promise<AlertResponse> {
  const action = decideAction(alert);
  if (!action) return { alert, action: "none" };
  const target = connect(alert.vendor);
  try {
    const [result] = await target.run(action, [alert.sessionId]);
    return { alert, action, result };
  } finally {
    await target.close();
  }
}
