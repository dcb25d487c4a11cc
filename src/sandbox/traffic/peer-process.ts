import { readFile, readdir, readlink } from 'node:fs/promises';
import type { Socket } from 'node:net';

/**
 * The process on the other end of a loopback connection, found the way `ss -p` finds it: the
 * socket's inode in /proc/net/tcp{,6} (local port = the client's port, remote port = ours), then
 * the process holding `socket:[inode]` among its file descriptors. Linux only; elsewhere, or when
 * the client is this very process, the answer is undefined.
 */
export async function findPeerProcess(socket: Pick<Socket, 'remotePort' | 'localPort'>): Promise<number | undefined> {
  const { remotePort, localPort } = socket;
  if (!remotePort || !localPort) return undefined;
  const inode = await findInode(remotePort, localPort);
  if (!inode) return undefined;
  const target = `socket:[${inode}]`;
  const pids = (await readdir('/proc').catch(() => [] as string[])).filter((name) => /^\d+$/.test(name) && Number(name) !== process.pid);
  for (const pid of pids) {
    const fds = await readdir(`/proc/${pid}/fd`).catch(() => [] as string[]);
    for (const fd of fds) {
      if ((await readlink(`/proc/${pid}/fd/${fd}`).catch(() => '')) === target) return Number(pid);
    }
  }
  return undefined;
}

async function findInode(clientPort: number, serverPort: number): Promise<string | undefined> {
  const hex = (port: number) => port.toString(16).toUpperCase().padStart(4, '0');
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    const text = await readFile(table, 'utf8').catch(() => '');
    for (const line of text.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      const local = fields[1]?.split(':')[1];
      const remote = fields[2]?.split(':')[1];
      if (local === hex(clientPort) && remote === hex(serverPort) && fields[9] && fields[9] !== '0') return fields[9];
    }
  }
  return undefined;
}

/** `pid` and its ancestors, nearest first (Linux /proc/<pid>/stat; empty elsewhere). */
export async function processLineage(pid: number): Promise<number[]> {
  const lineage: number[] = [];
  let current = pid;
  while (current > 1 && lineage.length < 32) {
    lineage.push(current);
    const stat = await readFile(`/proc/${current}/stat`, 'utf8').catch(() => '');
    // Field 4 (ppid) follows the command name, which is in parentheses and may hold spaces.
    current = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1] ?? 0);
  }
  return lineage;
}
