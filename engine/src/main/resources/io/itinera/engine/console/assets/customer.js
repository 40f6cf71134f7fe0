// A customer by id: traits and consent, active journeys with stage and pending timers, the
// touchpoint timeline, and every decision with the journeys' explanation of it.

import { api } from "./api.js";
import { el, table, errorBox, link } from "./dom.js";

function json(value) {
  return typeof value === "object" && value !== null ? JSON.stringify(value) : String(value);
}

export function customerSearchPage(page) {
  page.append(el("h1", {}, "Customers"));
  const input = el("input", { id: "customer-id", placeholder: "customer id", required: true });
  const form = el("form", { class: "inline" }, input, el("button", { type: "submit" }, "Open"));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    location.hash = `#/customer/${encodeURIComponent(input.value.trim())}`;
  });
  page.append(form);
  input.focus();
}

export async function customerPage(page, id, who) {
  page.append(el("h1", {}, `Customer ${id}`));
  const path = `/v1/customers/${encodeURIComponent(id)}`;
  let customer;
  let decisions;
  try {
    [customer, decisions] = await Promise.all([
      api(path),
      api(`${path}/decisions?limit=200`),
    ]);
  } catch (e) {
    page.append(errorBox(e));
    return;
  }
  const journeys = customer.journeys || { active: [], pendingTimers: [], consent: {} };
  page.append(
    el("p", {}, `${customer.touchpointCount} touchpoints, first seen ${customer.firstSeen || "–"},`
      + ` last seen ${customer.lastSeen || "–"}`),
    customer.mergedInto
      ? el("p", {}, "Merged into ", link(`#/customer/${encodeURIComponent(customer.mergedInto)}`,
          customer.mergedInto))
      : "",
    el("h2", {}, "Traits"),
    table(
      ["Trait", "Value"],
      Object.entries(customer.traits || {}).map(([k, v]) => [k, json(v)]),
      { id: "traits" },
    ),
    el("h2", {}, "Consent"),
    table(
      ["Channel", "Opted in"],
      Object.entries(journeys.consent || {}).map(([k, v]) => [k, json(v)]),
      { id: "consent" },
    ),
    el("h2", {}, "Active journeys"),
    table(
      ["Journey", "Version", "Stage", "Since", "Holdout", "Arms"],
      (journeys.active || []).map((j) => [
        link(`#/journey/${encodeURIComponent(j.journey)}`, j.journey),
        String(j.version),
        j.stage,
        j.since || "–",
        j.holdout ? "yes" : "no",
        j.arms ? json(j.arms) : "–",
      ]),
      { id: "active-journeys" },
    ),
    el("h2", {}, "Pending timers"),
    table(
      ["Due", "Kind", "Journey", "Stage", "Trigger"],
      (journeys.pendingTimers || []).map((t) => [
        t.due,
        t.kind,
        t.journey || "–",
        t.stage || "–",
        t.trigger || (t.action && t.action.template) || "–",
      ]),
      { id: "timers" },
    ),
    el("h2", {}, "Touchpoints (most recent)"),
    el(
      "ol",
      { id: "timeline", class: "timeline" },
      (customer.recentTouchpoints || []).map((t) =>
        el(
          "li",
          {},
          el("time", {}, t.timestamp),
          " ",
          el("b", {}, t.event || t.name || t.type),
          t.channel ? ` on ${t.channel}` : "",
          t.properties && Object.keys(t.properties).length > 0
            ? el("code", {}, ` ${json(t.properties)}`)
            : null,
        ),
      ),
    ),
    el("h2", {}, "Decisions, with why"),
    el(
      "ol",
      { id: "decisions", class: "decisions" },
      decisions.decisions
        .slice()
        .reverse()
        .map((d) =>
          el(
            "li",
            {},
            el("time", {}, d.recordedAt),
            el("span", { class: "cause" }, ` after ${d.cause}`),
            el("ul", {}, d.explanation.map((line) => el("li", { class: "explanation" }, line))),
          ),
        ),
    ),
  );
}
