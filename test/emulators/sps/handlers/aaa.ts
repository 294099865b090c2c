import type { AuthedHandler } from "../context";
import { PATHS } from "../model";
import { renderCollection } from "../render";
import { requireAuthAcl } from "./local-database";

/** `GET /api/configuration/aaa` (6.x item list, [DOC] D-AAA; sibling links verbatim from D-AAA). */
export const getAaa: AuthedHandler = (req, session, ctx) => {
  requireAuthAcl(ctx, session, req.path, "read");
  return {
    status: 200,
    body: renderCollection(PATHS.aaa, ["acls", "local_database", "settings"], {
      first: PATHS.aaa,
      last: "/api/configuration/x509",
      next: "/api/configuration/alerting",
      previous: null,
      parent: "/api/configuration",
    }),
  };
};

/**
 * `GET /api/configuration/aaa/acls`: read-only ([DOC] D-ACL `{"body": [{group, objects, permission}]}`;
 * other methods 405, [INF]). Links follow the local_database sample's order acls, local_database, settings.
 */
export const getAcls: AuthedHandler = (req, session, ctx) => {
  requireAuthAcl(ctx, session, req.path, "read");
  return {
    status: 200,
    body: {
      body: ctx.store.acls.map((a) => ({ group: a.group, objects: [...a.objects], permission: a.permission })),
      key: "acls",
      meta: {
        first: PATHS.acls,
        href: PATHS.acls,
        last: PATHS.settings,
        next: PATHS.localDb,
        parent: PATHS.aaa,
        previous: null,
        transaction: PATHS.transaction,
      },
    },
  };
};

/**
 * `GET /api/configuration/aaa/settings`. Field names are [UNK] (D-AAA names the setting, not its JSON). Choice:
 * `{"body": {"backend": {"selection": "local"|"ldap"|"radius"}}}`, the `{selection, value}` style of
 * SPS choice fields ([DOC] D-INTRO57). Read-only here; tests switch it with controls.setAuthBackend.
 */
export const getSettings: AuthedHandler = (req, session, ctx) => {
  requireAuthAcl(ctx, session, req.path, "read");
  return {
    status: 200,
    body: {
      body: { backend: { selection: ctx.store.backend } },
      key: "settings",
      meta: {
        first: PATHS.acls,
        href: PATHS.settings,
        last: PATHS.settings,
        next: null,
        parent: PATHS.aaa,
        previous: PATHS.localDb,
        transaction: PATHS.transaction,
      },
    },
  };
};
