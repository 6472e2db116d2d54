import type { FastifyRequest } from 'fastify';
import { PaymentsError } from '../errors.js';
import type { Actor } from '../store/history-store.js';
import type { AdminPrincipal } from './principal.js';

/** The storefront user of a `config.auth: 'user'` route (set by the authentication hook). */
export function userId(request: FastifyRequest): number {
  const p = request.principal;
  if (p?.kind !== 'user') throw new PaymentsError('unauthorized', 'Authorization: Bearer <access token> is required');
  return p.userId;
}

export function adminPrincipal(request: FastifyRequest): AdminPrincipal {
  const p = request.principal;
  if (p?.kind !== 'admin') throw new PaymentsError('admin_token_required', 'An admin token is required');
  return p;
}

export function adminActor(request: FastifyRequest): Actor {
  const p = adminPrincipal(request);
  return { type: 'merchant', id: p.adminUserId !== undefined ? `admin-user:${p.adminUserId}` : `admin:${p.tokenId}` };
}
