// The Itinera console: one page, routed by the URL's hash, reading the /v1 API with the key the
// user signed in with. Everything shown is built with textContent (never innerHTML from data), and
// the Content-Security-Policy allows no inline script; the one HTML swapped in is the journey
// diagram, an SVG the server draws and escapes. See docs/console.md.

import { signIn, signOut, session } from "./api.js";
import { journeysPage } from "./journeys.js";
import { journeyPage } from "./journey.js";
import { customerPage, customerSearchPage } from "./customer.js";
import { channelsPage, deliveryPage } from "./channels.js";
import { editorPage } from "./editor.js";
import { el, clear } from "./dom.js";

const page = document.getElementById("page");
let leave = () => {};

function route() {
  leave();
  leave = () => {};
  const who = session();
  document.getElementById("sign-in").hidden = who !== null;
  document.getElementById("nav").hidden = who === null;
  document.getElementById("sign-out").hidden = who === null;
  page.hidden = who === null;
  document.getElementById("who").textContent = who ? `${who.scope} key` : "";
  if (who === null) {
    document.getElementById("key").focus();
    return;
  }
  const [, section, ...rest] = (location.hash || "#/journeys").split("/");
  const id = rest.map(decodeURIComponent).join("/");
  clear(page);
  // A fresh view per visit: a page still loading when the user moves on fills a detached one.
  const view = el("div", { class: "view" });
  page.append(view);
  const shown = (() => {
    switch (section) {
      case "journey":
        return journeyPage(view, id, who);
      case "edit":
        return editorPage(view, id, who);
      case "customers":
        return customerSearchPage(view);
      case "customer":
        return customerPage(view, id, who);
      case "channels":
        return channelsPage(view, who);
      case "delivery":
        return deliveryPage(view, id, who);
      default:
        return journeysPage(view, who);
    }
  })();
  Promise.resolve(shown)
    .then((stop) => {
      if (typeof stop === "function") {
        leave = stop;
      }
    })
    .catch((error) => view.append(el("p", { class: "error", role: "alert" }, error.message)));
}

document.getElementById("sign-in-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const error = document.getElementById("sign-in-error");
  error.hidden = true;
  const input = document.getElementById("key");
  try {
    await signIn(input.value.trim());
    input.value = "";
    route();
  } catch (e) {
    error.textContent = e.message;
    error.hidden = false;
  }
});

document.getElementById("sign-out").addEventListener("click", () => {
  signOut();
  location.hash = "#/journeys";
  route();
});

window.addEventListener("hashchange", route);
route();
