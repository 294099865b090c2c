/**
 * A saved appliance-plus-stack: the emulator's committed configuration (keys included), its clock and
 * the harness state files (state, secrets key, pending operations). `restore` starts a fresh emulator
 * with that configuration and a copy of the state pointing at it, so one expensive run (the update
 * plan's initial create, or a crashed `up`) is forked into several independent continuations.
 */
import * as fs from "fs";
import type { ConfigData } from "../emulators/sps/model";
import { loadState, saveState } from "../harness/state";
import { StateCipher } from "../harness/values";
import { freshStateFile } from "../harness/serialize";
import { spsFixture, type SpsFixture } from "../sps/fixture";

export interface SavedStack {
  committed: ConfigData;
  clockMs: number;
  url: string;
  /** A private copy of the state files. */
  stateFile: string;
}

const PROJECT = "sps-test";
const STACK = "dev";
const SIDE_FILES = [".key", ".pending.json"];

function copyState(from: string, to: string): void {
  for (const ext of ["", ...SIDE_FILES]) if (fs.existsSync(from + ext)) fs.copyFileSync(from + ext, to + ext);
}

/** Saves `fx`'s appliance and state. Every REST session must be gone (their transactions rolled back). */
export function save(fx: SpsFixture): SavedStack {
  if (fx.emu.snapshot().transaction.open) throw new Error("save: a transaction is open; expire the sessions first");
  const stateFile = freshStateFile("crash-saved");
  copyState(fx.stateFile, stateFile);
  return { committed: fx.emu.controls.exportCommitted(), clockMs: fx.emu.clock.now(), url: fx.emu.url, stateFile };
}

/**
 * A new emulator holding the saved configuration, and the saved state rewritten for its URL (the same
 * appliance at another test address: the stored stack config and every output naming the URL follow).
 */
export async function restore(s: SavedStack): Promise<SpsFixture> {
  const fx = await spsFixture();
  fx.emu.controls.importCommitted(s.committed);
  fx.emu.clock.set(s.clockMs);
  copyState(s.stateFile, fx.stateFile);
  if (fs.existsSync(fx.stateFile)) {
    const cipher = StateCipher.fromKey(fs.readFileSync(`${fx.stateFile}.key`, "utf8"));
    const loaded = loadState(fx.stateFile, cipher, PROJECT, STACK);
    const moved = JSON.parse(JSON.stringify({ r: [...loaded.resources.values()], p: loaded.pendingDeletes, c: loaded.config ?? null }).split(s.url).join(fx.emu.url));
    saveState(fx.stateFile, cipher, {
      project: PROJECT,
      stack: STACK,
      resources: new Map(moved.r.map((r: { urn: string }) => [r.urn, r])),
      pendingDeletes: moved.p,
      config: moved.c ?? undefined,
    });
  }
  return fx;
}

export function discard(s: SavedStack): void {
  for (const ext of ["", ...SIDE_FILES]) fs.rmSync(s.stateFile + ext, { force: true });
}
