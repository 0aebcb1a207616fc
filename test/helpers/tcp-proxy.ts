import { createServer, connect, type Socket } from 'node:net';

/** Where the next exchange is cut: before the request reaches the server, or after the server acted on it. */
export type Cut = 'before-request' | 'after-answer';

export interface TcpProxy {
  /** The URL of the target, through the proxy. */
  readonly url: string;
  /** Cuts the next connection that sends (before-request) or receives (after-answer) a byte. */
  arm(cut: Cut): void;
  /** How many connections were cut so far. */
  cuts(): number;
  close(): Promise<void>;
}

/** A TCP proxy in front of a PostgreSQL URL that can cut a connection mid-exchange, like a failing network. */
export async function tcpProxy(targetUrl: string): Promise<TcpProxy> {
  const target = new URL(targetUrl);
  let armed: Cut | undefined;
  let cut = 0;
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(Number(target.port), target.hostname);
    sockets.add(client).add(upstream);
    const kill = () => {
      armed = undefined;
      cut += 1;
      client.destroy();
      upstream.destroy();
    };
    client.on('data', (chunk) => (armed === 'before-request' ? kill() : upstream.write(chunk)));
    upstream.on('data', (chunk) => (armed === 'after-answer' ? kill() : client.write(chunk)));
    for (const s of [client, upstream]) {
      s.on('error', () => undefined);
      s.on('close', () => {
        sockets.delete(s);
        client.destroy();
        upstream.destroy();
      });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  const url = new URL(targetUrl);
  url.host = `127.0.0.1:${port}`;
  return {
    url: url.toString(),
    arm: (c) => (armed = c),
    cuts: () => cut,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise((r) => server.close(r));
    },
  };
}
