// Verifies captured webhooks with the official libraries a receiver would use: Standard Webhooks
// for the signature, the CloudEvents SDK for the event. Usage: node verify-webhooks.mjs SECRET FILE,
// FILE holding one {"headers": {...}, "body": "..."} per line. Prints nothing but the first
// failure; exits non-zero on it, and on a file without webhooks.
import { readFileSync } from "node:fs";
import { Webhook } from "standardwebhooks";
import { HTTP } from "cloudevents";

const [secret, file] = process.argv.slice(2);
if (!secret || !file) {
  console.error("usage: node verify-webhooks.mjs SECRET FILE");
  process.exit(2);
}

const requests = readFileSync(file, "utf8")
  .split("\n")
  .filter((line) => line.trim() !== "")
  .map((line) => JSON.parse(line));
if (requests.length === 0) {
  console.error(`no webhooks in ${file}`);
  process.exit(1);
}

const webhook = new Webhook(secret);
requests.forEach(({ headers, body }, index) => {
  const which = `webhook ${index + 1} of ${requests.length} (webhook-id ${headers["webhook-id"]})`;
  try {
    webhook.verify(body, headers);
  } catch (err) {
    fail(`${which}: standardwebhooks refuses it: ${err.message}`);
  }
  let event;
  try {
    event = HTTP.toEvent({ headers, body });
  } catch (err) {
    fail(`${which}: cloudevents refuses it: ${err.message ?? err}`);
  }
  if (Array.isArray(event) || event.id !== headers["webhook-id"]) {
    fail(`${which}: cloudevents read ${JSON.stringify(event)}, not one event with the webhook's id`);
  }
});

function fail(message) {
  console.error(message);
  process.exit(1);
}
