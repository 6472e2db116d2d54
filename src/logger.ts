import { pino, type DestinationStream, type Logger } from 'pino';
import { redactCardNumbers } from './http/card-data.js';

/** Paths never written to the log, whatever a call site passes in. */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers["x-app-token"]',
  'req.headers.cookie',
  'req.headers["stripe-signature"]',
  'req.headers["paypal-transmission-sig"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.password1',
  '*.password2',
  '*.refreshToken',
  '*.accessToken',
  '*.token',
  '*.secret',
  '*.secretKey',
  '*.apiKey',
  '*.clientSecret',
  '*.webhookSecret',
  '*.code',
];

const SECRET_QUERY = /([?&](?:token|refreshToken|access_token|client_secret|code|key)=)[^&]*/gi;

export function redactUrl(url: string): string {
  return redactCardNumbers(url.replace(SECRET_QUERY, '$1[REDACTED]'));
}

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      redact: { paths: REDACT_PATHS, censor: '[REDACTED]' },
      serializers: {
        req: (req: { method?: string; url?: string; id?: unknown }) => ({ method: req.method, url: redactUrl(req.url ?? ''), id: req.id }),
        res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
        err: pino.stdSerializers.err,
      },
    },
    destination,
  );
}
