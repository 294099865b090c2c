/**
 * `npm start -- alert.json` (or the payload on stdin): reacts to a SIEM alert by suspending or terminating
 * the session on the appliance that recorded it. Prints one JSON line; exit 0 when the session was acted on
 * (or needed nothing), 1 when the action failed, 2 for a bad payload or connection.
 */
import * as fs from "fs";
import { SUCCESS_OUTCOMES } from "pulumi-pam/sessions";
import { parseAlert, respondToAlert } from "./alert";

async function main(): Promise<number> {
  const file = process.argv[2];
  const text = file && file !== "-" ? fs.readFileSync(file, "utf8") : fs.readFileSync(0, "utf8");
  const response = await respondToAlert(parseAlert(JSON.parse(text)));
  process.stdout.write(JSON.stringify(response) + "\n");
  return !response.result || SUCCESS_OUTCOMES.has(response.result.outcome) ? 0 : 1;
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (e) => {
      // Vendor clients redact their errors; the message never holds a password or token.
      process.stderr.write(`session-actions: ${(e as Error).message}\n`);
      process.exit(2);
    },
  );
}
