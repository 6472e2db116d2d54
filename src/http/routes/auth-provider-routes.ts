import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import {
  ActivateBody,
  ActiveSessionsList,
  AuthBody,
  AuthBooleanResponse,
  AuthEntity,
  AuthProvider,
  AuthProvidersList,
  ChangePasswordBody,
  CheckCodeBody,
  CheckCodeResponse,
  GenerateCodeBody,
  GenerateCodeResponse,
  LogoutBody,
  RefreshBody,
  SignUpBody,
  SignUpEntity,
} from '../../contract/auth.js';
import { LangCodeQuery, LangPaginationQuery, MarkerParam } from '../../contract/common.js';
import type { AppContext } from '../../context.js';
import { PaymentsError } from '../../errors.js';
import type { UserPrincipal } from '../../services/access-tokens.js';
import { activate, changePassword, checkCode, generateCode } from '../../services/auth-account.js';
import { signIn } from '../../services/auth-login.js';
import { getProviderView, listProviderViews } from '../../services/auth-providers.js';
import { listSessions, logout, logoutAll, refreshSession } from '../../services/auth-sessions.js';
import { signUp } from '../../services/auth-sign-up.js';

const BASE = '/api/content/users-auth-providers';
const USERS = `${BASE}/marker/:marker/users`;
const tags = ['AuthProvider'];
const appAuth = [{ appToken: [] }];
const userAuth = [{ appToken: [], bearerAuth: [] }];

type Marker = { Params: MarkerParam };

/** An absent body (content-length 0) means "no token": answered 401 by the service, not a schema 400. */
async function absentBodyAsEmpty(request: FastifyRequest): Promise<void> {
  if (request.body === undefined || request.body === null) request.body = {};
}

function userOf(request: FastifyRequest): UserPrincipal {
  const p = request.principal;
  if (p?.kind !== 'user') throw new PaymentsError('unauthorized', 'Authorization: Bearer <access token> is required');
  return p;
}

/** AuthProvider module (contract §3): e-mail/password users, sessions, refresh tokens and one-time codes. */
export function authProviderRoutes(ctx: AppContext): FastifyPluginAsync {
  return async (app) => {
    app.get<{ Querystring: LangPaginationQuery }>(BASE, {
      config: { auth: 'app' },
      schema: { tags, summary: 'List auth providers (plain array)', security: appAuth, querystring: LangPaginationQuery, response: { 200: AuthProvidersList } },
      handler: (req) => listProviderViews(ctx, { langCode: req.query.langCode ?? 'en_US', offset: req.query.offset ?? 0, limit: req.query.limit ?? 30 }),
    });

    app.get<Marker & { Querystring: LangCodeQuery }>(`${BASE}/marker/:marker`, {
      config: { auth: 'app' },
      schema: { tags, summary: 'Get one auth provider', security: appAuth, params: MarkerParam, querystring: LangCodeQuery, response: { 200: AuthProvider } },
      handler: (req) => getProviderView(ctx, req.params.marker, req.query.langCode ?? 'en_US'),
    });

    app.post<Marker & { Body: SignUpBody }>(`${USERS}/sign-up`, {
      config: { auth: 'app' },
      schema: { tags, summary: 'Register a user', security: appAuth, params: MarkerParam, body: SignUpBody, response: { 200: SignUpEntity } },
      handler: (req) => signUp(ctx, req.params.marker, req.body),
    });

    app.post<Marker & { Body: AuthBody }>(`${USERS}/auth`, {
      config: { auth: 'app' },
      schema: { tags, summary: 'Sign in with login and password', security: appAuth, params: MarkerParam, body: AuthBody, response: { 200: AuthEntity } },
      handler: (req) => signIn(ctx, req.params.marker, req.body, req.headers['x-device-metadata']),
    });

    // No Bearer here: the SDK's automatic refresh never sends one (contract §2.6).
    app.post<Marker & { Body: RefreshBody }>(`${USERS}/refresh`, {
      config: { auth: 'app' },
      preValidation: absentBodyAsEmpty,
      schema: { tags, summary: 'Exchange a refresh token for a new token pair', security: appAuth, params: MarkerParam, body: RefreshBody, response: { 200: AuthEntity } },
      handler: (req) => refreshSession(ctx, req.params.marker, req.body.refreshToken),
    });

    app.post<Marker & { Body: LogoutBody }>(`${USERS}/logout`, {
      config: { auth: 'user' },
      preValidation: absentBodyAsEmpty,
      schema: { tags, summary: 'End the session of a refresh token', security: userAuth, params: MarkerParam, body: LogoutBody, response: { 200: AuthBooleanResponse } },
      handler: (req) => logout(ctx, req.params.marker, userOf(req), req.body.refreshToken),
    });

    // Sent with no body at all (content-length 0 and a JSON content type).
    app.post<Marker>(`${USERS}/logout-all`, {
      config: { auth: 'user' },
      schema: { tags, summary: 'End every session of the current user', security: userAuth, params: MarkerParam, response: { 200: AuthBooleanResponse } },
      handler: (req) => logoutAll(ctx, req.params.marker, userOf(req)),
    });

    app.get<Marker>(`${USERS}/sessions`, {
      config: { auth: 'user' },
      schema: { tags, summary: "The current user's active sessions (plain array)", security: userAuth, params: MarkerParam, response: { 200: ActiveSessionsList } },
      handler: (req) => listSessions(ctx, req.params.marker, userOf(req)),
    });

    app.post<Marker & { Body: GenerateCodeBody }>(`${USERS}/generate-code`, {
      config: { auth: 'app' },
      schema: { tags, summary: 'Send a one-time code to a user', security: appAuth, params: MarkerParam, body: GenerateCodeBody, response: { 200: GenerateCodeResponse } },
      handler: (req) => generateCode(ctx, req.params.marker, req.body),
    });

    app.post<Marker & { Body: CheckCodeBody }>(`${USERS}/check-code`, {
      config: { auth: 'app' },
      schema: { tags, summary: 'Check a one-time code', security: appAuth, params: MarkerParam, body: CheckCodeBody, response: { 200: CheckCodeResponse } },
      handler: (req) => checkCode(ctx, req.params.marker, req.body),
    });

    app.post<Marker & { Body: ActivateBody }>(`${USERS}/activate`, {
      config: { auth: 'app' },
      schema: { tags, summary: 'Activate a user with the code sent at sign-up', security: appAuth, params: MarkerParam, body: ActivateBody, response: { 200: AuthBooleanResponse } },
      handler: (req) => activate(ctx, req.params.marker, req.body),
    });

    app.post<Marker & { Body: ChangePasswordBody }>(`${USERS}/change-password`, {
      config: { auth: 'app' },
      schema: { tags, summary: 'Change or recover a password with a one-time code', security: appAuth, params: MarkerParam, body: ChangePasswordBody, response: { 200: AuthBooleanResponse } },
      handler: (req) => changePassword(ctx, req.params.marker, req.body),
    });
  };
}
