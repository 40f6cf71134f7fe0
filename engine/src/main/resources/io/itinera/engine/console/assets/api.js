// The console's one way to the API: the key lives in this tab's sessionStorage only (gone when
// the tab closes, never in a cookie, so no other site can make the browser send it) and goes out
// as HTTP Basic on each call, so the API's scopes and audit log apply to the console unchanged.

const STORE = "itinera.console";

/** The signed-in key's scope and header, or null. */
export function session() {
  const saved = sessionStorage.getItem(STORE);
  return saved ? JSON.parse(saved) : null;
}

export function signOut() {
  sessionStorage.removeItem(STORE);
}

/** An error from the API: its RFC 9457 problem's detail, and the HTTP status. */
export class ApiError extends Error {
  constructor(status, detail) {
    super(detail);
    this.status = status;
  }
}

async function call(authorization, method, path, body, yaml) {
  const headers = { Authorization: authorization, Accept: "application/json" };
  if (body !== undefined) {
    headers["Content-Type"] = "application/json";
  }
  if (yaml !== undefined) {
    headers["Content-Type"] = "application/yaml";
  }
  const response = await fetch(path, {
    method,
    headers,
    body: yaml !== undefined ? yaml : body === undefined ? undefined : JSON.stringify(body),
    credentials: "omit",
    cache: "no-store",
  });
  const text = await response.text();
  const type = response.headers.get("Content-Type") || "";
  const parsed = type.includes("json") && text ? JSON.parse(text) : text;
  if (!response.ok) {
    const detail = parsed && parsed.detail ? parsed.detail : `${response.status} ${response.statusText}`;
    const error = new ApiError(response.status, detail);
    error.problem = typeof parsed === "object" ? parsed : null;
    throw error;
  }
  return parsed;
}

/** Calls the API as the signed-in key; signs out (back to the form) when the key stops working. */
export async function api(path, options = {}) {
  const who = session();
  if (!who) {
    throw new ApiError(401, "Signed out.");
  }
  try {
    return await call(who.authorization, options.method || "GET", path, options.body, options.yaml);
  } catch (e) {
    if (e.status === 401) {
      signOut();
      window.dispatchEvent(new HashChangeEvent("hashchange"));
    }
    throw e;
  }
}

/**
 * Checks a key before keeping it: the admin key lists journeys; a read key is refused that (403)
 * but may read a customer's decisions; an ingest key may do neither, and the console has nothing
 * to show it.
 */
export async function signIn(key) {
  if (!key) {
    throw new Error("Paste a key first.");
  }
  const authorization = "Basic " + btoa(unescape(encodeURIComponent(key + ":")));
  let scope;
  try {
    await call(authorization, "GET", "/v1/journeys");
    scope = "admin";
  } catch (e) {
    if (e.status === 401) {
      throw new Error("That key is not valid (unknown, expired or revoked).");
    }
    if (e.status !== 403) {
      throw new Error(`The engine did not answer as expected: ${e.message}`);
    }
    try {
      await call(authorization, "GET", "/v1/customers/console-sign-in/decisions?limit=1");
      scope = "read";
    } catch (inner) {
      throw new Error("That key can only send touchpoints; the console needs a read or admin key.");
    }
  }
  sessionStorage.setItem(STORE, JSON.stringify({ scope, authorization }));
}
