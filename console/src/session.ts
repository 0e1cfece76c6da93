// Who is signed in: the token and the claims the console reads from it (role, subject,
// township). The API verifies the token; the console only decodes it to shape its screens.
import type { PendingSignIn } from './identity-provider.ts';

export type Role = 'caseworker' | 'reviewer' | 'finance' | 'hospital';

export interface Session {
  token: string;
  role: Role;
  sub: string;
  township?: string;
  /** The hospital role's designated hospital (the token's hospital_id claim). */
  hospitalId?: string;
  /** Seconds since the epoch. */
  expiresAt: number;
}

/** Each role's landing screen. */
export const homeOf: Record<Role, string> = {
  caseworker: '/applications/mine',
  reviewer: '/review',
  finance: '/payouts',
  hospital: '/hospital-desk',
};

const storageKey = 'tuodi.session';
const pendingKey = 'tuodi.pendingSignIn';
const refreshKey = 'tuodi.refreshToken';

function claimsOf(token: string): Record<string, unknown> {
  const payload = token.split('.')[1] ?? '';
  const base64 = payload.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(payload.length / 4) * 4, '=');
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  return JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;
}

const consoleRoles: readonly string[] = Object.keys(homeOf);

export function sessionFromToken(token: string): Session {
  const claims = claimsOf(token);
  const claim = claims['cognito:groups'];
  // A user may be in groups beyond the roles (the pool's own): the role is the first that is one.
  const groups = (Array.isArray(claim) ? claim : [claim]).map(String);
  const role = (groups.find((g) => consoleRoles.includes(g)) ?? groups[0]) as Role;
  return {
    token,
    role,
    sub: String(claims.sub),
    ...(typeof claims.township === 'string' && { township: claims.township }),
    ...(typeof claims.hospital_id === 'string' && { hospitalId: claims.hospital_id }),
    expiresAt: Number(claims.exp),
  };
}

let current: Session | undefined;
const listeners = new Set<() => void>();

export function currentSession(): Session | undefined {
  if (current) return current;
  const stored = sessionStorage.getItem(storageKey);
  if (stored) current = JSON.parse(stored) as Session;
  return current;
}

export function signIn(token: string): Session {
  current = sessionFromToken(token);
  sessionStorage.setItem(storageKey, JSON.stringify(current));
  expired = false;
  listeners.forEach((l) => l());
  return current;
}

export function signOut(): void {
  current = undefined;
  sessionStorage.removeItem(storageKey);
  sessionStorage.removeItem(refreshKey);
  listeners.forEach((l) => l());
}

let expired = false;
/** The API refused the token (401): the shell asks to sign in again and keeps the screen as typed. */
export function markExpired(): void {
  expired = true;
  listeners.forEach((l) => l());
}
export function isExpired(): boolean {
  return expired;
}

export function onSessionChange(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** A sign-in through the identity provider in flight (identity-provider.ts): kept for the callback page. */
export function keepPendingSignIn(pending: PendingSignIn): void {
  sessionStorage.setItem(pendingKey, JSON.stringify(pending));
}

/** The pending sign-in, removed as it is read: a callback can finish it once. */
export function takePendingSignIn(): PendingSignIn | undefined {
  const stored = sessionStorage.getItem(pendingKey);
  sessionStorage.removeItem(pendingKey);
  return stored ? (JSON.parse(stored) as PendingSignIn) : undefined;
}

/** The provider's refresh token, for signing in again without leaving the page (this tab only). */
export function keepRefreshToken(token: string | undefined): void {
  if (token) sessionStorage.setItem(refreshKey, token);
}
export function refreshToken(): string | undefined {
  return sessionStorage.getItem(refreshKey) ?? undefined;
}
