// Sends identify, track, page, alias and group through Segment's and RudderStack's Node SDKs, each
// at its defaults (RudderStack gzips), then flushes. Usage: node send-with-sdks.mjs HOST WRITEKEY
// [rudderstack|segment]. Customers are "<sdk>-ana" (identify, track, page), "<sdk>-ben" (alias of
// "<sdk>-guest") and "<sdk>-cy" (group). The calls are GAP_MS apart and wait in the SDK's queue
// until the flush, so a test can tell each event's own time from the time it was received.
// Prints nothing but errors; exits non-zero on any.
const GAP_MS = 300;
const [host, writeKey, only] = process.argv.slice(2);
if (!host || !writeKey) {
  console.error("usage: node send-with-sdks.mjs HOST WRITEKEY [rudderstack|segment]");
  process.exit(2);
}

// RudderStack's SDK flushes its first message at once, without a caller to hear of a failure.
process.on("unhandledRejection", (err) => {
  console.error(`unreported SDK error: ${err?.message ?? err}`);
  process.exit(1);
});

const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function calls(sdk) {
  return [
    ["identify", { userId: `${sdk}-ana`, traits: { name: "Ana", plan: "pro" } }],
    ["track", { userId: `${sdk}-ana`, event: "Order Completed", properties: { total: 42 } }],
    ["page", { userId: `${sdk}-ana`, name: "Pricing", category: "Docs", properties: { path: "/pricing" } }],
    ["alias", { userId: `${sdk}-ben`, previousId: `${sdk}-guest` }],
    ["group", { userId: `${sdk}-cy`, groupId: "acme", traits: { name: "Acme", employees: 12 } }],
  ];
}

// Both SDKs take (message, callback) and call back once per message with the delivery's error.
async function send(sdk, client, flush) {
  const errors = [];
  const delivered = [];
  for (const [type, message] of calls(sdk)) {
    delivered.push(
      new Promise((resolve) =>
        client[type](message, (err) => {
          if (err) errors.push(`${sdk}: ${type} for ${message.userId}: ${err.message ?? err}`);
          resolve();
        }),
      ),
    );
    await pause(GAP_MS);
  }
  try {
    await flush();
  } catch (err) {
    errors.push(`${sdk}: flush: ${err.message ?? err}`);
  }
  await Promise.all(delivered);
  return errors;
}

// Each SDK is loaded only when chosen: loading them takes a second or two.
const sdks = {
  rudderstack: async () => {
    const { default: RudderAnalytics } = await import("@rudderstack/rudder-sdk-node");
    const client = new RudderAnalytics(writeKey, { dataPlaneUrl: host });
    return send("rudderstack", client, () => client.flush());
  },
  segment: async () => {
    const { Analytics } = await import("@segment/analytics-node");
    const client = new Analytics({ writeKey, host });
    client.on("error", () => {}); // each failure also reaches its message's callback
    return send("segment", client, () => client.closeAndFlush());
  },
};

if (only && !sdks[only]) {
  console.error(`no SDK named ${only}: ${Object.keys(sdks).join(", ")}`);
  process.exit(2);
}
const chosen = only ? [only] : Object.keys(sdks);
const errors = (await Promise.all(chosen.map((name) => sdks[name]()))).flat();
for (const error of errors) console.error(error);
process.exit(errors.length === 0 ? 0 : 1);
