// The postMessage dev workspace at `/`: imitates an agent workspace on another origin that
// frames the widget and drives it with the widget's postMessage protocol v1
// (notes/protocol.md). Like a real host it sends its state ONCE on the iframe's `load`
// (the widget must queue what arrives early) and again whenever the widget says `ready`;
// it talks only to the widget's exact origin and listens only to that frame.

import {
  applyPageTheme,
  createLists,
  getJson,
  loadConfig,
  logReceived,
  mountWidget,
  readParams,
  resizeWidget,
  showConfig,
  showProblem,
  writeReply,
} from "./workspace-shared.js";

const PROTOCOL = "social-widget";
const VERSION = 1;

const params = readParams();
applyPageTheme(params);

let config = null;
let token = null;
let iframe = null;

const lists = createLists({
  idOf: (row) => row.custom_id,
  onSelect: (id) => post(message("focus", { conversation: id })),
});

// Test hook: `send` posts a raw object to the widget (same target origin as the page's own
// messages); `received` collects the widget's valid messages, `sent` the page's.
const received = [];
const sent = [];
window.devWorkspace = {
  send: (raw) => post(raw),
  selected: () => lists.selected(),
  received,
  sent,
};

start();

async function start() {
  try {
    config = await loadConfig();
  } catch (error) {
    showProblem(`Could not read the workspace configuration: ${error.message}`);
    return;
  }
  showConfig(config);
  // The token is fetched before the iframe exists, so the first send is not delayed.
  const [session] = await Promise.all([
    params.auth ? fetchSession() : null,
    lists.start(params.focus),
  ]);
  token = session?.token ?? null;
  window.addEventListener("message", onMessage);
  iframe = mountWidget(config.widget_url, { width: params.width, onLoad: sendState });
}

async function fetchSession() {
  try {
    return await getJson("/workspace-api/session", { method: "POST" });
  } catch (error) {
    showProblem(`No session token for the widget (it will ask to sign in): ${error.message}`);
    return null;
  }
}

function message(type, fields = {}) {
  return { protocol: PROTOCOL, version: VERSION, type, ...fields };
}

// Everything a host knows, in the protocol's order: theme, agent, auth, focus.
function sendState() {
  post(message("theme", { theme: params.theme }));
  post(message("agent", { agent: { id: String(config.agent.id), name: String(config.agent.name) } }));
  if (token) post(message("auth", { token }));
  post(message("focus", { conversation: lists.selected() }));
}

function post(data) {
  if (!iframe?.contentWindow) return false;
  iframe.contentWindow.postMessage(data, config.widgetOrigin);
  sent.push(data);
  return true;
}

// Only the framed widget, from its exact origin, with the protocol's shape; anything
// else is ignored.
function onMessage(event) {
  if (event.origin !== config.widgetOrigin || event.source !== iframe?.contentWindow) return;
  const data = event.data;
  if (!isValid(data)) return;
  received.push(data);
  logReceived(data.type);
  switch (data.type) {
    case "ready":
      sendState();
      break;
    case "write":
      writeReply(data.text);
      break;
    case "resize":
      resizeWidget(iframe, data.height);
      break;
    case "error":
      showProblem(`The widget reports: ${data.message}`);
      break;
  }
}

function isValid(data) {
  if (typeof data !== "object" || data === null) return false;
  if (data.protocol !== PROTOCOL || data.version !== VERSION) return false;
  switch (data.type) {
    case "ready":
      return true;
    case "write":
      return typeof data.text === "string";
    case "resize":
      return typeof data.height === "number" && Number.isFinite(data.height) && data.height >= 0;
    case "error":
      return typeof data.message === "string";
    default:
      return false;
  }
}
