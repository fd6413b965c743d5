// Production refuses the development settings this repository publishes (docker-compose.yml, the
// development Kubernetes overlay, the README): anyone can read them, so a service that ran with
// them in production would seal links, key subjects and guard its API with public secrets.
// `parseEnv` applies it to every service in production (see isProduction).

/**
 * The secret values published in docker-compose.yml and infra/k8s/overlays/development, by the
 * variable that carries them. A value is refused when any of its comma-separated entries is one
 * of these, under whatever variable it appears.
 */
export const PUBLISHED_SECRETS: readonly string[] = [
  'p1:dev-pepper-change-me-0123456789abcdef0123456789', // SUBJECT_PEPPERS
  'k1:ZGV2LXRva2VuLWtleS0zMi1ieXRlcy1jaGFuZ2UtbWU', // TOKEN_KEYS
  'd1:ZGV2LXBheWxvYWQta2V5LTMyLWJ5dGVzLWNoYW5nZW0', // PAYLOAD_KEYS
  'v1:ZGV2LXZhdWx0LWtleS0zMi1ieXRlcy1jaGFuZ2UtbWU=', // VAULT_KEYS
  'e1:ZGV2LWV2ZW50LWtleS0zMi1ieXRlcy1jaGFuZ2UtbWU=', // EVENT_KEYS
  'dev-admin-token-change-me:check+admin', // API_TOKENS (infra/k8s development overlay)
  'dev-admin=dev-admin-token-change-me:check+admin', // API_TOKENS (docker-compose.yml)
  'proof-dev:ZGV2LXByb29mLXNpZ25pbmctc2VlZC1jaGFuZ2UtbWU=', // PROOF_SIGNING_KEY
  'dev-twilio-auth-token', // TWILIO_AUTH_TOKEN
  'dev-dns-api-token-change-me', // DNS_API_TOKEN
  'postgres://suppression:suppression@postgres:5432/suppression', // DATABASE_URL
];

/** Variables whose value must be a public https address in production. */
const PUBLIC_URLS = ['PUBLIC_BASE_URL'];

/**
 * SP_ENV decides when set; otherwise NODE_ENV=production (the images set it) means production.
 * docker-compose.yml and the development overlay set SP_ENV=development to run on their defaults.
 */
export function isProduction(env: Record<string, string | undefined>): boolean {
  if (env.SP_ENV) return env.SP_ENV === 'production';
  return env.NODE_ENV === 'production';
}

/**
 * What production refuses in `env`, one line per variable, naming it (never its value). `needed`
 * lists the variables the service reads, so that a missing PUBLIC_BASE_URL is named too.
 */
export function productionRefusals(
  env: Record<string, string | undefined>,
  needed: readonly string[] = [],
): string[] {
  const refusals: string[] = [];
  const published = new Set(PUBLISHED_SECRETS);
  for (const [name, value] of Object.entries(env)) {
    if (!value) continue;
    // "name=token:scopes" entries (API_TOKENS) are refused by their token part as well.
    const entries = value
      .split(',')
      .map((e) => e.trim())
      .flatMap((e) => [e, e.replace(/^[A-Za-z0-9][A-Za-z0-9._@-]*=/, '')]);
    if (published.has(value.trim()) || entries.some((e) => published.has(e))) {
      refusals.push(
        `${name}: is a development default published in this repository; set a secret of your own`,
      );
    }
  }
  for (const name of PUBLIC_URLS) {
    if (!needed.includes(name)) continue;
    const value = env[name];
    let url: URL | undefined;
    try {
      url = value ? new URL(value) : undefined;
    } catch {
      url = undefined;
    }
    if (!url) refusals.push(`${name}: required in production (the public https address people reach)`);
    else if (url.protocol !== 'https:' || /^(localhost|127\.|\[::1\])|\.localhost$/.test(url.hostname)) {
      refusals.push(
        `${name}: must be a public https address in production, not ${url.protocol}//${url.hostname}`,
      );
    }
  }
  return refusals.sort();
}
