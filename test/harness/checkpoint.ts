/**
 * Interrupted operations, as the Pulumi CLI records them. The CLI checkpoints state as steps complete and
 * records the operations in flight when the run dies as pending operations:
 * - a pending CREATE is not a resource in state: the next `up` warns, plans a fresh create and carries
 *   the pending operation forward until a `refresh` clears it. Its object may exist on the appliance
 *   without a state entry, so the next create meets it;
 * - pending UPDATEs and DELETEs keep the old state.
 * The harness's engine already keeps old state for a failed update/delete and records nothing for a
 * failed create; this journal adds what a crash adds: the pending creates, carried in a file beside the
 * state (`<stateFile>.pending.json`), and the warnings.
 */
import * as fs from "fs";
import { HostCallError, type ProviderHost } from "./host";

export interface PendingOperation {
  op: "create" | "update" | "delete";
  urn: string;
  name: string;
  type: string;
  /** The id for updates and deletes. */
  id?: string;
}

const GRPC_UNAVAILABLE = 14;

export class OperationJournal {
  private readonly file: string;
  /** Pending creates of earlier interrupted runs (what `pulumi stack export` shows as pending_operations). */
  private carried: PendingOperation[] = [];
  /** Calls of this operation that failed because the host went away. */
  private cut: PendingOperation[] = [];

  constructor(stateFile: string) {
    this.file = `${stateFile}.pending.json`;
    if (fs.existsSync(this.file)) this.carried = JSON.parse(fs.readFileSync(this.file, "utf8")) as PendingOperation[];
  }

  /** Pending operations carried in state (creates only: updates and deletes keep the old state). */
  get pending(): readonly PendingOperation[] {
    return this.carried;
  }

  /** Runs one provider call, remembering it when the host dies under it. */
  async track<T>(p: PendingOperation, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (e) {
      if (e instanceof HostCallError && e.grpcCode === GRPC_UNAVAILABLE) this.cut.push(p);
      throw e;
    }
  }

  /** Warnings the CLI prints at the start of an `up` for creates interrupted earlier. */
  startWarnings(): string[] {
    return this.carried.map(
      (p) => `pending create of ${p.urn} from an interrupted earlier update: the object may exist without a state entry; run "pulumi refresh" to clear the pending operation`,
    );
  }

  /**
   * At the end of an operation (after the host stopped): when the host was killed, the calls cut by it
   * become pending operations. Returns the warnings to report.
   */
  settle(host: ProviderHost): string[] {
    const killed = host.child.signalCode === "SIGKILL";
    const cut = killed ? this.cut : [];
    this.cut = [];
    const creates = cut.filter((p) => p.op === "create");
    this.carried.push(...creates.filter((c) => !this.carried.some((x) => x.urn === c.urn)));
    this.write();
    return cut.map((p) =>
      p.op === "create"
        ? `the provider host was killed during the create of ${p.urn}: it is not in state (pending create); the object may exist on the appliance`
        : `the provider host was killed during the ${p.op} of ${p.urn} (${p.id}): its old state is kept`,
    );
  }

  /** `pulumi refresh` clears pending creates (the CLI asks interactively; `--clear-pending-creates`). */
  clearPendingCreates(): void {
    this.carried = [];
    this.write();
  }

  private write(): void {
    if (this.carried.length) fs.writeFileSync(this.file, JSON.stringify(this.carried, null, 2));
    else if (fs.existsSync(this.file)) fs.unlinkSync(this.file);
  }
}
