// Shared by the two dev agent workspaces (postMessage at `/`, LivePerson stand-in at
// `/liveperson`): query options, the conversation lists, the framed widget, the reply box
// and the log. The pages imitate a real agent workspace on another origin than the widget,
// so the widget's embedding code meets the same cross-origin rules as in production.
// Everything built from data uses textContent: names and texts come from consumers.

const SVG = "http://www.w3.org/2000/svg";

// The same marks as the widget's `src/components/source_icon.rs`.
const SOURCES = {
  facebook: {
    label: "Facebook",
    mark: "M13.5 21v-7.5H16l.5-3h-3V8.6c0-.9.3-1.6 1.6-1.6h1.5V4.3A20 20 0 0 0 14.3 4c-2.3 0-3.8 1.4-3.8 4v2.5H8v3h2.5V21z",
  },
  x: {
    label: "X",
    mark: "M17.8 3h3.1l-6.8 7.8L22 21h-6.2l-4.9-6.4L5.3 21H2.2l7.3-8.3L1.9 3h6.4l4.4 5.8zm-1.1 16.2h1.7L7.4 4.7H5.5z",
  },
};

const SPACES = { public: "Public", private: "Private", internal: "Internal note" };

// The page's options, read once from the query string.
export function readParams() {
  const query = new URLSearchParams(location.search);
  const theme = query.get("theme");
  const int = (name, fallback, min) => {
    const value = Number.parseInt(query.get(name) ?? "", 10);
    return Number.isFinite(value) && value >= min ? value : fallback;
  };
  return {
    theme: theme === "dark" ? "dark" : "light",
    themeGiven: theme === "light" || theme === "dark",
    width: int("width", 360, 200),
    focus: query.get("focus") || null,
    auth: query.get("auth") !== "none",
    retries: int("retries", 3, 0),
    retryMs: int("retry_ms", 5000, 1),
    unanswered: (query.get("unanswered") ?? "").split(",").filter(Boolean),
  };
}

// Without `?theme` the page follows the system; with it, the page takes that theme.
export function applyPageTheme(params) {
  if (params.themeGiven) document.documentElement.dataset.theme = params.theme;
}

export async function getJson(url, init) {
  const response = await fetch(url, { headers: { accept: "application/json" }, ...init });
  if (!response.ok) throw new Error(`${init?.method ?? "GET"} ${url} answered ${response.status}`);
  return response.json();
}

// `{widget_url, agent: {id, name}}`, with the widget's exact origin worked out once.
export async function loadConfig() {
  const config = await getJson("/workspace-api/config");
  const widgetOrigin = new URL(config.widget_url).origin;
  return { ...config, widgetOrigin };
}

// Header: the widget's origin and the signed-in agent.
export function showConfig(config) {
  text("#widget-origin", config.widgetOrigin);
  text("#agent-name", config.agent?.name ?? "unknown agent");
}

// A page-level problem, read out once (role="alert" in the HTML).
export function showProblem(message) {
  const box = document.querySelector("#problem");
  box.textContent = message;
  box.hidden = false;
}

function text(selector, value) {
  const element = document.querySelector(selector);
  if (element) element.textContent = value;
}

// The source's mark, decorative: the label always goes beside it.
export function sourceIcon(source) {
  const known = SOURCES[source];
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("class", `icon icon--${source}`);
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("width", "16");
  svg.setAttribute("height", "16");
  svg.setAttribute("fill", "currentColor");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  if (known) {
    const path = document.createElementNS(SVG, "path");
    path.setAttribute("d", known.mark);
    path.setAttribute("fill-rule", "evenodd");
    svg.append(path);
  }
  return svg;
}

function span(className, content) {
  const element = document.createElement("span");
  element.className = className;
  if (content !== undefined) element.textContent = content;
  return element;
}

// "My conversations" / "All conversations" over `#list`. `idOf(row)` is the id the
// workspace focuses by; `onSelect(id, row)` runs when the agent picks another row.
// The selection is the page's, not the list's: switching lists keeps it, and the row
// shows as current wherever it is present.
export function createLists({ idOf, onSelect }) {
  const list = document.querySelector("#list");
  const status = document.querySelector("#list-status");
  const tabs = [...document.querySelectorAll("[data-view]")];
  let view = "mine";
  let rows = [];
  let selected = null;
  let loading = null;

  for (const tab of tabs) {
    tab.addEventListener("click", () => show(tab.dataset.view));
  }

  async function fetchRows(which) {
    loading?.abort();
    const controller = new AbortController();
    loading = controller;
    list.setAttribute("aria-busy", "true");
    try {
      const answer = await getJson(`/workspace-api/conversations?view=${which}`, { signal: controller.signal });
      return Array.isArray(answer) ? answer : [];
    } finally {
      if (loading === controller) {
        loading = null;
        list.removeAttribute("aria-busy");
      }
    }
  }

  async function show(which) {
    view = which;
    for (const tab of tabs) tab.setAttribute("aria-pressed", String(tab.dataset.view === which));
    try {
      rows = await fetchRows(which);
    } catch (error) {
      if (error.name === "AbortError") return;
      rows = [];
      render(`Could not load the conversations: ${error.message}`);
      return;
    }
    render(rows.length === 0 ? "No conversations in this list." : "");
  }

  function render(message) {
    status.textContent = message;
    status.hidden = message === "";
    list.replaceChildren(...rows.map(row));
  }

  function row(data) {
    const id = idOf(data);
    const button = document.createElement("button");
    button.type = "button";
    button.className = "row";
    button.dataset.id = id;
    if (id === selected) button.setAttribute("aria-current", "true");
    button.addEventListener("click", () => select(id, data));

    // The " " between parts are invisible in the flex layout but keep the button's
    // accessible name (and textContent) readable: "Facebook Public Ann Hello".
    const top = span("row__top");
    const source = span("row__source");
    source.append(sourceIcon(data.source), SOURCES[data.source]?.label ?? String(data.source));
    top.append(source, " ", span(`space space--${data.space}`, SPACES[data.space] ?? String(data.space)));
    const parts = [top, span("row__name", data.consumer_name), span("row__preview", data.last_message_preview)];
    if (view === "all") {
      parts.push(span("row__owner", data.assigned_to ? `Assigned to ${data.assigned_to}` : "Unassigned"));
    }
    button.append(...parts.flatMap((part, i) => (i === 0 ? [part] : [" ", part])));
    const item = document.createElement("li");
    item.append(button);
    return item;
  }

  // Marks `id` current. Returns whether it changed; only the agent's click tells the page.
  function mark(id) {
    if (id === selected) return false;
    selected = id;
    for (const button of list.querySelectorAll(".row")) {
      if (button.dataset.id === id) button.setAttribute("aria-current", "true");
      else button.removeAttribute("aria-current");
    }
    return true;
  }

  function select(id, data) {
    if (mark(id)) onSelect(id, data);
  }

  return {
    // Loads "My conversations" and selects `focus` (either id of a row, looked up in My
    // then All) or else the first row. Resolves when the selection is known.
    async start(focus) {
      await show("mine");
      let initial = rows[0] ? idOf(rows[0]) : null;
      if (focus) {
        const matches = (r) => r.custom_id === focus || r.liveperson_id === focus;
        let found = rows.find(matches);
        if (!found) found = (await fetchRows("all").catch(() => [])).find(matches);
        initial = found ? idOf(found) : focus;
      }
      mark(initial);
      return initial;
    },
    selected: () => selected,
    // Selects without telling the page (for the test hooks).
    mark,
  };
}

// The widget's iframe, `load` listener attached before `src` so no load is missed.
export function mountWidget(url, { width, onLoad, fill }) {
  const iframe = document.createElement("iframe");
  iframe.title = "Social widget";
  iframe.className = fill ? "widget-frame widget-frame--fill" : "widget-frame";
  iframe.style.width = `${width}px`;
  iframe.addEventListener("load", onLoad);
  iframe.src = url;
  document.querySelector("#widget-slot").replaceChildren(iframe);
  return iframe;
}

// The widget's height from its own measure, never under 400 px.
export function resizeWidget(iframe, height) {
  iframe.style.height = `${Math.max(400, Math.ceil(height))}px`;
}

// Appends to the workspace's reply box, as a real workspace's input box does.
export function writeReply(value) {
  const reply = document.querySelector("#reply");
  reply.value += value;
  reply.dispatchEvent(new Event("input", { bubbles: true }));
}

// One entry of "Messages from the widget": its type (or, for LivePerson, the call) only,
// so a test can compare the entries exactly.
export function logReceived(entry) {
  const item = document.createElement("li");
  item.textContent = entry;
  document.querySelector("#log").append(item);
}
