import pg from 'pg';
import pgUtils from 'pg/lib/utils.js';

/**
 * One transaction on one pg connection without BEGIN and COMMIT statements.
 *
 * PostgreSQL's extended query protocol runs every statement sent between two Sync messages in
 * one transaction: a statement that is not transaction control commits only when the Sync
 * arrives ("we wouldn't force commit until Sync is received", exec_execute_message in
 * postgres.c; the protocol docs' "Pipelining"). So a transaction can be its statements, each
 * sent with Flush instead of Sync and answered before the next is chosen, then one Sync that
 * commits. Under READ COMMITTED each statement still takes its own snapshot, row locks are held
 * until the Sync, and an error aborts the transaction (the server then skips everything until
 * the Sync). Rolling back without an error is a ROLLBACK statement, which in such a block aborts
 * it (UserAbortTransactionBlock, TBLOCK_STARTED: a WARNING "there is no transaction in
 * progress", then abort).
 *
 * What it saves: two statements and two round trips per transaction — the engine's locked steps
 * are 3–5 statements plus BEGIN and COMMIT (docs/benchmarks-history.md, sixth round) — and, with
 * {@link ImplicitTransaction.commitWith}, a third: the last statement goes out with the Sync. What needs a
 * transaction block (SET LOCAL, which outside one only warns; SAVEPOINT, LOCK TABLE, DECLARE, which
 * fail) asks for one with {@link ImplicitTransaction.begin}: pg-boss's maintenance scripts do.
 *
 * Why written here: pg (node-postgres) sends a Sync after every statement, and its pipeline mode
 * too; it has no transaction-without-BEGIN. pg's documented extension point is a "Submittable"
 * (an object with `submit(connection)` given to `client.query`, as pg-cursor is): this one stays
 * the client's active query from its first statement to the Sync, builds each result with pg's
 * own `Result` and type parsers, and keeps pg's per-connection record of prepared statements.
 */

/** The parts of pg's Connection (pg/lib/connection.js) this drives; @types/pg declares an older signature. */
interface WireConnection {
  stream: { cork?: () => void; uncork?: () => void };
  parsedStatements: Record<string, string>;
  submittedNamedStatements: Record<string, string>;
  parse(msg: { text: string; name?: string | undefined }): void;
  bind(msg: { portal: string; statement?: string | undefined; values: unknown[]; binary: boolean }): void;
  describe(msg: { type: 'P'; name: string }): void;
  execute(msg: { portal: string; rows: number }): void;
  flush(): void;
  sync(): void;
  sendCopyFail(msg: string): void;
}

interface FieldsMessage {
  fields: unknown[];
}

/** pg's Result (pg/lib/result.js) as pg's own Query drives it; @types/pg declares only what callers read. */
interface WireResult {
  rows: unknown[];
  rowCount: number | null;
  addFields(fields: unknown[]): void;
  parseRow(values: unknown[]): unknown;
  addRow(row: unknown): void;
  addCommandComplete(msg: unknown): void;
}
const Result = pg.Result as unknown as new (rowMode: undefined, types: typeof pg.types) => WireResult;

/**
 * What `Result.addFields` derives from a statement's RowDescription (pg/lib/result.js: the
 * fields, their type parsers, the empty row the rows are copied from).
 */
interface Described {
  fields: unknown[];
  _parsers: unknown;
  _prebuiltEmptyResultObject: unknown;
}

/**
 * The row description of each named statement a connection has run, so that the statement's
 * next executions skip Describe: a prepared statement's result columns cannot change while it
 * exists (PostgreSQL refuses to run it with "cached plan must not change result type", and the
 * Db prepares it again under a new name), so PostgreSQL need not send, nor pg parse and turn
 * into type parsers, the same RowDescription on every execution (docs/benchmarks-history.md, seventh
 * round). pg's own Query always sends Describe; this is why the cache lives here.
 */
const descriptions = new WeakMap<object, Map<string, Described>>();

interface InFlight {
  name?: string;
  text: string;
  result: WireResult;
  /** True when a Describe was sent, so that the answer can be remembered for the next time. */
  describing: boolean;
  rowError?: unknown;
  resolve(result: WireResult): void;
  reject(err: unknown): void;
}

export class ImplicitTransaction {
  private connection?: WireConnection;
  private readonly submitted: Promise<void>;
  private onSubmitted!: () => void;
  /** Statements run one at a time, in call order. */
  private queue: Promise<unknown> = Promise.resolve();
  private inFlight?: InFlight;
  /** Waiting for the ReadyForQuery that answers the final Sync. */
  private ending?: { resolve(): void; reject(err: unknown): void };
  private finished = false;
  /** Why the transaction can no longer commit: the server aborted it, or the connection broke. */
  private failure?: unknown;
  /** True when the connection itself failed (it must not go back to the pool). */
  connectionLost = false;
  /** An explicit transaction block (see {@link begin}): it ends with COMMIT or ROLLBACK, then the Sync. */
  private block = false;
  /** True once anything was written to the connection. */
  private written = false;

  constructor() {
    this.submitted = new Promise((resolve) => {
      this.onSubmitted = resolve;
    });
  }

  /** Read by pg's client while a statement is in flight (ParseComplete, ErrorResponse). */
  get name(): string | undefined {
    return this.inFlight?.name;
  }

  get text(): string | undefined {
    return this.inFlight?.text;
  }

  /** True once the server rolled the transaction back (an error), so no ROLLBACK is needed. */
  get aborted(): boolean {
    return this.failure !== undefined;
  }

  /** Runs one statement of the transaction; `name` makes it a prepared statement of the connection. */
  query(text: string, values: readonly unknown[], name?: string): Promise<WireResult> {
    const run = this.queue.then(() => this.send(text, values, name));
    this.queue = run.catch(() => {});
    return run;
  }

  /**
   * One statement that commits on its own, in one round trip: the statement and the Sync are
   * written together (what pg's own Query does), resolved once the server is ready again. It
   * ends this transaction. Used for the Db's statements outside transactions, so that they too
   * skip Describe once their description is known.
   */
  async single(text: string, values: readonly unknown[], name?: string): Promise<WireResult> {
    // Settles when the server answers the Sync, or fails with the statement (no Sync is then
    // added: this one is already on its way).
    const ended = new Promise<void>((resolve, reject) => {
      this.ending = { resolve, reject };
    });
    ended.catch(() => {});
    try {
      const [result] = await Promise.all([this.send(text, values, name, true), ended]);
      return result;
    } catch (err) {
      // Nothing reached the server (a value pg cannot send): a Sync alone ends this query for
      // pg's client, which would otherwise wait for it forever. Only then: once the statement
      // and its Sync are written, a second Sync would answer with a ReadyForQuery that pg hands
      // to whichever query runs next on the connection.
      if (!this.written && this.failure === undefined) await this.end((c) => c.sync()).catch(() => {});
      throw err;
    }
  }

  /**
   * Makes this an explicit transaction block, for statements that refuse to run outside one or
   * do nothing there (`SET LOCAL` only warns, `LOCK TABLE` and `SAVEPOINT` fail): a `BEGIN` as
   * the first statement, and `COMMIT` or `ROLLBACK` before the final Sync.
   */
  async begin(): Promise<void> {
    await this.query('BEGIN', []);
    this.block = true;
  }

  /** Commits: the Sync (after COMMIT in a block). Rejects with the server's error when the commit failed. */
  async commit(): Promise<void> {
    await this.queue;
    if (this.failure !== undefined) throw this.failure;
    if (this.finished) throw new Error('the transaction has already ended');
    await this.end((c) => {
      if (this.block) writeSimple(c, 'COMMIT');
      c.sync();
    });
  }

  /**
   * Commits with a last statement: the statement and the Sync are written together, as
   * {@link single} does for a statement alone, so the transaction's last statement and its
   * commit cost one round trip (docs/benchmarks-history.md, eleventh round). In a transaction block the
   * statement runs first, then COMMIT and the Sync. Rejects with the statement's error, or the
   * commit's.
   */
  async commitWith(text: string, values: readonly unknown[], name?: string): Promise<WireResult> {
    await this.queue;
    if (this.failure !== undefined) throw this.failure;
    if (this.finished) throw new Error('the transaction has already ended');
    if (this.block) {
      const result = await this.query(text, values, name);
      await this.commit();
      return result;
    }
    return this.single(text, values, name);
  }

  /** Rolls back (nothing to do when the server already has, after an error): BEGIN and ROLLBACK. */
  async rollback(): Promise<void> {
    await this.queue;
    await this.submitted;
    if (this.failure !== undefined || this.finished) return;
    // BEGIN first: it turns the implicit transaction into a transaction block with everything
    // done so far (BeginTransactionBlock, TBLOCK_STARTED), which ROLLBACK then ends without the
    // WARNING a bare ROLLBACK would leave in the server's log on every refused request.
    await this.end((c) => {
      for (const text of this.block ? ['ROLLBACK'] : ['BEGIN', 'ROLLBACK']) writeSimple(c, text);
      c.sync();
    });
  }

  private async send(text: string, values: readonly unknown[], name: string | undefined, sync = false): Promise<WireResult> {
    await this.submitted;
    if (this.failure !== undefined) throw abortedBy(this.failure);
    if (this.finished) throw new Error('the transaction has already ended');
    // Mapped before anything is written: a value pg cannot send fails this statement only.
    const mapped = values.map((v) => pgUtils.prepareValue(v));
    const c = this.connection!;
    const result = new Result(undefined, pg.types);
    const described = name === undefined ? undefined : descriptions.get(c)?.get(name);
    if (described) Object.assign(result, described);
    return new Promise<WireResult>((resolve, reject) => {
      this.inFlight = { name, text, result, describing: !described, resolve, reject };
      this.written = true;
      c.stream.cork?.();
      try {
        if (name === undefined || (c.parsedStatements[name] === undefined && c.submittedNamedStatements[name] === undefined)) {
          c.parse({ text, name });
          if (name !== undefined) c.submittedNamedStatements[name] = text;
        }
        c.bind({ portal: '', statement: name, values: mapped, binary: false });
        if (!described) c.describe({ type: 'P', name: '' });
        c.execute({ portal: '', rows: 0 });
        if (sync) c.sync();
        else c.flush();
      } finally {
        c.stream.uncork?.();
      }
    });
  }

  private async end(write: (c: WireConnection) => void): Promise<void> {
    await this.submitted;
    if (this.failure !== undefined) throw this.failure;
    return new Promise<void>((resolve, reject) => {
      this.ending = { resolve, reject };
      const c = this.connection!;
      c.stream.cork?.();
      try {
        write(c);
      } finally {
        c.stream.uncork?.();
      }
    });
  }

  // ── pg's Submittable interface ─────────────────────────────────────────────

  submit(connection: unknown): null {
    this.connection = connection as WireConnection;
    this.onSubmitted();
    return null;
  }

  handleRowDescription(msg: FieldsMessage): void {
    this.inFlight?.result.addFields(msg.fields);
  }

  handleDataRow(msg: FieldsMessage): void {
    const q = this.inFlight;
    if (!q || q.rowError !== undefined) return;
    try {
      q.result.addRow(q.result.parseRow(msg.fields));
    } catch (err) {
      // A value a type parser refused: the statement fails, as with pg's own Query.
      q.rowError = err;
    }
  }

  handleCommandComplete(msg: unknown): void {
    const q = this.inFlight;
    if (!q) return; // the ROLLBACK's
    this.inFlight = undefined;
    q.result.addCommandComplete(msg);
    if (q.rowError !== undefined) {
      q.reject(q.rowError);
      return;
    }
    if (q.describing && q.name !== undefined) rememberDescription(this.connection!, q.name, q.result);
    q.resolve(q.result);
  }

  handleEmptyQuery(): void {
    const q = this.inFlight;
    this.inFlight = undefined;
    q?.resolve(q.result);
  }

  /**
   * A server error (pg's client stops routing messages here after it) or a broken connection.
   * After a server error PostgreSQL has aborted the transaction and skips every message until a
   * Sync: one is sent unless the error answered ours.
   */
  handleError(err: unknown): void {
    this.failure ??= err;
    // Also when pg refused to submit this at all (a client that had already failed).
    this.onSubmitted();
    // FATAL and PANIC end the session: the connection goes with them.
    const fatal = !(err instanceof pg.DatabaseError) || err.severity === 'FATAL' || err.severity === 'PANIC';
    const serverError = !fatal;
    if (fatal) this.connectionLost = true;
    const q = this.inFlight;
    this.inFlight = undefined;
    const ending = this.ending;
    this.ending = undefined;
    if (!ending && serverError && !this.finished) {
      this.finished = true;
      this.connection?.sync();
    }
    this.finished = true;
    q?.reject(err);
    ending?.reject(err);
  }

  handleReadyForQuery(): void {
    this.finished = true;
    const ending = this.ending;
    this.ending = undefined;
    ending?.resolve();
  }

  handlePortalSuspended(): void {
    // Never sent: every Execute asks for all rows.
  }

  handleCopyInResponse(connection: unknown): void {
    (connection as WireConnection).sendCopyFail('COPY is not supported inside a Tender transaction');
  }

  handleCopyData(): void {}
}

function rememberDescription(c: WireConnection, name: string, result: WireResult): void {
  // A statement that returns no rows answers Describe with NoData: its Result keeps no fields.
  const r = result as unknown as Partial<Described>;
  let known = descriptions.get(c);
  if (!known) descriptions.set(c, (known = new Map()));
  known.set(name, { fields: r.fields ?? [], _parsers: r._parsers, _prebuiltEmptyResultObject: r._prebuiltEmptyResultObject });
}

/** A parameterless statement sent through the unnamed statement and portal (its answer is not read). */
function writeSimple(c: WireConnection, text: string): void {
  c.parse({ text });
  c.bind({ portal: '', values: [], binary: false });
  c.execute({ portal: '', rows: 0 });
}

/** The error a statement gets after the transaction was already aborted (as PostgreSQL's 25P02). */
function abortedBy(cause: unknown): Error {
  return Object.assign(new Error('current transaction is aborted: an earlier statement failed'), { code: '25P02', cause });
}
