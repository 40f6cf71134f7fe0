// One journey: its diagram with live counts (drawn by the server, fetched again every 5 s),
// the funnel and time per stage (Chart.js), the holdout lift and the arms of each split, the YAML
// and its versions.

import { api } from "./api.js";
import { el, table, errorBox, percent, seconds, showSvg, clear } from "./dom.js";

const POLL_MS = 5000;

/**
 * The server-drawn diagram, fetched again every 5 s while the page is shown. Fetched like every
 * other call (credentials "omit"), so a key revoked meanwhile never brings up the browser's own
 * sign-in prompt; it signs the console out instead.
 */
function diagram(name) {
  const image = el("div", { id: "diagram", class: "diagram" });
  const path = `/v1/journeys/${encodeURIComponent(name)}/diagram.svg`;
  const refresh = () =>
    api(path)
      .then((text) => showSvg(image, text))
      .catch((e) => {
        clear(image);
        image.append(errorBox(e));
      });
  refresh();
  const timer = setInterval(() => (image.isConnected ? refresh() : clearInterval(timer)), POLL_MS);
  return { image, stop: () => clearInterval(timer) };
}

function chart(id, type, labels, datasets, title) {
  const canvas = el("canvas", { id, role: "img", "aria-label": title });
  const box = el("div", { class: "chart" }, el("h3", {}, title), canvas);
  return {
    box,
    draw: () =>
      new Chart(canvas, {
        type,
        data: { labels, datasets },
        options: { animation: false, responsive: true, maintainAspectRatio: false },
      }),
  };
}

function interval(i) {
  return i ? `${percent(i.low)} to ${percent(i.high)}` : "–";
}

function lift(report) {
  const l = report.lift;
  if (!l) {
    return el("p", {}, "No holdout figures yet.");
  }
  return el(
    "dl",
    { id: "lift" },
    el("dt", {}, "Treated rate"),
    el("dd", {}, percent(l.treatedRate)),
    el("dt", {}, "Holdout rate"),
    el("dd", {}, percent(l.holdoutRate)),
    el("dt", {}, "Lift (PIS)"),
    el("dd", {}, `${percent(l.pis)} (95%: ${interval(l.pisInterval)})`),
    el("dt", {}, "Difference"),
    el("dd", {}, `${percent(l.difference)} (95%: ${interval(l.differenceInterval)})`),
    el("dt", {}, "p-value"),
    el("dd", {}, l.pValue === null || l.pValue === undefined ? "–" : l.pValue.toPrecision(3)),
    el("dt", {}, "Verdict"),
    el("dd", { class: "verdict" }, l.verdict || "–"),
    l.morePerArmNeeded ? el("dt", {}, "More per arm needed") : null,
    l.morePerArmNeeded ? el("dd", {}, String(l.morePerArmNeeded)) : null,
  );
}

function splits(report) {
  if (!report.splits || report.splits.length === 0) {
    return el("p", {}, "No split in this journey.");
  }
  return table(
    ["Split", "Arm", "Assigned", "Goal reached", "Rate (95%)", "Share", "p (Holm)", "Significant"],
    report.splits.map((a) => [
      a.split,
      a.control ? `${a.arm} (control)` : a.arm,
      String(a.assigned),
      String(a.goalReached),
      `${percent(a.rate)} (${interval(a.interval)})`,
      percent(a.share),
      a.adjustedPValue === null || a.adjustedPValue === undefined
        ? "–"
        : a.adjustedPValue.toPrecision(3),
      a.significant ? "yes" : "no",
    ]),
    { id: "splits" },
  );
}

function funnelTable(report) {
  return table(
    ["Stage", "Entered", "Moved on", "Dropped", "Conversion", "Median time", "p90 time"],
    report.funnel.map((s) => [
      s.stage,
      String(s.entered),
      String(s.movedOn),
      String(s.dropped),
      percent(s.conversion),
      seconds(s.timeInStage && s.timeInStage.medianSeconds),
      seconds(s.timeInStage && s.timeInStage.p90Seconds),
    ]),
    { id: "funnel" },
  );
}

async function source(name, who) {
  if (who.scope !== "admin") {
    return [el("p", {}, "The YAML and the versions need the admin key.")];
  }
  try {
    const details = await api(`/v1/journeys/${encodeURIComponent(name)}`);
    return [
      el("h2", {}, "Versions"),
      table(
        ["Version", "Deployed at"],
        details.versions.map((v) => [String(v.version), v.deployedAt]),
        { id: "versions" },
      ),
      el("h2", {}, "YAML"),
      el("pre", { id: "yaml", class: "source" }, details.source || ""),
    ];
  } catch (e) {
    return [errorBox(e)];
  }
}

export async function journeyPage(page, name, who) {
  page.append(el("h1", {}, name));
  if (who.scope === "admin") {
    page.append(
      el("p", {}, el("a", { id: "edit", href: `#/edit/${encodeURIComponent(name)}` }, "Edit and replay (what-if)")),
    );
  }
  const figures = el("section", { id: "figures" });
  const drawn = diagram(name);
  page.append(el("h2", {}, "Diagram (last 30 days, refreshed every 5 s)"), drawn.image);
  page.append(figures);
  let report;
  try {
    report = await api(`/v1/journeys/${encodeURIComponent(name)}/analytics`);
  } catch (e) {
    figures.append(errorBox(e));
    return drawn.stop;
  }
  const stages = report.funnel.map((s) => s.stage);
  const funnel = chart(
    "funnel-chart",
    "bar",
    stages,
    [{ label: "Entered", data: report.funnel.map((s) => s.entered), backgroundColor: "#2d6cb3" }],
    "Funnel: entered per stage",
  );
  const time = chart(
    "time-chart",
    "bar",
    stages,
    [
      {
        label: "Median (s)",
        data: report.funnel.map((s) => (s.timeInStage ? s.timeInStage.medianSeconds : null)),
        backgroundColor: "#5aa469",
      },
      {
        label: "p90 (s)",
        data: report.funnel.map((s) => (s.timeInStage ? s.timeInStage.p90Seconds : null)),
        backgroundColor: "#d9a441",
      },
    ],
    "Time in stage",
  );
  figures.append(
    el("h2", {}, `Funnel (${report.from} to ${report.to})`),
    el("div", { class: "charts" }, funnel.box, time.box),
    funnelTable(report),
    el("h2", {}, "Holdout lift"),
    lift(report),
    el("h2", {}, "Splits"),
    splits(report),
  );
  const charts = [funnel.draw(), time.draw()];
  page.append(...(await source(name, who)));
  return () => {
    drawn.stop();
    charts.forEach((c) => c.destroy());
  };
}
