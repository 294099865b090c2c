import type { ManualClock } from "../common/clock";
import type { EmulatorRequest, EmulatorResponse } from "../common/server";
import type { ResolvedSpsOptions } from "./options";
import type { RecordedSessions } from "./recorded-sessions";
import type { RestSession, SessionTable } from "./sessions";
import type { ConfigStore } from "./store";

/** Everything one emulator instance owns; handed to every handler (no module state). */
export interface SpsContext {
  opts: ResolvedSpsOptions;
  clock: ManualClock;
  store: ConfigStore;
  sessions: SessionTable;
  recorded: RecordedSessions;
}

/** A handler behind the `session_id` gate. */
export type AuthedHandler = (
  req: EmulatorRequest,
  session: RestSession,
  ctx: SpsContext,
) => EmulatorResponse | Promise<EmulatorResponse>;
