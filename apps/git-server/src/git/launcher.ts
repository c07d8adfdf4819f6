// The git launcher: a small process the server forks at start, which starts
// git processes for it. fork() copies the page tables of the process that
// calls it, so a spawn from the server (hundreds of MB with the embedded
// database) costs ~35 ms where one from this process costs ~3 ms.
//
// The server connects three Unix sockets per git process (stdin, stdout,
// stderr), each starting with the line `<id> <fd>\n`, and sends the command
// over IPC; the launcher hands the sockets to git as its stdio and keeps no
// copy, so git's bytes go straight between git and the server. Messages:
//   server → launcher  { id, args, env } | { id, kill: signal }
//   launcher → server  { ready: true } | { id, spawned: pid } | { id, error } | { id, exit: code, signal }
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer, type Socket } from 'node:net';

interface Request {
  readonly id: string;
  readonly binary: string;
  readonly args: string[];
  readonly env: NodeJS.ProcessEnv;
}
type Inbound = Request | { readonly id: string; readonly kill: NodeJS.Signals };

const send = (message: Record<string, unknown>) => process.send?.(message);
const [, , name] = process.argv;
if (name === undefined || process.send === undefined) {
  console.error('git launcher: started without an IPC channel and a socket path; the git server forks it');
  process.exit(2);
}

const pending = new Map<string, { sockets: (Socket | undefined)[]; request?: Request }>();
const running = new Map<string, ChildProcess>();

function entry(id: string) {
  let e = pending.get(id);
  if (e === undefined) {
    e = { sockets: [undefined, undefined, undefined] };
    pending.set(id, e);
  }
  return e;
}

function maybeStart(id: string): void {
  const e = pending.get(id);
  if (e?.request === undefined || e.sockets.some((s) => s === undefined)) return;
  pending.delete(id);
  const sockets = e.sockets as Socket[];
  const done = () => {
    for (const s of sockets) s.destroy();
  };
  let child: ChildProcess;
  try {
    child = spawn(e.request.binary, e.request.args, { env: e.request.env, stdio: sockets });
  } catch (error) {
    done();
    send({ id, error: (error as Error).message });
    return;
  }
  // git holds its own copies of the sockets now: closing ours leaves its stdio open.
  child.once('spawn', () => {
    done();
    running.set(id, child);
    send({ id, spawned: child.pid });
  });
  child.once('error', (error) => {
    done();
    if (!running.has(id)) send({ id, error: error.message });
  });
  child.once('exit', (code, signal) => {
    running.delete(id);
    send({ id, exit: code, signal });
  });
}

// Paused on accept: nothing but the header line is read, and git's input is
// only sent by the server once it knows git has started.
const server = createServer({ pauseOnConnect: true }, (socket) => {
  let header = '';
  const onReadable = () => {
    for (let chunk = socket.read(1) as Buffer | null; chunk !== null; chunk = socket.read(1) as Buffer | null) {
      const c = chunk.toString('latin1');
      if (c !== '\n') {
        header += c;
        if (header.length > 64) socket.destroy();
        continue;
      }
      socket.off('readable', onReadable);
      socket.pause();
      const [id, fd] = header.split(' ');
      const index = Number(fd);
      if (id === undefined || !(index >= 0 && index <= 2)) {
        socket.destroy();
        return;
      }
      entry(id).sockets[index] = socket;
      maybeStart(id);
      return;
    }
  };
  socket.on('readable', onReadable);
  socket.on('error', () => {});
});

process.on('message', (message: Inbound) => {
  if ('kill' in message) {
    running.get(message.id)?.kill(message.kill);
    return;
  }
  entry(message.id).request = message;
  maybeStart(message.id);
});
// The server is gone: so is this process (git processes it started end when their sockets close).
process.on('disconnect', () => process.exit(0));
// A path (other systems) or the name of an abstract Unix socket (Linux), which no file exposes.
server.listen(name.startsWith('/') ? name : `\0${name}`, () => send({ ready: true }));
// A socket file goes with the process.
process.on('exit', () => server.close());
