import type * as pulumi from "@pulumi/pulumi";

/**
 * A test-only dynamic provider, serialized BY VALUE (it captures nothing but builtins it requires inside).
 * Its "backend" is a JSON file named by the `store` input, so state survives host processes.
 */
export const fileProvider: pulumi.dynamic.ResourceProvider = {
  // async, but it sets state before any await, so it completes within the host's synchronous call.
  async configure(req) {
    // Read config synchronously: the host races concurrent first calls (the host caches the provider before it awaits configure()).
    (this as any).label = req.config.get("label") ?? null;
  },
  async check(olds, news) {
    const failures = typeof news.value === "number" && news.value < 0 ? [{ property: "value", reason: "value must be >= 0; set a positive number" }] : [];
    if (!news.countStore) return { inputs: news, failures };
    // A computed input (like SpsLocalAccess's `pruned`): what the store holds at check time. `checkedOlds`
    // tells which old inputs Check received (the engine sends the stored, checked ones).
    const fs = require("fs");
    const storeSize = fs.existsSync(news.store) ? Object.keys(JSON.parse(fs.readFileSync(news.store, "utf8"))).length : 0;
    return { inputs: { ...news, storeSize, checkedOlds: olds.storeSize === undefined ? "none" : `storeSize=${olds.storeSize}` }, failures };
  },
  async diff(_id, olds, news) {
    const replaces = olds.name !== news.name ? ["name"] : [];
    const changes = ["name", "value", "token", "store", "storeSize"].some((k) => JSON.stringify(olds[k]) !== JSON.stringify(news[k]));
    return { changes, replaces, deleteBeforeReplace: replaces.length > 0 };
  },
  async create(inputs) {
    const fs = require("fs");
    if (inputs.fail) throw new Error(`create refused: ${inputs.fail}`);
    const db = fs.existsSync(inputs.store) ? JSON.parse(fs.readFileSync(inputs.store, "utf8")) : {};
    const id = `${inputs.name}-${Object.keys(db).length + 1}`;
    db[id] = { value: inputs.value };
    fs.writeFileSync(inputs.store, JSON.stringify(db));
    if (inputs.partial) {
      const err: any = new Error("created but tagging failed");
      err.id = id;
      err.properties = { ...inputs, label: (this as any).label };
      err.reasons = ["tagging failed"];
      throw err;
    }
    return { id, outs: { ...inputs, label: (this as any).label, tokenLength: inputs.token ? String(inputs.token).length : 0 } };
  },
  async read(id, props) {
    const fs = require("fs");
    const db = JSON.parse(fs.readFileSync(props.store, "utf8"));
    if (!db[id]) return { id: undefined as unknown as string, props: {} };
    // `reportReadLabel` shows which config the Read ran under (refresh uses the last up's config).
    return { id, props: { ...props, value: db[id].value, ...(props.reportReadLabel ? { readLabel: (this as any).label } : {}) } };
  },
  async update(id, _olds, news) {
    const fs = require("fs");
    const db = JSON.parse(fs.readFileSync(news.store, "utf8"));
    db[id] = { value: news.value };
    fs.writeFileSync(news.store, JSON.stringify(db));
    return { outs: { ...news, label: (this as any).label, tokenLength: news.token ? String(news.token).length : 0 } };
  },
  async delete(id, props) {
    const fs = require("fs");
    const db = JSON.parse(fs.readFileSync(props.store, "utf8"));
    delete db[id];
    fs.writeFileSync(props.store, JSON.stringify(db));
  },
};

export const FILE_THING_TYPE = "pulumi-nodejs:dynamic/test:FileThing";
