// Channels and deliveries: each endpoint with its pending and dead counts, the deliveries of a
// channel, one delivery as sent (its CloudEvent), and a retry of a dead one after a confirmation.

import { api } from "./api.js";
import { el, table, errorBox, link, confirmAction, clear } from "./dom.js";

function adminOnly(page, who) {
  if (who.scope === "admin") {
    return false;
  }
  page.append(el("p", {}, "Channels and deliveries need the admin key."));
  return true;
}

async function deliveries(box, channel, status) {
  clear(box);
  const query = new URLSearchParams({ channel });
  if (status) {
    query.set("status", status);
  }
  try {
    const page = await api(`/v1/deliveries?${query}`);
    box.append(
      el("h2", {}, `Deliveries on ${channel}${status ? ` (${status})` : ""}`),
      table(
        ["Delivery", "Customer", "Journey", "Status", "Attempts", "Last error"],
        page.deliveries.map((d) => [
          link(`#/delivery/${encodeURIComponent(d.id)}`, d.id),
          link(`#/customer/${encodeURIComponent(d.customerId)}`, d.customerId),
          d.journey || "–",
          d.status,
          String(d.attempts),
          d.lastError || "–",
        ]),
        { id: "deliveries" },
      ),
    );
  } catch (e) {
    box.append(errorBox(e));
  }
}

export async function channelsPage(page, who) {
  page.append(el("h1", {}, "Channels and deliveries"));
  if (adminOnly(page, who)) {
    return;
  }
  let channels;
  try {
    channels = await api("/v1/channels");
  } catch (e) {
    page.append(errorBox(e));
    return;
  }
  const box = el("section", { id: "channel-deliveries" });
  const show = (channel, status) => (event) => {
    event.preventDefault();
    deliveries(box, channel, status);
  };
  page.append(
    table(
      ["Channel", "Endpoint", "Enabled", "Pending", "Dead", ""],
      channels.channels.map((c) => [
        c.channel,
        c.url || "– (pull or stream)",
        c.enabled === false ? `no: ${c.disabledReason || ""}` : "yes",
        el("a", { href: "#/channels", onclick: show(c.channel, "pending") }, String(c.pending ?? 0)),
        el(
          "a",
          { href: "#/channels", class: "dead-count", "data-channel": c.channel, onclick: show(c.channel, "dead") },
          String(c.dead ?? 0),
        ),
        el("a", { href: "#/channels", onclick: show(c.channel, null) }, "all"),
      ]),
      { id: "channels" },
    ),
    box,
  );
}

export async function deliveryPage(page, id, who) {
  page.append(el("h1", {}, `Delivery ${id}`));
  if (adminOnly(page, who)) {
    return;
  }
  let delivery;
  try {
    delivery = await api(`/v1/deliveries/${encodeURIComponent(id)}`);
  } catch (e) {
    page.append(errorBox(e));
    return;
  }
  const status = el("dd", { id: "delivery-status" }, delivery.status);
  const outcome = el("p", { id: "retry-outcome", role: "status" });
  const retry = el("button", { id: "retry", type: "button" }, "Retry");
  retry.addEventListener("click", async () => {
    const yes = await confirmAction(
      `Send delivery ${id} to ${delivery.channel} again? The receiver gets the same webhook-id.`,
    );
    if (!yes) {
      outcome.textContent = "Not retried.";
      return;
    }
    try {
      const answer = await api(`/v1/deliveries/${encodeURIComponent(id)}/retry`, {
        method: "POST",
      });
      status.textContent = answer.status || "pending";
      outcome.textContent = "Queued for another attempt.";
      retry.disabled = true;
    } catch (e) {
      outcome.textContent = e.message;
      outcome.className = "error";
    }
  });
  page.append(
    el(
      "dl",
      {},
      el("dt", {}, "Channel"),
      el("dd", {}, delivery.channel),
      el("dt", {}, "Customer"),
      el("dd", {}, link(`#/customer/${encodeURIComponent(delivery.customerId)}`, delivery.customerId)),
      el("dt", {}, "Status"),
      status,
      el("dt", {}, "Attempts"),
      el("dd", {}, String(delivery.attempts)),
      el("dt", {}, "Last error"),
      el("dd", {}, delivery.lastError || "–"),
    ),
    delivery.status === "dead" || delivery.status === "delivered" ? retry : "",
    outcome,
    el("h2", {}, "As sent (CloudEvent)"),
    el("pre", { id: "cloudevent", class: "source" }, JSON.stringify(delivery.event, null, 2)),
  );
}
