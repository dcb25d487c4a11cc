import { createServer, type IncomingMessage } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { PUBLIC_HOSTS } from './public-hosts.ts';

/** The loopback proxy that lets unmodified clients reach the sandbox under Microsoft's names. */
export interface SandboxProxy {
  /** `http://127.0.0.1:<port>`, the value for HTTPS_PROXY. */
  url: string;
  port: number;
  close(): Promise<void>;
}

/**
 * An HTTP proxy on 127.0.0.1 that answers `CONNECT login.microsoftonline.com:443` (and
 * graph.microsoft.com, outlook.office365.com) by handing the tunnel to the sandbox's own HTTPS
 * server, whose certificate carries those names. Every other host, and every plain-HTTP request,
 * is refused with 403: nothing leaves the machine. docs/sandbox-fidelity.md#microsofts-host-names.
 */
export async function startSandboxProxy(tlsServer: HttpsServer, port: number): Promise<SandboxProxy> {
  const server = createServer((_req, res) => {
    res.writeHead(403, { 'content-type': 'text/plain' });
    res.end(`The entra-mail sandbox proxy forwards only HTTPS (CONNECT) to ${PUBLIC_HOSTS.join(', ')}.\n`);
  });
  server.on('connect', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    // A client that hangs up early must not take the sandbox down.
    socket.on('error', () => socket.destroy());
    const [host = '', targetPort = '443'] = (req.url ?? '').toLowerCase().split(':');
    if (!(PUBLIC_HOSTS as readonly string[]).includes(host) || targetPort !== '443') {
      socket.end(
        `HTTP/1.1 403 Forbidden\r\ncontent-type: text/plain\r\n\r\nThe entra-mail sandbox proxy refuses ${req.url ?? ''}: it serves only ${PUBLIC_HOSTS.join(', ')}.\n`,
      );
      return;
    }
    socket.write('HTTP/1.1 200 Connection Established\r\n\r\n', () => {
      if (head.length > 0) socket.unshift(head);
      // The client's own connection becomes a connection of the HTTPS server: one hop, and the
      // peer of every request is still the client process (for kill faults).
      tlsServer.emit('connection', socket);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const actual = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${actual}`,
    port: actual,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
