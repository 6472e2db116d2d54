// The part of autocannon 8's API the benchmark uses (the package ships no types; see its README).
declare module 'autocannon' {
  export interface Request {
    method?: string;
    path?: string;
    headers?: Record<string, string>;
    body?: string | Buffer;
  }

  export interface RequestSpec<C> extends Request {
    /** Called before each send of this request with the connection's context; return the request. */
    setupRequest?: (req: Request, context: C) => Request | null | undefined;
    onResponse?: (status: number, body: string, context: C, headers: Record<string, unknown>) => void;
  }

  export interface Options<C> {
    url: string;
    connections?: number;
    pipelining?: number;
    duration?: number;
    amount?: number;
    timeout?: number;
    method?: string;
    headers?: Record<string, string>;
    body?: string;
    requests?: RequestSpec<C>[];
    initialContext?: C;
  }

  export interface Histogram {
    average: number;
    mean: number;
    stddev: number;
    min: number;
    max: number;
    total: number;
    p50: number;
    p90: number;
    p99: number;
    p99_9?: number;
  }

  export interface Result {
    duration: number;
    errors: number;
    timeouts: number;
    non2xx: number;
    '2xx': number;
    statusCodeStats: Record<string, { count: number }>;
    latency: Histogram & { totalCount: number };
    requests: Histogram & { sent: number };
  }

  /** The run: a thenable that also stops early on demand. */
  export type Instance = PromiseLike<Result> & { stop(): void };

  function autocannon<C = Record<string, unknown>>(opts: Options<C>): Instance;
  export default autocannon;
}
