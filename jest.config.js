/** Jest runs TypeScript through ts-jest; provider tests build `dist/` first (see package.json "test"). */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/test"],
  testMatch: ["**/*.test.ts"],
  transform: { "^.+\\.ts$": ["ts-jest", { tsconfig: "tsconfig.test.json" }] },
  // A hang guard, not a speed assertion: generous enough for a loaded 2-core machine (no test asserts wall time).
  testTimeout: 600000,
  // Two cores in CI: two workers keep host processes and emulators from starving each other.
  maxWorkers: 2,
  reporters: ["default", "<rootDir>/test/summary-reporter.js"],
};
