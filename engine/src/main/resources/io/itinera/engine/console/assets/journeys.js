// Journeys: each deployed journey with its version, who is in each stage and the last day's entries.

import { api } from "./api.js";
import { el, table, link, errorBox } from "./dom.js";

function today() {
  return new Date().toISOString().slice(0, 10);
}

/** In a stage now, of those who entered in the range: entered less moved on less dropped. */
export function inStage(funnel) {
  return funnel.map((s) => ({ stage: s.stage, customers: s.entered - s.movedOn - s.dropped }));
}

async function row(journey) {
  const name = encodeURIComponent(journey.name);
  const [month, day] = await Promise.all([
    api(`/v1/journeys/${name}/analytics`).catch(() => null),
    api(`/v1/journeys/${name}/analytics?from=${today()}&to=${today()}`).catch(() => null),
  ]);
  const stages = month
    ? el(
        "ul",
        { class: "stage-counts" },
        inStage(month.funnel).map((s) =>
          el("li", { "data-stage": s.stage }, `${s.stage}: `, el("b", {}, String(s.customers))),
        ),
      )
    : "–";
  const entries = day && day.funnel.length > 0 ? String(day.funnel[0].entered) : "0";
  return [
    link(`#/journey/${name}`, journey.name),
    String(journey.version),
    stages,
    el("span", { class: "entries-today", "data-journey": journey.name }, entries),
  ];
}

function openByName(page) {
  const input = el("input", { id: "journey-name", placeholder: "journey name" });
  const form = el("form", { class: "inline" }, input, el("button", { type: "submit" }, "Open"));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    location.hash = `#/journey/${encodeURIComponent(input.value.trim())}`;
  });
  page.append(form);
}

export async function journeysPage(page, who) {
  page.append(el("h1", {}, "Journeys"));
  if (who.scope !== "admin") {
    page.append(
      el("p", {}, "Listing journeys needs the admin key; a read key opens one by name."),
    );
    openByName(page);
    return;
  }
  let list;
  try {
    list = await api("/v1/journeys");
  } catch (e) {
    page.append(errorBox(e));
    return;
  }
  if (list.journeys.length === 0) {
    page.append(el("p", {}, "No journey is deployed."));
    return;
  }
  const rows = await Promise.all(list.journeys.map(row));
  page.append(
    table(
      ["Journey", "Version", "In each stage (entered in the last 30 days)", "Entries today (UTC)"],
      rows,
      { id: "journeys" },
    ),
  );
}
