import type { UserPrincipal } from '../services/access-tokens.js';

export interface AdminPrincipal {
  kind: 'admin';
  /** The admin token's id; 0 for an admin user's cookie session (see `adminUserId`). */
  tokenId: number;
  /** Set for an admin user signed in to the panel (cookie session). */
  adminUserId?: number;
  role: 'owner' | 'viewer';
  name: string;
}

export interface AppPrincipal {
  kind: 'app';
  appTokenId: number;
}

export type Principal = UserPrincipal | AdminPrincipal | AppPrincipal;

/** Who may call a route: `app` needs only the app token, `user` also a Bearer access token. */
export type RouteAuth = 'public' | 'app' | 'user' | 'admin' | 'admin_write';

declare module 'fastify' {
  interface FastifyContextConfig {
    auth?: RouteAuth;
    /** Only the test gateway's card form may carry card numbers (it tokenizes and forgets them). */
    acceptsCardData?: boolean;
  }
  interface FastifyRequest {
    principal?: Principal;
    appTokenId?: number;
  }
}

export function principalScope(p: Principal | undefined, appTokenId?: number): string {
  if (!p) return `app:${appTokenId ?? 0}`;
  switch (p.kind) {
    case 'user':
      return `user:${p.userId}`;
    case 'admin':
      return p.adminUserId !== undefined ? `admin-user:${p.adminUserId}` : `admin:${p.tokenId}`;
    case 'app':
      return `app:${p.appTokenId}`;
  }
}
