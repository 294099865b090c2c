import type { OperationResult, Step } from "./types";

const SYMBOL: Record<Step["op"], string> = { create: "+", update: "~", replace: "+-", delete: "-", same: " ", refresh: "~", gone: "-", read: ">", discard: "-" };
const PAST: Record<Step["op"], string> = { create: "created", update: "updated", replace: "replaced", delete: "deleted", same: "unchanged", refresh: "drifted", gone: "deleted (gone)", read: "read", discard: "discarded" };
const FUTURE: Record<Step["op"], string> = { create: "create", update: "update", replace: "replace", delete: "delete", same: "unchanged", refresh: "drift", gone: "delete (gone)", read: "read", discard: "discard" };

/** Renders an operation like the Pulumi CLI's step list and resource summary. */
export function formatResult(r: OperationResult, stack: string): string {
  const title = { preview: "Previewing update", up: "Updating", refresh: "Refreshing", destroy: "Destroying" }[r.kind];
  const words = r.kind === "preview" ? FUTURE : PAST;
  const lines = [`${title} (${stack}):`];
  const shown = r.steps.filter((s) => s.op !== "same");
  const width = Math.max(4, ...shown.map((s) => s.type.length));
  for (const s of shown) {
    const diff = s.keys?.length ? ` [diff: ${s.keys.map((k) => `~${k}`).join(", ")}]` : "";
    lines.push(` ${SYMBOL[s.op].padEnd(2)} ${s.type.padEnd(width)}  ${s.name}  ${words[s.op]}${diff}`);
  }
  for (const f of r.failures) lines.push(` ** ${f.type.padEnd(width)}  ${f.name}  failed: ${f.message}`);
  const count = (op: Step["op"]) => r.steps.filter((s) => s.op === op).length;
  lines.push("Resources:");
  for (const op of ["create", "update", "replace", "delete", "refresh", "gone", "read", "discard"] as const) {
    if (count(op)) lines.push(`    ${SYMBOL[op]} ${count(op)} ${words[op]}`);
  }
  if (count("same")) lines.push(`    ${count("same")} unchanged`);
  if (!r.ok) lines.push(`    ${r.failures.length} failed`);
  return lines.join("\n");
}
