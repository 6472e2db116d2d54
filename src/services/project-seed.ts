import { readFile } from 'node:fs/promises';
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import type { AppContext } from '../context.js';
import { parseMajor } from '../domain/parse-major.js';
import { normalizeCurrency } from '../domain/currencies.js';
import { PaymentsError } from '../errors.js';
import type { Queryable } from '../store/db.js';
import { hashPassword } from './passwords.js';

const Identifier = Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' });
const Title = Type.String({ minLength: 1, maxLength: 200 });

const ProjectFile = Type.Object(
  {
    products: Type.Optional(Type.Array(Type.Object({
      id: Type.Integer({ minimum: 1 }),
      title: Title,
      sku: Type.Optional(Type.String({ maxLength: 100 })),
      price: Type.String({ description: 'major units, e.g. "340.00"' }),
      currency: Type.String({ minLength: 3, maxLength: 3 }),
      isVisible: Type.Optional(Type.Boolean()),
    }))),
    forms: Type.Optional(Type.Array(Type.Object({
      identifier: Identifier,
      type: Type.String({ maxLength: 50 }),
      title: Title,
      attributes: Type.Array(Type.Object({
        marker: Identifier,
        type: Type.String({ maxLength: 50 }),
        title: Type.Optional(Title),
        required: Type.Optional(Type.Boolean()),
        isLogin: Type.Optional(Type.Boolean()),
        isPassword: Type.Optional(Type.Boolean()),
        isNotificationEmail: Type.Optional(Type.Boolean()),
      })),
    }))),
    authProviders: Type.Optional(Type.Array(Type.Object({
      identifier: Identifier,
      title: Title,
      formIdentifier: Identifier,
      isCheckCode: Type.Optional(Type.Boolean()),
      accessTokenTtlSec: Type.Optional(Type.Integer({ minimum: 30, maximum: 86400 })),
    }))),
    paymentAccounts: Type.Optional(Type.Array(Type.Object({
      identifier: Identifier,
      type: Type.Union([Type.Literal('custom'), Type.Literal('test'), Type.Literal('stripe'), Type.Literal('paypal')]),
      title: Title,
      isVisible: Type.Optional(Type.Boolean()),
      testMode: Type.Optional(Type.Boolean()),
      captureMethod: Type.Optional(Type.Union([Type.Literal('automatic'), Type.Literal('manual')])),
      sessionLifetimeSec: Type.Optional(Type.Integer({ minimum: 60, maximum: 2592000 })),
      successUrl: Type.Optional(Type.String({ maxLength: 2000 })),
      cancelUrl: Type.Optional(Type.String({ maxLength: 2000 })),
      settings: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    }))),
    orderStorages: Type.Optional(Type.Array(Type.Object({
      identifier: Identifier,
      title: Title,
      formIdentifier: Identifier,
      paymentAccounts: Type.Array(Identifier),
      statuses: Type.Array(Type.Object({ identifier: Identifier, title: Title, isDefault: Type.Optional(Type.Boolean()) }), { minItems: 1 }),
      paymentStatusMap: Type.Optional(Type.Record(Type.String(), Identifier)),
    }))),
    users: Type.Optional(Type.Array(Type.Object({
      email: Type.String({ minLength: 3, maxLength: 254 }),
      password: Type.String({ minLength: 6, maxLength: 200 }),
      provider: Type.Optional(Identifier),
      name: Type.Optional(Type.String({ maxLength: 200 })),
    }))),
  },
  { additionalProperties: false },
);
export type ProjectFile = Static<typeof ProjectFile>;

export async function loadProjectFile(path: string): Promise<ProjectFile> {
  let data: unknown;
  try {
    data = JSON.parse(await readFile(path, 'utf8'));
  } catch (err) {
    throw new PaymentsError('bad_request', `Cannot read project file ${path}: ${(err as Error).message}`);
  }
  const first = Value.Errors(ProjectFile, data).First();
  if (first) throw new PaymentsError('validation_failed', `Project file ${path}: ${first.path || '/'} ${first.message}`);
  return data as ProjectFile;
}

export const DEMO_PROJECT_PATH = new URL('../../src/demo/demo-project.json', import.meta.url).pathname;

const lang = (title: string) => ({ en_US: { title } });

/**
 * Loads a project (catalog, forms, auth providers, payment accounts, order storages with their
 * statuses and payment-status map, users) in one transaction. Re-running it updates in place.
 */
export async function seedProject(ctx: AppContext, project: ProjectFile): Promise<void> {
  const passwordHashes = new Map<string, string>();
  for (const u of project.users ?? []) passwordHashes.set(u.email, await hashPassword(u.password));
  await ctx.db.transaction(async (tx) => {
    for (const p of project.products ?? []) {
      const price = parseMajor(p.price, normalizeCurrency(p.currency));
      await tx.query(
        `INSERT INTO products (id, title, sku, localize_infos, price, currency, is_visible) VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (id) DO UPDATE SET title = EXCLUDED.title, sku = EXCLUDED.sku, localize_infos = EXCLUDED.localize_infos,
           price = EXCLUDED.price, currency = EXCLUDED.currency, is_visible = EXCLUDED.is_visible, updated_at = now()`,
        [p.id, p.title, p.sku ?? null, lang(p.title), price.amount, price.currency, p.isVisible ?? true],
      );
    }
    await tx.query(`SELECT setval(pg_get_serial_sequence('products', 'id'), GREATEST((SELECT max(id) FROM products), 1))`);
    for (const f of project.forms ?? []) {
      const attributes = f.attributes.map((a) => ({ ...a, localizeInfos: lang(a.title ?? a.marker) }));
      await tx.query(
        `INSERT INTO forms (identifier, type, localize_infos, attributes) VALUES ($1, $2, $3, $4)
         ON CONFLICT (identifier) DO UPDATE SET type = EXCLUDED.type, localize_infos = EXCLUDED.localize_infos,
           attributes = EXCLUDED.attributes, updated_at = now()`,
        [f.identifier, f.type, lang(f.title), JSON.stringify(attributes)],
      );
    }
    for (const a of project.authProviders ?? []) {
      await tx.query(
        `INSERT INTO auth_providers (identifier, type, form_identifier, is_check_code, localize_infos, access_token_ttl_sec)
         VALUES ($1, 'email', $2, $3, $4, $5)
         ON CONFLICT (identifier) DO UPDATE SET form_identifier = EXCLUDED.form_identifier, is_check_code = EXCLUDED.is_check_code,
           localize_infos = EXCLUDED.localize_infos, access_token_ttl_sec = EXCLUDED.access_token_ttl_sec,
           version = auth_providers.version + 1, updated_at = now()`,
        [a.identifier, a.formIdentifier, a.isCheckCode ?? false, lang(a.title), a.accessTokenTtlSec ?? 900],
      );
    }
    for (const acc of project.paymentAccounts ?? []) {
      await tx.query(
        `INSERT INTO payment_accounts (identifier, type, localize_infos, is_visible, test_mode, capture_method, session_lifetime_sec,
           success_url, cancel_url, settings)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
         ON CONFLICT (identifier) DO UPDATE SET type = EXCLUDED.type, localize_infos = EXCLUDED.localize_infos,
           is_visible = EXCLUDED.is_visible, test_mode = EXCLUDED.test_mode, capture_method = EXCLUDED.capture_method,
           session_lifetime_sec = EXCLUDED.session_lifetime_sec, success_url = EXCLUDED.success_url,
           cancel_url = EXCLUDED.cancel_url, settings = EXCLUDED.settings, updated_at = now()`,
        [acc.identifier, acc.type, lang(acc.title), acc.isVisible ?? true, acc.testMode ?? acc.type === 'test',
          acc.captureMethod ?? 'automatic', acc.sessionLifetimeSec ?? 3600, acc.successUrl ?? null, acc.cancelUrl ?? null,
          JSON.stringify(acc.settings ?? {})],
      );
    }
    for (const s of project.orderStorages ?? []) await seedStorage(tx, s);
    for (const u of project.users ?? []) {
      const provider = u.provider ?? 'email';
      const email = u.email.trim().toLowerCase();
      const formData = u.name ? [{ marker: 'name', type: 'string', value: u.name }] : [];
      const { rowCount } = await tx.query(
        `INSERT INTO users (auth_provider_id, identifier, password_hash, is_active, form_identifier, form_data, notification_data)
         SELECT id, $2, $3, true, form_identifier, $4, $5 FROM auth_providers WHERE identifier = $1
         ON CONFLICT (auth_provider_id, identifier) DO UPDATE SET password_hash = EXCLUDED.password_hash, is_active = true,
           updated_at = now()`,
        [provider, email, passwordHashes.get(u.email), JSON.stringify(formData), { email, phonePush: [] }],
      );
      if (rowCount === 0) throw new PaymentsError('provider_not_found', `User ${email}: auth provider "${provider}" is not in the project`);
    }
  });
}

async function seedStorage(tx: Queryable, s: NonNullable<ProjectFile['orderStorages']>[number]): Promise<void> {
  const { rows } = await tx.query<{ id: number }>(
    `INSERT INTO order_storages (identifier, localize_infos, form_identifier) VALUES ($1, $2, $3)
     ON CONFLICT (identifier) DO UPDATE SET localize_infos = EXCLUDED.localize_infos, form_identifier = EXCLUDED.form_identifier,
       updated_at = now() RETURNING id`,
    [s.identifier, lang(s.title), s.formIdentifier],
  );
  const storageId = rows[0]!.id;
  const defaults = s.statuses.filter((st) => st.isDefault).length;
  if (defaults > 1) throw new PaymentsError('validation_failed', `Storage ${s.identifier}: more than one default status`);
  await tx.query('UPDATE order_statuses SET is_default = false WHERE storage_id = $1', [storageId]);
  for (const [i, st] of s.statuses.entries()) {
    await tx.query(
      `INSERT INTO order_statuses (storage_id, identifier, localize_infos, position, is_default) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (storage_id, identifier) DO UPDATE SET localize_infos = EXCLUDED.localize_infos, position = EXCLUDED.position,
         is_default = EXCLUDED.is_default`,
      [storageId, st.identifier, lang(st.title), i + 1, st.isDefault ?? (defaults === 0 && i === 0)],
    );
  }
  await tx.query('DELETE FROM order_storage_accounts WHERE storage_id = $1', [storageId]);
  for (const identifier of s.paymentAccounts) {
    const { rowCount } = await tx.query(
      'INSERT INTO order_storage_accounts (storage_id, account_id) SELECT $1, id FROM payment_accounts WHERE identifier = $2',
      [storageId, identifier],
    );
    if (rowCount === 0) throw new PaymentsError('account_not_found', `Storage ${s.identifier}: payment account "${identifier}" is not in the project`);
  }
  for (const [paymentStatus, orderStatus] of Object.entries(s.paymentStatusMap ?? {})) {
    await tx.query(
      `INSERT INTO payment_status_mappings (storage_id, payment_status, order_status_identifier) VALUES ($1, $2, $3)
       ON CONFLICT (storage_id, payment_status) DO UPDATE SET order_status_identifier = EXCLUDED.order_status_identifier, updated_at = now()`,
      [storageId, paymentStatus, orderStatus],
    );
  }
}
