// Stand-in for LivePerson's Agent Workspace widget SDK (`lpTag.agentSDK`), for the dev
// workspace only. In production the widget page loads LivePerson's own script from
// LivePerson's CDN; that script cannot be fetched on this network, so this file imitates
// its public API (exact method names) and the behaviour the widget must survive, as
// documented in shared/reference/PLATFORMS.md section 1:
// - the SDK listens for the host's handshake only after init(): a widget that calls init
//   late misses the first handshake and waits for a retry (5 s by default), or forever;
// - it adopts the first window that hands it a MessagePort, checking no origin;
// - bind calls back first with the current value, then on every change, with {key, newValue};
// - get(key, ok, err) for a path the host cannot answer calls err(e) and then ok(undefined);
// - unbind does not stop updates: the callback keeps being called for the key;
// - a call with no answer fails after 30 s with "Callback: Operation Timeout!".
//
// Transport (the host side is liveperson-host.js), loosely after LivePerson's chronos:
//   host -> window  postMessage({type: "lp-agent-sdk:handshake", version: 1, attempt}, [port])
//   SDK  -> port    {type: "ack"}
//   SDK  -> port    {type: "request", id, method: "get"|"bind"|"unbind", path}
//                   {type: "request", id, method: "command", cmdName, data}
//   host -> port    {type: "response", id, value} | {type: "response", id, error: {message}}
//                   {type: "update", key, newValue}
//                   {type: "notify", kind: "visitorFocused"|"visitorBlurred"|"notification", data}
// Calls made before a port is adopted wait for it; their 30 s start at the call.
// `?timeout_ms=N` on this script's URL shortens the timeout (tests only).

(function () {
  "use strict";

  const HANDSHAKE = "lp-agent-sdk:handshake";
  const TIMEOUT_MESSAGE = "Callback: Operation Timeout!";
  const timeoutMs = (() => {
    try {
      const value = Number(new URL(document.currentScript.src).searchParams.get("timeout_ms"));
      return Number.isFinite(value) && value > 0 ? value : 30000;
    } catch {
      return 30000;
    }
  })();

  let callbacks = {};
  let listening = false;
  let port = null;
  let nextId = 1;
  const outbox = [];
  const pending = new Map(); // id -> {answer(error, value), timer}
  const listeners = new Map(); // key -> [updateCallback]

  // A widget's callback that throws must not break the SDK for the others.
  function call(fn, ...args) {
    if (typeof fn !== "function") return;
    try {
      fn(...args);
    } catch (error) {
      setTimeout(() => {
        throw error;
      });
    }
  }

  function onWindowMessage(event) {
    const data = event.data;
    if (port || !data || data.type !== HANDSHAKE || !event.ports || !event.ports[0]) return;
    // The first window with a port wins; event.origin is deliberately not checked.
    port = event.ports[0];
    port.onmessage = onPortMessage;
    port.postMessage({ type: "ack" });
    for (const message of outbox.splice(0)) port.postMessage(message);
  }

  function onPortMessage(event) {
    const data = event.data || {};
    switch (data.type) {
      case "response": {
        const entry = pending.get(data.id);
        if (!entry) return; // timed out already, or disposed
        pending.delete(data.id);
        clearTimeout(entry.timer);
        const error = data.error ? new Error(data.error.message || String(data.error)) : null;
        entry.answer(error, data.value);
        break;
      }
      case "update":
        for (const fn of (listeners.get(data.key) || []).slice()) {
          call(fn, { key: data.key, newValue: data.newValue });
        }
        break;
      case "notify":
        if (data.kind === "visitorFocused") call(callbacks.visitorFocusedCallback, data.data);
        else if (data.kind === "visitorBlurred") call(callbacks.visitorBlurredCallback, data.data);
        else if (data.kind === "notification") call(callbacks.notificationCallback, data.data);
        break;
    }
  }

  function request(fields, answer) {
    const id = nextId++;
    const timer = setTimeout(() => {
      pending.delete(id);
      answer(new Error(TIMEOUT_MESSAGE), undefined);
    }, timeoutMs);
    pending.set(id, { answer, timer });
    const message = { type: "request", id, ...fields };
    if (port) port.postMessage(message);
    else outbox.push(message);
  }

  const agentSDK = {
    init(options) {
      callbacks = options || {};
      if (!listening) {
        listening = true;
        window.addEventListener("message", onWindowMessage);
      }
    },

    get(path, onSuccess, onError) {
      request({ method: "get", path }, (error, value) => {
        if (error) {
          call(onError, error);
          // LivePerson's quirk: the success callback runs too, with nothing.
          call(onSuccess, undefined);
        } else {
          call(onSuccess, value);
        }
      });
    },

    bind(path, updateCallback, notifyWhenDone) {
      if (!listeners.has(path)) listeners.set(path, []);
      listeners.get(path).push(updateCallback);
      request({ method: "bind", path }, (error, value) => {
        if (!error) call(updateCallback, { key: path, newValue: value });
        call(notifyWhenDone, error);
      });
    },

    // LivePerson's quirk: the callback stays registered, so updates keep arriving.
    unbind(path, callback, notifyWhenDone) {
      request({ method: "unbind", path }, (error) => call(notifyWhenDone, error));
    },

    command(cmdName, data, notifyWhenDone) {
      request({ method: "command", cmdName, data }, (error) => call(notifyWhenDone, error));
    },

    dispose() {
      window.removeEventListener("message", onWindowMessage);
      listening = false;
      if (port) port.close();
      port = null;
      for (const entry of pending.values()) clearTimeout(entry.timer);
      pending.clear();
      outbox.length = 0;
      listeners.clear();
      callbacks = {};
    },
  };

  window.lpTag = window.lpTag || {};
  window.lpTag.agentSDK = agentSDK;
})();
