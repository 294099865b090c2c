/**
 * Implementation of `PsmSuspendPermission` (loaded by the provider shim at call time): who may suspend
 * and resume (or terminate) PSM live sessions. The resource manages what REST can manage, the exact
 * membership of one Vault group, and records the Options steps REST cannot perform as acknowledged
 * inputs (PVWA has no public REST API for those Options). See docs/cyberark-psm-suspend-permission.md.
 */
import type * as pulumi from "@pulumi/pulumi";
import { adoptionRefusal, unlistedMembers } from "../dynamic/adoption";
import { applianceChanged, checkInputs, hasUnknown, inputsHaveUnknown, jsonSafe, sameJson } from "../dynamic/inputs";
import type { CyberArkClient } from "./client";
import type { CyberArkConnection } from "./connection";
import { CyberArkPermissionRefusedError } from "./psm-permission-ops";
import { deleteGroup } from "./groups";
import {
  ensureGroup,
  memberNames,
  readGroup,
  memberKey,
  reconcileMembers,
  releaseMembers,
  sameMembers,
  verifyRight,
} from "./psm-permission-ops";
import {
  manualSteps,
  psmPermissionInputsSchema,
  type PsmMember,
  type PsmPermissionInputs,
  type PsmPermissionOutputs,
  type PsmVerification,
} from "./psm-permission-schema";
import { configureCyberArk, connectionFor, effectiveCyberArkUrl, withPvwa, type CyberArkProviderContext } from "./context";
import { withStoredCyberArkConnection } from "./stored-connection";
import { nfcInputs } from "../validation/names";

export const configure = configureCyberArk;

type Ctx = CyberArkProviderContext;

/**
 * Schema check, then the acknowledgements: every manual Options step of the chosen right must be
 * acknowledged with `true`, and the failure names the exact Options path ([DOC] D-SUS "Configuration").
 */
export async function check(_olds: unknown, news: Record<string, unknown>): Promise<pulumi.dynamic.CheckResult> {
  // NFC first: one form of each name in state and in PVWA; NFC/NFD twins count as the same member.
  news = nfcInputs(news, ["groupName", "members"]);
  const base = checkInputs(psmPermissionInputsSchema(), news);
  const failures = [...(base.failures ?? [])];
  const ack = news.acknowledgeManualOptions;
  const right = news.right === "terminate" ? "terminate" : "suspend";
  if (!hasUnknown(ack) && !hasUnknown(news.right)) {
    const given = (ack && typeof ack === "object" ? ack : {}) as Record<string, unknown>;
    const groupName = typeof news.groupName === "string" && !hasUnknown(news.groupName) ? news.groupName : "<groupName>";
    for (const { field, step } of manualSteps(right, groupName)) {
      if (given[field] === true) continue;
      failures.push({
        property: `acknowledgeManualOptions.${field}`,
        reason:
          `must be true to confirm a manual PVWA setting: ${step}. PVWA has no REST API for these Options, so this resource cannot set ` +
          `or read them; an administrator sets them in the PVWA UI, then acknowledges them here`,
      });
    }
  }
  return failures.length ? { inputs: news, failures } : { inputs: news };
}

const rightOf = (x: { right?: string }) => (x.right === "terminate" ? "terminate" : "suspend") as "suspend" | "terminate";
const sortedMembers = (ms: PsmMember[] | undefined) =>
  [...(ms ?? [])]
    .map((m) => ({ name: m.name.toLowerCase(), type: m.type ?? "vault", domain: (m.domain ?? "").toLowerCase() }))
    .sort((a, b) => a.name.localeCompare(b.name));

/**
 * Replace on another PVWA or another group name (case-insensitive, as PVWA names are); everything
 * else, and membership drift seen by refresh, is an in-place update. During preview any input may hold
 * the unknown sentinel (whole value, list element or nested field): an unknown group name or URL
 * previews as a replace (a known change of either replaces), any other unknown as an update.
 */
export async function diff(_id: string, olds: PsmPermissionOutputs, news: PsmPermissionInputs, ctx: Ctx): Promise<pulumi.dynamic.DiffResult> {
  const replaces: string[] = [];
  if (applianceChanged(news.connection, olds.url, (c) => effectiveCyberArkUrl(c, ctx))) replaces.push("connection");
  if (hasUnknown(news.groupName) || (olds.groupName ?? "").toLowerCase() !== String(news.groupName).toLowerCase()) replaces.push("groupName");
  const same =
    !inputsHaveUnknown(news) &&
    rightOf(olds) === rightOf(news) &&
    sameJson(sortedMembers(olds.members), sortedMembers(news.members)) &&
    (olds.adoptExisting ?? false) === (news.adoptExisting ?? false) &&
    sameJson(olds.acknowledgeManualOptions ?? {}, news.acknowledgeManualOptions ?? {}) &&
    sameJson(olds.verify, news.verify) &&
    sameJson(olds.connection, news.connection) &&
    olds.groupName === news.groupName &&
    olds.membersInSync !== false;
  return { changes: !same || replaces.length > 0, replaces, deleteBeforeReplace: false };
}

interface GroupState {
  groupId: number;
  adopted: boolean;
  removedAtAdoption: string[] | null;
  membersBeforeAdoption?: string[] | null;
  actualMembers: string[];
}

function outputs(inputs: PsmPermissionInputs, s: GroupState, verification: PsmVerification | null, ctx: Ctx): PsmPermissionOutputs {
  const right = rightOf(inputs);
  return jsonSafe({
    groupName: inputs.groupName,
    right,
    members: inputs.members,
    adoptExisting: inputs.adoptExisting ?? false,
    acknowledgeManualOptions: inputs.acknowledgeManualOptions ?? {},
    verify: inputs.verify,
    connection: inputs.connection,
    groupId: s.groupId,
    url: effectiveCyberArkUrl(inputs.connection, ctx) ?? null,
    adopted: s.adopted,
    removeUnlistedMembers: inputs.removeUnlistedMembers ?? false,
    membersBeforeAdoption: s.membersBeforeAdoption ?? null,
    removedAtAdoption: s.removedAtAdoption,
    actualMembers: s.actualMembers,
    membersInSync: sameMembers(s.actualMembers, inputs.members),
    manualOptions: manualSteps(right, inputs.groupName).map((m) => m.step),
    verification,
  });
}

/**
 * An error that keeps a partly applied resource in state (host `ErrorResourceInitFailed`): the group
 * exists, so the next `up` updates it instead of creating a duplicate (our convention "Partial create").
 */
function partial(id: number, inputs: PsmPermissionInputs, properties: PsmPermissionOutputs, message: string): Error {
  // The host sends these properties as they are (it adds `__provider` only to successful results), and
  // a later Read or Delete needs `__provider` to find this implementation again.
  return Object.assign(new Error(message), { id: String(id), properties: { ...properties, __provider: inputs.__provider }, reasons: [message] });
}

/** Reconciles membership and reads it back, all in one PVWA session. */
async function applyMembers(conn: CyberArkConnection, inputs: PsmPermissionInputs, start: (c: CyberArkClient) => Promise<Omit<GroupState, "actualMembers"> & { current: string[] }>, ctx: Ctx): Promise<GroupState> {
  let known: GroupState | undefined;
  try {
    return await withPvwa(conn, async (c) => {
      const g = await start(c);
      known = { groupId: g.groupId, adopted: g.adopted, removedAtAdoption: g.removedAtAdoption, membersBeforeAdoption: g.membersBeforeAdoption, actualMembers: g.current };
      const r = await reconcileMembers(c, g.groupId, g.current, inputs.members);
      if (g.adopted && g.removedAtAdoption !== null) known.removedAtAdoption = r.removed;
      const after = await readGroup(c, g.groupId, inputs.groupName);
      known.actualMembers = memberNames(after);
      return known;
    });
  } catch (e) {
    if (known) throw partial(known.groupId, inputs, outputs(inputs, known, null, ctx), (e as Error).message);
    throw e;
  }
}

/** Runs the optional verification after the admin session ended; a denial fails unless `failOnDenied: false`. */
async function verified(conn: CyberArkConnection, inputs: PsmPermissionInputs, s: GroupState, ctx: Ctx): Promise<PsmVerification | null> {
  if (!inputs.verify) return null;
  let v: PsmVerification;
  try {
    v = await verifyRight(conn, inputs.verify, rightOf(inputs), inputs.groupName);
  } catch (e) {
    throw partial(s.groupId, inputs, outputs(inputs, s, null, ctx), `verification as ${inputs.verify.username} failed: ${(e as Error).message}`);
  }
  if (v.status === "denied" && inputs.verify.failOnDenied !== false) {
    throw partial(s.groupId, inputs, outputs(inputs, s, v, ctx), `cyberark: membership of "${inputs.groupName}" is applied, but verification failed: ${v.detail}`);
  }
  return v;
}

/** Refuses, before any change, what cannot be done on Privilege Cloud (see verifyRight). */
function refuseUnsupported(conn: CyberArkConnection, inputs: PsmPermissionInputs): void {
  if (inputs.verify && conn.identityUrl !== undefined) {
    throw new Error("cyberark: verify is not supported on CyberArk Privilege Cloud (members sign in through CyberArk Identity, not a PVWA logon); remove verify from this PsmSuspendPermission");
  }
}

export async function create(inputs: PsmPermissionInputs, ctx: Ctx): Promise<pulumi.dynamic.CreateResult> {
  const conn = connectionFor(inputs.connection, ctx);
  refuseUnsupported(conn, inputs);
  const s = await applyMembers(conn, inputs, async (c) => {
    const e = await ensureGroup(c, inputs.groupName, rightOf(inputs), inputs.adoptExisting ?? false);
    if (e.adopted) {
      // Before any change: adoption never removes a member silently.
      const names = unlistedMembers(e.before, inputs.members.map((m) => m.name), memberKey);
      const refusal = adoptionRefusal(`Vault group "${e.group.groupName}"`, names, inputs.removeUnlistedMembers);
      if (refusal) throw new CyberArkPermissionRefusedError(`cyberark: ${refusal}`);
    }
    return { groupId: e.group.id, adopted: e.adopted, removedAtAdoption: e.adopted ? [] : null, membersBeforeAdoption: e.adopted ? e.before : null, current: e.before };
  }, ctx);
  const v = await verified(conn, inputs, s, ctx);
  return { id: String(s.groupId), outs: outputs(inputs, s, v, ctx) };
}

export async function update(id: string, olds: PsmPermissionOutputs, news: PsmPermissionInputs, ctx: Ctx): Promise<pulumi.dynamic.UpdateResult> {
  const conn = connectionFor(news.connection, ctx);
  refuseUnsupported(conn, news);
  const s = await applyMembers(conn, news, async (c) => {
    const g = await readGroup(c, Number(id), olds.groupName ?? news.groupName);
    if (!g) {
      throw new Error(`cyberark: Vault group id ${id} ("${olds.groupName}") no longer exists (deleted outside Pulumi); run "pulumi refresh", then "pulumi up" to recreate it`);
    }
    // removedAtAdoption is an audit record of the adoption only: keep it, do not grow it (null = reconcile without recording).
    return { groupId: g.id, adopted: olds.adopted ?? false, removedAtAdoption: null, membersBeforeAdoption: olds.membersBeforeAdoption ?? null, current: memberNames(g) };
  }, ctx);
  s.removedAtAdoption = olds.removedAtAdoption ?? null;
  const v = await verified(conn, news, s, ctx);
  return { outs: outputs(news, s, v, ctx) };
}

/** Refresh: re-reads the group; membership changed outside Pulumi shows as `actualMembers` / `membersInSync` drift. */
export async function read(id: string, props: Partial<PsmPermissionOutputs>, ctx: Ctx): Promise<pulumi.dynamic.ReadResult> {
  // Errors reach the host through provider/dynamic/shim.ts, which strips string `code`s grpc-js would misread.
  return readGroupState(id, props, ctx);
}

async function readGroupState(id: string, props: Partial<PsmPermissionOutputs>, ctx: Ctx): Promise<pulumi.dynamic.ReadResult> {
  const g = await withStoredCyberArkConnection(props.connection, ctx, (conn) => withPvwa(conn, (c) => readGroup(c, Number(id), props.groupName ?? "")));
  if (!g) return { id: "", props: {} };
  const actual = memberNames(g);
  const members = props.members ?? actual.map((name) => ({ name }));
  return {
    id: String(g.id),
    props: jsonSafe({
      ...props,
      groupName: props.groupName && props.groupName.toLowerCase() === g.groupName.toLowerCase() ? props.groupName : g.groupName,
      right: props.right ?? "suspend",
      members,
      adoptExisting: props.adoptExisting ?? false,
      acknowledgeManualOptions: props.acknowledgeManualOptions ?? {},
      groupId: g.id,
      url: props.url ?? effectiveCyberArkUrl(props.connection, ctx) ?? null,
      adopted: props.adopted ?? true,
      removedAtAdoption: props.removedAtAdoption ?? null,
      removeUnlistedMembers: props.removeUnlistedMembers ?? false,
      membersBeforeAdoption: props.membersBeforeAdoption ?? null,
      actualMembers: actual,
      membersInSync: sameMembers(actual, members),
      manualOptions: props.manualOptions ?? manualSteps(props.right ?? "suspend", g.groupName).map((m) => m.step),
      verification: props.verification ?? null,
    }),
  };
}

/**
 * Deletes the group when this resource created it. An adopted group is released: it stays, the members
 * Pulumi added are removed, members there before adoption stay, and members removed at adoption
 * (`removedAtAdoption`) are not granted back (docs/adoption.md). Idempotent: a gone group is success.
 */
export async function del(id: string, props: PsmPermissionOutputs, ctx: Ctx): Promise<void> {
  await withStoredCyberArkConnection(props.connection, ctx, (conn) =>
    withPvwa(conn, async (c) => {
      const g = await readGroup(c, Number(id), props.groupName);
      if (!g) return;
      if (!props.adopted) {
        await deleteGroup(c, g.id);
        return;
      }
      await releaseMembers(c, g.id, memberNames(g), props.members ?? [], props.membersBeforeAdoption);
    }),
  );
}
export { del as delete };
