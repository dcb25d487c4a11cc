import { Agent } from 'node:https';
import { isIP, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';

/** A request option: called once the request's new connection finished its TLS handshake (or failed). */
export const CONNECTED = Symbol('entra-mail.connected');

interface Ready {
  socket: Socket;
  secured: boolean;
  release(): void;
}

/**
 * Node's keep-alive HTTPS agent, as the Azure SDK pipeline's HTTP client makes for itself
 * (docs/sdk-behaviour.md#azureidentity-and-msal-node), plus two things:
 *
 * - a request may ask to hear when its new connection's TLS handshake is over (`CONNECTED`);
 * - `preconnect` opens connections to an origin before the requests that will use them exist:
 *   `createConnection` hands them to the next requests to that origin instead of dialing
 *   (docs/performance.md#connections-opened-during-the-token-request). A connection waiting there
 *   is unref'd, as Node's agent does with a free keep-alive socket, so it never keeps the process
 *   alive; one that fails or closes while it waits is dropped, its error unseen, and the request
 *   dials itself and reports what happens then, as it would have anyway.
 */
export class KeepAliveAgent extends Agent {
  /** Connections opened ahead of use, by the agent's name for their origin (`getName`). */
  readonly #ready = new Map<string, Ready[]>();

  /**
   * Opens connections to `origin` (https only) until the agent has `count` for it, counting those
   * it already has, busy or free, which the next requests would use first. Never more than the
   * agent's `maxSockets` for the origin.
   */
  preconnect(origin: string, count: number): void {
    const url = new URL(origin);
    if (url.protocol !== 'https:') return;
    // The options Node's agent names a request's connection by: host and port as the pipeline's
    // client passes them (the URL's), the server name from the Host header, none for an IP address.
    const options = {
      ...this.options,
      host: url.hostname,
      port: Number(url.port) || 443,
      servername: isIP(url.hostname) ? '' : url.hostname,
    };
    const name = this.getName(options);
    const have = (this.sockets[name]?.length ?? 0) + (this.freeSockets[name]?.length ?? 0) + (this.#ready.get(name)?.length ?? 0);
    for (let n = have; n < Math.min(count, this.maxSockets); n++) this.#open(name, options);
  }

  override createConnection(options: Parameters<Agent['createConnection']>[0], callback?: (err: Error | null, stream: Duplex) => void) {
    const ready = this.#take((options as { _agentKey?: string })._agentKey ?? this.getName(options));
    const socket = ready?.socket ?? super.createConnection(options, callback);
    const report = (options as { [CONNECTED]?: () => void })[CONNECTED];
    if (report && socket) {
      if (ready?.secured) setImmediate(report);
      else for (const event of ['secureConnect', 'error', 'close']) socket.once(event, () => setImmediate(report));
    }
    return socket;
  }

  #open(name: string, options: Parameters<Agent['createConnection']>[0]): void {
    // `_agentKey` lets Node's agent cache the TLS session for the origin, as it does for its own connections.
    const socket = super.createConnection({ ...options, _agentKey: name } as typeof options) as Socket | undefined;
    if (!socket) return;
    const ready: Ready = { socket, secured: false, release: () => undefined };
    const secured = () => {
      ready.secured = true;
    };
    const drop = () => {
      this.#forget(name, ready);
      socket.destroy();
    };
    // The swallowing 'error' listener stays on a dropped socket: nothing else listens to it.
    const swallow = () => undefined;
    socket.on('error', swallow);
    socket.once('error', drop);
    socket.once('end', drop);
    socket.once('close', drop);
    socket.once('secureConnect', secured);
    ready.release = () => {
      socket.off('error', swallow);
      socket.off('error', drop);
      socket.off('end', drop);
      socket.off('close', drop);
      socket.off('secureConnect', secured);
      socket.ref();
    };
    socket.unref();
    this.#ready.set(name, [...(this.#ready.get(name) ?? []), ready]);
  }

  #take(name: string): Ready | undefined {
    const ready = this.#ready.get(name)?.find((r) => !r.socket.destroyed);
    if (!ready) return undefined;
    this.#forget(name, ready);
    ready.release();
    return ready;
  }

  #forget(name: string, ready: Ready): void {
    const left = (this.#ready.get(name) ?? []).filter((r) => r !== ready);
    if (left.length) this.#ready.set(name, left);
    else this.#ready.delete(name);
  }
}
