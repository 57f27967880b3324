/**
 * The signed links POST /api/v1/common/download-url hands out: valid for 20 minutes
 * (docs/kie-api.md §5), and the way past a result URL that answers 403.
 */
import { randomBytes } from 'node:crypto';

export const SIGNED_URL_TTL_MS = 20 * 60 * 1000;

export type SignatureCheck = 'valid' | 'expired' | 'invalid';

export class SignedUrls {
  private readonly grants = new Map<string, { path: string; expiresAt: number }>();

  /** The query string (without `?`) that grants access to `path` from `now` on. */
  sign(path: string, now: number): string {
    const token = randomBytes(16).toString('hex');
    const expiresAt = now + SIGNED_URL_TTL_MS;
    this.grants.set(token, { path, expiresAt });
    return `sig=${token}&expires=${expiresAt}`;
  }

  check(path: string, token: string, now: number): SignatureCheck {
    const grant = this.grants.get(token);
    if (grant === undefined || grant.path !== path) return 'invalid';
    return now < grant.expiresAt ? 'valid' : 'expired';
  }
}
