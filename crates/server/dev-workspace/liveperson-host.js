// The LivePerson dev workspace at `/liveperson`: imitates LivePerson's Agent Workspace on
// another origin, hosting the widget through the host side of the SDK stand-in
// (lp-agent-sdk-standin.js, which the widget page loads instead of LivePerson's CDN script,
// unreachable from this network). Like a chronos host it hands the frame a MessagePort on
// the iframe's `load` and retries every 5 s, 3 times, until acknowledged
// (`?retries=N&retry_ms=M` change that); it then answers the SDK's calls over the port.
// Paths: chatInfo.rtSessionId (the selected row's liveperson_id), chatInfo.isMessaging,
// agentInfo, applicationInfo.theme; command "Write ChatLine" {text}.
// `?unanswered=path1,path2` leaves calls for those paths unanswered (the SDK's timeout).

import {
  applyPageTheme,
  createLists,
  loadConfig,
  logReceived,
  mountWidget,
  readParams,
  showConfig,
  showProblem,
  writeReply,
} from "./workspace-shared.js";

const HANDSHAKE = "lp-agent-sdk:handshake";
const SESSION_KEY = "chatInfo.rtSessionId";

const params = readParams();
applyPageTheme(params);

let config = null;
let iframe = null;
let widgetOrigin = null;
let rtSessionId = null;

// One connection per load of the frame: a reloaded widget loses every binding.
let connection = null;

const lists = createLists({
  idOf: (row) => row.liveperson_id,
  onSelect: (id) => {
    rtSessionId = id;
    update(SESSION_KEY, id);
    push({ type: "notify", kind: "visitorFocused" });
  },
});

// Test hook: `focus` sends a raw rtSessionId update (no visitor-focused notification);
// `received` collects the widget's commands as {cmdName, data}.
const received = [];
window.devWorkspace = {
  focus(livepersonId) {
    rtSessionId = livepersonId;
    lists.mark(livepersonId);
    return update(SESSION_KEY, livepersonId);
  },
  selected: () => lists.selected(),
  received,
  // How far the handshake went: {attempts, connected}.
  connection: () => ({ attempts: connection?.attempts ?? 0, connected: Boolean(connection?.port) }),
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
  rtSessionId = await lists.start(params.focus);
  widgetOrigin = config.widgetOrigin;
  iframe = mountWidget(config.widget_url, { width: params.width, onLoad: connect, fill: true });
}

function connect() {
  disconnect();
  connection = { attempts: 0, candidates: [], port: null, timer: null };
  handshake(connection);
  showConnection();
}

function disconnect() {
  if (!connection) return;
  clearTimeout(connection.timer);
  for (const port of connection.candidates) port.close();
  connection = null;
}

// Each attempt hands over a fresh port; the first one acknowledged becomes the connection.
function handshake(current) {
  if (connection !== current || current.port) return;
  const channel = new MessageChannel();
  current.candidates.push(channel.port1);
  channel.port1.onmessage = (event) => onPortMessage(current, channel.port1, event.data);
  current.attempts += 1;
  iframe.contentWindow?.postMessage(
    { type: HANDSHAKE, version: 1, attempt: current.attempts },
    widgetOrigin,
    [channel.port2],
  );
  current.timer = current.attempts <= params.retries
    ? setTimeout(() => handshake(current), params.retryMs)
    : null;
  showConnection();
}

function showConnection() {
  const status = document.querySelector("#connection");
  if (!connection) status.textContent = "Not connected.";
  else if (connection.port) status.textContent = `SDK connected (handshake ${connection.attempts}).`;
  else if (connection.timer) status.textContent = `Handshake sent ${connection.attempts} time(s), waiting for the SDK.`;
  else status.textContent = `Handshake sent ${connection.attempts} time(s), no retry left: waiting for the SDK.`;
}

function onPortMessage(current, port, data) {
  if (connection !== current || typeof data !== "object" || data === null) return;
  if (!current.port) {
    if (data.type !== "ack") return;
    current.port = port;
    clearTimeout(current.timer);
    current.timer = null;
    for (const other of current.candidates) if (other !== port) other.close();
    current.candidates = [port];
    logReceived("ack");
    showConnection();
    return;
  }
  if (port === current.port && data.type === "request") answer(data);
}

function answer(request) {
  const { id, method } = request;
  const path = typeof request.path === "string" ? request.path : "";
  if (method === "command") {
    const cmdName = String(request.cmdName);
    received.push({ cmdName, data: request.data });
    logReceived(`command ${cmdName}`);
    return command(id, cmdName, request.data);
  }
  logReceived(`${method} ${path}`);
  if (params.unanswered.includes(path)) return;
  switch (method) {
    case "get":
    case "bind": {
      // A bind is answered with the current value; updates follow on every change.
      const value = lookup(path);
      if (value === undefined) return respond(id, { error: { message: `Unknown path: ${path}` } });
      return respond(id, { value });
    }
    case "unbind":
      // Like LivePerson: acknowledged, but updates for the key keep being sent.
      return respond(id, {});
    default:
      return respond(id, { error: { message: `Unknown method: ${method}` } });
  }
}

function command(id, cmdName, data) {
  if (cmdName === "Write ChatLine" && typeof data?.text === "string") {
    writeReply(data.text);
    return respond(id, {});
  }
  if (cmdName === "Write ChatLine") return respond(id, { error: { message: "Write ChatLine needs {text}" } });
  return respond(id, { error: { message: `Unknown command: ${cmdName}` } });
}

function model() {
  const agent = config.agent ?? {};
  return {
    chatInfo: { rtSessionId, isMessaging: true },
    agentInfo: {
      agentId: String(agent.id ?? ""),
      agentName: String(agent.name ?? ""),
      agentNickname: String(agent.name ?? ""),
      accountId: String(agent.account_id ?? config.account_id ?? "dev"),
    },
    applicationInfo: { theme: params.theme },
  };
}

function lookup(path) {
  let value = model();
  for (const part of path.split(".")) {
    if (typeof value !== "object" || value === null || !Object.hasOwn(value, part)) return undefined;
    value = value[part];
  }
  return value;
}

function respond(id, fields) {
  push({ type: "response", id, ...fields });
}

// Sent whether or not the widget bound the key: without a binding the SDK drops it.
function update(key, newValue) {
  return push({ type: "update", key, newValue });
}

function push(message) {
  if (!connection?.port) return false;
  connection.port.postMessage(message);
  return true;
}
