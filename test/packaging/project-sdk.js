// Preloaded (`NODE_OPTIONS=--require`) into the harness processes of the packed-package test, as plain
// JavaScript so that it needs no ts-node. Every `require("@pulumi/pulumi[/...]")` resolves from
// PULUMI_PAM_SDK_FROM (the user's project), wherever it is required from: the program runner's mocks, the
// resource classes of the installed package and the provider host are then the project's one SDK copy,
// as under the real CLI, which starts the host from the project directory. A resolution that still lands
// outside the project throws, so the test cannot pass on this repository's own copy.
"use strict";
const Module = require("module");
const path = require("path");

const from = process.env.PULUMI_PAM_SDK_FROM;
if (from) {
  const root = path.join(from, "node_modules", "@pulumi", "pulumi") + path.sep;
  const resolve = Module._resolveFilename;
  Module._resolveFilename = function (request, parent, isMain, options) {
    if (request !== "@pulumi/pulumi" && !request.startsWith("@pulumi/pulumi/")) return resolve.call(this, request, parent, isMain, options);
    const file = resolve.call(this, request, parent, isMain, { paths: [from] });
    if (!file.startsWith(root)) throw new Error(`project-sdk: ${request} resolved to ${file}, outside ${root}`);
    return file;
  };
}
