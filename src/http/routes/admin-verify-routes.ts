import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import { ErrorBody } from '../../contract/common.js';
import type { AppContext } from '../../context.js';
import { verifyDatabase } from '../../services/verify-service.js';

const VerifyReport = Type.Object(
  {
    ok: Type.Boolean(),
    checked: Type.Record(Type.String(), Type.Integer()),
    violations: Type.Array(Type.Object({ check: Type.String(), entity: Type.String(), id: Type.Union([Type.Integer(), Type.String()]), message: Type.String() })),
  },
  { title: 'VerifyReport' },
);

/** `tender verify` over HTTP: every money invariant, checked over the whole database. */
export function adminVerifyRoutes(ctx: AppContext): FastifyPluginAsync {
  return async (fastify) => {
    fastify.withTypeProvider<TypeBoxTypeProvider>().get('/api/admin/verify', {
      config: { auth: 'admin' },
      schema: {
        tags: ['Admin'], security: [{ adminToken: [] }], summary: 'Check every money invariant (none should fail)',
        response: { 200: VerifyReport, 401: ErrorBody, 403: ErrorBody },
      },
    }, async () => {
      const report = await verifyDatabase(ctx);
      return { ok: report.violations.length === 0, ...report };
    });
  };
}
