// The editor and the what-if replay: edit a journey's YAML, see the validator's located errors as
// you type (a dry-run deployment), replay the edit over recorded customers beside the deployed
// version, then deploy it after a confirmation.

import { api } from "./api.js";
import { el, table, errorBox, link, clear, confirmAction, showSvg } from "./dom.js";

const CHECK_AFTER_MS = 600;

function problems(list, id) {
  return el(
    "ul",
    { id, class: "problems" },
    (list || []).map((p) =>
      el(
        "li",
        { class: "problem" },
        `${p.file}${p.line ? `:${p.line}:${p.column}` : ""}: ${p.detail}`,
      ),
    ),
  );
}

/** The edit drawn by the server; parsed as SVG (no script runs) and shown beside the editor. */
async function draw(box, name, yaml) {
  try {
    const text = await api(`/v1/journeys/${encodeURIComponent(name)}/diagram.svg`, {
      method: "POST",
      yaml,
    });
    showSvg(box, text);
  } catch (e) {
    // The check beside it says why; the last good diagram stays.
  }
}

function showChecked(box, answer) {
  clear(box);
  if (answer.ok) {
    box.append(
      el("p", { id: "check-ok", class: "ok" }, `Valid: version ${answer.body.version} (${answer.body.outcome}).`),
      problems(answer.body.warnings, "warnings"),
    );
    return;
  }
  box.append(el("p", { class: "error", role: "alert" }, answer.error.message));
  if (answer.error.problem && answer.error.problem.errors) {
    box.append(problems(answer.error.problem.errors, "errors"));
  }
}

async function check(name, yaml) {
  try {
    const body = await api(`/v1/journeys/${encodeURIComponent(name)}?dryRun=true`, {
      method: "PUT",
      yaml,
    });
    return { ok: true, body };
  } catch (error) {
    return { ok: false, error };
  }
}

function comparison(title, rows, id) {
  return [
    el("h3", {}, title),
    table(
      ["", "Deployed", "Candidate", "Change"],
      rows.map((r) => [r.key, String(r.deployed), String(r.candidate), String(r.candidate - r.deployed)]),
      { id },
    ),
  ];
}

function showReplay(box, report) {
  clear(box);
  box.append(
    el(
      "p",
      { id: "replay-summary" },
      `${report.customers} customers, ${report.touchpoints} touchpoints replayed in ${report.tookMillis} ms:`
        + ` version ${report.deployedVersion} (deployed) against ${report.candidateVersion} (candidate).`
        + (report.truncated ? " Bounds left some customers or touchpoints out." : ""),
    ),
    ...comparison("Customers entering each stage", report.stages, "replay-stages"),
    ...comparison("Actions decided (channel/template)", report.actions, "replay-actions"),
    ...comparison("Actions suppressed (reason)", report.suppressed, "replay-suppressed"),
    ...comparison("Actions held by quiet hours", report.deferred, "replay-deferred"),
    el("h3", {}, `Customers whose path differs: ${report.pathsDiffering}`),
    table(
      ["Customer", "Deployed", "Candidate"],
      report.examples.map((x) => [
        link(`#/customer/${encodeURIComponent(x.customerId)}`, x.customerId),
        x.deployed.join(" → ") || "(not entered)",
        x.candidate.join(" → ") || "(not entered)",
      ]),
      { id: "replay-examples" },
    ),
  );
}

export async function editorPage(page, name, who) {
  page.append(el("h1", {}, `Edit ${name}`));
  if (who.scope !== "admin") {
    page.append(el("p", {}, "Editing and replaying need the admin key."));
    return;
  }
  let details;
  try {
    details = await api(`/v1/journeys/${encodeURIComponent(name)}`);
  } catch (e) {
    page.append(errorBox(e));
    return;
  }
  const editor = el("textarea", { id: "editor", spellcheck: "false", rows: 30 });
  editor.value = details.source || "";
  const checked = el("section", { id: "check", "aria-live": "polite" });
  const drawing = el("div", { id: "edit-diagram", class: "diagram" });
  const sample = el("input", { id: "replay-sample", type: "number", min: 1, max: 10000, value: 1000 });
  const replayButton = el("button", { id: "replay", type: "button" }, "Replay over recorded customers");
  const deployButton = el("button", { id: "deploy", type: "button" }, "Deploy");
  const replayed = el("section", { id: "replay-result", "aria-live": "polite" });
  const deployed = el("p", { id: "deploy-outcome", role: "status" });
  let timer;
  editor.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      const answer = await check(name, editor.value);
      showChecked(checked, answer);
      if (answer.ok) {
        draw(drawing, name, editor.value);
      }
    }, CHECK_AFTER_MS);
  });
  replayButton.addEventListener("click", async () => {
    clear(replayed);
    const status = el("p", { id: "replay-progress" }, "Replaying...");
    replayed.append(status);
    const path = `/v1/journeys/${encodeURIComponent(name)}/replay`;
    const watch = setInterval(async () => {
      try {
        const now = await api(path);
        if (now.running && now.of > 0) {
          status.textContent = `Replaying: ${now.replayed} of ${now.of} customers...`;
        }
      } catch (e) {
        // the replay's own answer says what went wrong
      }
    }, 1000);
    try {
      let report = await api(
        `/v1/journeys/${encodeURIComponent(name)}/replay?sample=${encodeURIComponent(sample.value)}`,
        { method: "POST", yaml: editor.value },
      );
      // A long replay is answered 202 with its progress and goes on: wait for its report.
      while (report.running !== undefined) {
        if (!report.running) {
          if (!report.report) {
            throw new Error(report.failure || "The replay stopped without a report.");
          }
          report = report.report;
          break;
        }
        await new Promise((resolve) => setTimeout(resolve, 1000));
        report = await api(path);
      }
      clearInterval(watch);
      showReplay(replayed, report);
    } catch (e) {
      clearInterval(watch);
      clear(replayed);
      replayed.append(errorBox(e));
      if (e.problem && e.problem.errors) {
        replayed.append(problems(e.problem.errors, "replay-errors"));
      }
    }
  });
  deployButton.addEventListener("click", async () => {
    if (!(await confirmAction(`Deploy this version of ${name}? Customers enter it at once.`))) {
      return;
    }
    try {
      const answer = await api(`/v1/journeys/${encodeURIComponent(name)}`, {
        method: "PUT",
        yaml: editor.value,
      });
      deployed.textContent = `Version ${answer.version}: ${answer.outcome}.`;
    } catch (e) {
      deployed.textContent = e.message;
    }
  });
  page.append(
    el("p", {}, "Errors show as you type (a dry-run deployment). ", link(`#/journey/${encodeURIComponent(name)}`, "Back to the journey")),
    el("div", { class: "editor" }, editor, checked),
    el("div", { class: "actions" }, el("label", { for: "replay-sample" }, "Customers "), sample, replayButton, deployButton),
    deployed,
    el("h2", {}, "Diagram of the edit"),
    drawing,
    el("h2", {}, "What-if replay"),
    replayed,
  );
  showChecked(checked, await check(name, editor.value));
  draw(drawing, name, editor.value);
}
