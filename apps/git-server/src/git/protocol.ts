// The parts of git's smart HTTP protocol the server speaks itself
// (gitprotocol-http(5)); everything else is the git processes' own output.
import { READ, WRITE } from '../auth/roles.js';

export const SERVICES = {
  'git-upload-pack': { command: 'upload-pack', need: READ },
  'git-receive-pack': { command: 'receive-pack', need: WRITE },
} as const;
export type ServiceName = keyof typeof SERVICES;

export const isService = (name: unknown): name is ServiceName =>
  name === 'git-upload-pack' || name === 'git-receive-pack';

/** The pkt-line `# service=<name>\n` followed by a flush-pkt, which starts a v0 advertisement over HTTP. */
export function serviceHeader(service: ServiceName): Buffer {
  const line = `# service=${service}\n`;
  return Buffer.from(`${(line.length + 4).toString(16).padStart(4, '0')}${line}0000`);
}

/** Refs and RPC results must never be cached by a proxy (what git http-backend sends). */
export const NO_CACHE = {
  expires: 'Fri, 01 Jan 1980 00:00:00 GMT',
  pragma: 'no-cache',
  'cache-control': 'no-cache, max-age=0, must-revalidate',
} as const;

/**
 * The Git-Protocol header, passed to git as GIT_PROTOCOL (how clients ask for
 * protocol v2): colon-separated key[=value] pairs of printable ASCII. Anything
 * else is dropped, and git then speaks v0.
 */
export function gitProtocol(header: string | string[] | undefined): string | undefined {
  if (typeof header !== 'string' || header.length > 256 || !/^[\x21-\x7e]+$/.test(header)) return undefined;
  return header;
}

export const wantsV2 = (protocol: string | undefined): boolean => protocol?.split(':').includes('version=2') === true;
