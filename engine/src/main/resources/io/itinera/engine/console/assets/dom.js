// Elements from data, always as text: no markup from the API is ever parsed.

export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) {
      continue;
    }
    if (name === "onclick") {
      node.addEventListener("click", value);
    } else if (name === "hidden") {
      node.hidden = true;
    } else {
      node.setAttribute(name, value === true ? "" : String(value));
    }
  }
  append(node, children);
  return node;
}

function append(node, children) {
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) {
      continue;
    }
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

export function clear(node) {
  while (node.firstChild) {
    node.removeChild(node.firstChild);
  }
}

/** A table of rows: headings, then one array of cells per row. */
export function table(headings, rows, attributes = {}) {
  return el(
    "table",
    attributes,
    el("thead", {}, el("tr", {}, headings.map((h) => el("th", {}, h)))),
    el(
      "tbody",
      {},
      rows.length === 0
        ? el("tr", { class: "none" }, el("td", { colspan: headings.length }, "none"))
        : rows.map((cells) => el("tr", {}, cells.map((c) => el("td", {}, c)))),
    ),
  );
}

export function link(hash, text) {
  return el("a", { href: hash }, text);
}

export function errorBox(error) {
  return el("p", { class: "error", role: "alert" }, error.message || String(error));
}

export function percent(value) {
  return value === null || value === undefined ? "–" : `${(value * 100).toFixed(1)}%`;
}

export function seconds(value) {
  if (value === null || value === undefined) {
    return "–";
  }
  if (value < 120) {
    return `${Math.round(value)} s`;
  }
  if (value < 7200) {
    return `${Math.round(value / 60)} min`;
  }
  return `${(value / 3600).toFixed(1)} h`;
}

/** Asks before an action with an effect, in the page's own dialog (no window.confirm). */
export function confirmAction(text) {
  const dialog = document.getElementById("confirm");
  document.getElementById("confirm-text").textContent = text;
  return new Promise((resolve) => {
    dialog.addEventListener("close", () => resolve(dialog.returnValue === "yes"), { once: true });
    dialog.returnValue = "";
    dialog.showModal();
  });
}

/**
 * An SVG the server drew, parsed as SVG (a script in it would not run; the server's has none) and
 * put in place of what {@code box} held.
 */
export function showSvg(box, text) {
  const image = new DOMParser().parseFromString(text, "image/svg+xml").documentElement;
  clear(box);
  box.append(document.importNode(image, true));
}
