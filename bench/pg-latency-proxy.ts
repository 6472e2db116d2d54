/**
 * A TCP proxy in front of PostgreSQL that delays every chunk by a fixed time each way, so that
 * the benchmark can show what a round trip costs where PostgreSQL runs on another host (here it
 * is on the same machine, a round trip of a few tens of microseconds). Linux's netem would do
 * this in the kernel, but this machine's kernel has no netem module ("Specified qdisc kind is
 * unknown"); a proxy in Node is the portable way.
 *
 *   npx tsx bench/pg-latency-proxy.ts [one-way ms, whole, default 1] [port, default 6543]
 *   DATABASE_URL=postgres://postgres@127.0.0.1:6543/test BENCH_PARTS=lifecycle npm run bench
 *
 * Every chunk of a connection waits the same time, so chunks leave in the order they came. The
 * proxy's own forwarding adds its CPU to the machine's; compare runs through it with each other,
 * not with runs without it.
 */
import net from 'node:net';

const oneWayMs = Math.max(1, Math.round(Number(process.argv[2] ?? 1)));
const port = Number(process.argv[3] ?? 6543);
const target = { host: process.env.PGHOST ?? '127.0.0.1', port: Number(process.env.PGPORT ?? 5432) };

/**
 * Forwards `from` to `to`, each chunk `ms` later than it arrived. Timers of one duration fire in
 * the order they were set (Node keeps one list per duration), so chunks leave in order; Node's
 * timers count whole milliseconds, so the shortest delay is 1 ms each way.
 */
function delayed(from: net.Socket, to: net.Socket, ms: number): void {
  let pending = 0;
  let ended = false;
  from.on('data', (chunk: Buffer) => {
    pending++;
    setTimeout(() => {
      pending--;
      to.write(chunk);
      if (ended && pending === 0) to.end();
    }, ms);
  });
  from.on('end', () => {
    ended = true;
    if (pending === 0) to.end();
  });
}

const server = net.createServer((client) => {
  client.setNoDelay(true);
  const upstream = net.connect(target, () => upstream.setNoDelay(true));
  delayed(client, upstream, oneWayMs);
  delayed(upstream, client, oneWayMs);
  const close = () => {
    client.destroy();
    upstream.destroy();
  };
  client.on('error', close);
  upstream.on('error', close);
  client.on('close', close);
  upstream.on('close', close);
});
server.listen(port, '127.0.0.1', () => {
  console.log(`PostgreSQL at ${target.host}:${target.port} behind 127.0.0.1:${port}, ${oneWayMs} ms each way (${2 * oneWayMs} ms a round trip)`);
});
