import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, request as httpRequest, type Server } from 'node:http';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../../src/cli.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface TenderProcess {
  child: ChildProcess;
  url: string;
  output: () => string;
  /** Lines printed at start (URL, App token, …) as a map. */
  banner: Record<string, string>;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/** Starts `tender start` as a real child process (through tsx, so no build is needed). */
export async function spawnTender(env: Record<string, string>, timeoutMs = 60_000): Promise<TenderProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, 'start'], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'warn', HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const deadline = Date.now() + timeoutMs;
  while (!/^URL: /m.test(out)) {
    if (child.exitCode !== null) throw new Error(`tender exited with ${child.exitCode}:\n${out}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`tender did not start in ${timeoutMs} ms:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  await new Promise((r) => setTimeout(r, 50));
  const banner: Record<string, string> = {};
  for (const line of out.split('\n')) {
    const m = /^([A-Z][A-Za-z ]+): (.+)$/.exec(line.trim());
    if (m) banner[m[1]!] = m[2]!;
  }
  return {
    child,
    url: banner.URL!,
    output: () => out,
    banner,
    async kill(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode === null) child.kill(signal);
      await exited;
    },
  };
}

/** A reverse proxy that sends each request to the next upstream in turn. */
export async function roundRobinProxy(upstreams: string[]): Promise<{ url: string; hits: number[]; close(): Promise<void> }> {
  let next = 0;
  const hits = upstreams.map(() => 0);
  const server: Server = createServer((req, res) => {
    const i = next++ % upstreams.length;
    hits[i]!++;
    const target = new URL(req.url ?? '/', upstreams[i]);
    const upstream = httpRequest(target, { method: req.method, headers: { ...req.headers, host: target.host } }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    upstream.on('error', () => {
      res.writeHead(502);
      res.end();
    });
    req.pipe(upstream);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return { url: `http://127.0.0.1:${port}`, hits, close: () => new Promise((r) => server.close(() => r())) };
}
