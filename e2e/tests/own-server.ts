// A social-server of a test's own: its own port and SQLite file, so a spec may cut its
// connections, restart it or give it flags without touching the shared server.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(__dirname, '../..');
const binary = process.env.E2E_SERVER_BIN ?? join(root, 'target/debug/social-server');

/** A free loopback port (the OS picks one, then lets it go). */
export async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((done) => probe.listen(0, '127.0.0.1', done));
  const { port } = probe.address() as AddressInfo;
  await new Promise((done) => probe.close(done));
  return port;
}

export class OwnServer {
  private constructor(
    readonly port: number,
    private readonly child: ChildProcess,
    readonly log: string[],
  ) {}

  get url() {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Starts the server in demo mode on a fresh database, with `flags` added. */
  static async start(flags: string[] = []): Promise<OwnServer> {
    const port = await freePort();
    const database = join(mkdtempSync(join(tmpdir(), 'social-e2e-own-')), 'own.db');
    const child = spawn(
      binary,
      ['--demo', '--port', String(port), '--database-url', `sqlite://${database}?mode=rwc`,
        '--static-dir', join(root, 'dist'), ...flags],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const log: string[] = [];
    child.stdout?.on('data', (chunk) => log.push(String(chunk)));
    child.stderr?.on('data', (chunk) => log.push(String(chunk)));
    const server = new OwnServer(port, child, log);
    for (let waited = 0; waited < 30_000; waited += 100) {
      if (child.exitCode !== null) throw new Error(`social-server exited: ${log.join('')}`);
      try {
        if ((await fetch(`${server.url}/healthz`)).ok) return server;
      } catch { /* not listening yet */ }
      await new Promise((done) => setTimeout(done, 100));
    }
    child.kill();
    throw new Error(`social-server did not answer /healthz in 30 s: ${log.join('')}`);
  }

  /** A demo session's token (as the dev page gets one). */
  async session(account = 'demo', role = 'agent'): Promise<string> {
    const answer = await fetch(`${this.url}/api/demo/session`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ account, role }),
    });
    if (!answer.ok) throw new Error(`demo session: ${answer.status}`);
    return (await answer.json()).token;
  }

  /** The id of the conversation with `consumer`, as the API lists it. */
  async conversationWith(token: string, consumer: string): Promise<number> {
    const answer = await fetch(`${this.url}/api/conversations?view=all`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    const rows: { id: number; consumer_name: string }[] = await answer.json();
    const row = rows.find((r) => r.consumer_name === consumer);
    if (!row) throw new Error(`no conversation with ${consumer}`);
    return row.id;
  }

  /** Writes as the consumer of conversation `id` (what a platform webhook would bring). */
  async playConsumer(token: string, id: number, text: string, space: 'public' | 'private') {
    const answer = await fetch(`${this.url}/api/demo/conversations/${id}/consumer-messages`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
      body: JSON.stringify({ text, space }),
    });
    if (!answer.ok) throw new Error(`consumer message: ${answer.status} ${await answer.text()}`);
    return answer.json();
  }

  /** POSTs a Page delivery of `entry`, signed as Meta signs it (HMAC-SHA256 of the raw body). */
  async deliverToFacebook(appSecret: string, entry: object) {
    const body = JSON.stringify({ object: 'page', entry: [entry] });
    const signature = `sha256=${createHmac('sha256', appSecret).update(body).digest('hex')}`;
    const answer = await fetch(`${this.url}/webhooks/facebook`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Hub-Signature-256': signature },
      body,
    });
    if (answer.status !== 200) throw new Error(`webhook delivery: ${answer.status} ${await answer.text()}`);
  }

  async stop() {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((done) => this.child.once('exit', done));
    this.child.kill('SIGTERM');
    await exited;
  }
}

/**
 * A loopback HTTP proxy in front of a server whose event streams can be cut: `cut()` ends
 * every open stream and answers new ones 503 until `restore()`, as a dropped network would.
 */
export class CuttableProxy {
  private streams = new Set<{ answer: IncomingMessage; outgoing: ServerResponse }>();
  private sockets = new Set<Socket>();
  private cutOff = false;
  streamsOpened = 0;

  private constructor(private readonly server: Server, readonly port: number) {}

  get url() {
    return `http://127.0.0.1:${this.port}`;
  }

  static async start(target: OwnServer): Promise<CuttableProxy> {
    let proxy!: CuttableProxy;
    const server = createServer((incoming, outgoing) => {
      const isStream = /\/events(\?|$)/.test(incoming.url ?? '');
      if (isStream && proxy.cutOff) {
        outgoing.writeHead(503).end();
        return;
      }
      if (isStream) proxy.streamsOpened += 1;
      const upstream = request(
        { host: '127.0.0.1', port: target.port, path: incoming.url, method: incoming.method, headers: incoming.headers },
        (answer) => {
          outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(outgoing);
          if (isStream) {
            const pair = { answer, outgoing };
            proxy.streams.add(pair);
            outgoing.once('close', () => proxy.streams.delete(pair));
          }
        },
      );
      upstream.on('error', () => outgoing.destroy());
      incoming.pipe(upstream);
    });
    server.on('connection', (socket) => {
      proxy.sockets.add(socket);
      socket.once('close', () => proxy.sockets.delete(socket));
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    proxy = new CuttableProxy(server, (server.address() as AddressInfo).port);
    return proxy;
  }

  /** Ends every open event stream, and refuses new ones until `restore()`. */
  cut() {
    this.cutOff = true;
    for (const { answer, outgoing } of this.streams) {
      outgoing.destroy();
      answer.destroy();
    }
    this.streams.clear();
  }

  restore() {
    this.cutOff = false;
  }

  async stop() {
    for (const socket of this.sockets) socket.destroy();
    await new Promise((done) => this.server.close(done));
  }
}
