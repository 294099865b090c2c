/**
 * The deployment's state in memory: live resources by URN, old copies of unfinished replacements, the
 * stack config of the last up; loaded from and saved to the state file (state.ts) with its cipher key.
 */
import * as fs from "fs";
import * as path from "path";
import type { Props } from "./host";
import { urnOf } from "./options";
import { loadState, saveState, type StateResource } from "./state";
import { StateCipher } from "./values";

export class LiveState {
  private readonly cipher: StateCipher;
  /** Live resources by URN. */
  readonly resources: Map<string, StateResource>;
  /** Old copies of create-before-delete replacements not deleted yet (engine snapshot `Delete: true`). */
  pendingDeletes: StateResource[];
  /** The stack config of the last `up` (refresh and destroy configure the provider with it). */
  config?: Props;

  constructor(private readonly file: string, readonly project: string, readonly stack: string) {
    const keyFile = `${file}.key`;
    this.cipher = fs.existsSync(keyFile) ? StateCipher.fromKey(fs.readFileSync(keyFile, "utf8")) : StateCipher.generate();
    if (!fs.existsSync(keyFile)) {
      fs.mkdirSync(path.dirname(keyFile), { recursive: true });
      fs.writeFileSync(keyFile, this.cipher.exportKey(), { mode: 0o600 });
    }
    const loaded = loadState(file, this.cipher, project, stack);
    this.resources = loaded.resources;
    this.pendingDeletes = loaded.pendingDeletes;
    this.config = loaded.config;
  }

  urn(type: string, name: string, parent?: string): string {
    return urnOf(this.stack, this.project, type, name, parent);
  }

  /** Drops a resource (live or an old copy) from state. */
  forget(r: StateResource): void {
    if (this.resources.get(r.urn) === r) this.resources.delete(r.urn);
    this.pendingDeletes = this.pendingDeletes.filter((x) => x !== r);
  }

  save(): void {
    saveState(this.file, this.cipher, {
      project: this.project, stack: this.stack, resources: this.resources, pendingDeletes: this.pendingDeletes, config: this.config,
    });
  }
}
