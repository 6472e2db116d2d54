/**
 * A loopback HTTP server that records every request and answers from a programmable
 * responder. Stands in for the Tender server (built elsewhere) in SDK tests.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  /** Path and query exactly as received. */
  url: string;
  path: string;
  query: string;
  headers: IncomingHttpHeaders;
  /** Raw body text ('' when none). */
  body: string;
  /** Parsed JSON body, or undefined when there was none. */
  json: unknown;
}

export interface FakeReply {
  status?: number;
  /** JSON-serialized unless `raw` is given. */
  body?: unknown;
  raw?: string;
  headers?: Record<string, string>;
}

/** `'destroy'` drops the connection without an answer (a network error for the client). */
export type Responder = (req: RecordedRequest, index: number) => FakeReply | 'destroy' | Promise<FakeReply | 'destroy'>;

export interface FakeServer {
  url: string;
  requests: RecordedRequest[];
  respond(responder: Responder): void;
  close(): Promise<void>;
}

export async function startFakeServer(initial: Responder = () => ({ body: {} })): Promise<FakeServer> {
  let responder = initial;
  const requests: RecordedRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const url = req.url ?? '';
      const q = url.indexOf('?');
      const recorded: RecordedRequest = {
        method: req.method ?? '',
        url,
        path: q === -1 ? url : url.slice(0, q),
        query: q === -1 ? '' : url.slice(q + 1),
        headers: req.headers,
        body,
        json: body === '' ? undefined : safeJson(body),
      };
      const index = requests.push(recorded) - 1;
      void Promise.resolve(responder(recorded, index)).then((reply) => {
        if (reply === 'destroy') {
          req.socket.destroy();
          return;
        }
        const text = reply.raw ?? (reply.body === undefined ? '' : JSON.stringify(reply.body));
        res.writeHead(reply.status ?? 200, { 'content-type': 'application/json', ...reply.headers });
        res.end(text);
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    respond(next) {
      responder = next;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** A session as in the OneEntry docs example. */
export const SESSION_EXAMPLE = {
  id: 46,
  createdDate: '2025-04-30T20:15:30.506Z',
  updatedDate: '2025-04-30T20:15:30.506Z',
  type: 'session',
  status: 'waiting',
  paymentAccountId: 1,
  orderId: 89,
  paymentUrl: null,
};

/** A created order as in the OneEntry docs example. */
export const CREATED_ORDER_EXAMPLE = {
  id: 89,
  formIdentifier: 'order',
  paymentAccountIdentifier: 'cash',
  formData: [{ type: 'string', marker: 'name', value: 'Christina Thomas' }],
  products: [{ productId: 14, quantity: 1 }],
  currency: 'USD',
  totalSum: 340,
  createdDate: '2025-04-30T20:15:29.254Z',
};

/** A login answer as in the OneEntry docs example. */
export const AUTH_EXAMPLE = {
  userIdentifier: 'your-user@email.com',
  authProviderIdentifier: 'email',
  accessToken: 'access-1',
  refreshToken: 'refresh-1',
};
