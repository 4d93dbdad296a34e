// The sandbox's environment: an allowlist of the host's variables plus the ones cordon sets; everything else is dropped.

/** Passed through when the host has them (HOME is always replaced by the sandbox's own). */
export const BASE_VARIABLES = ['PATH', 'LANG', 'LC_ALL', 'TERM', 'TZ', 'CI'] as const;

/** Names that look like they hold a credential; they pass only when named with --env. */
const SECRET_NAME = /(TOKEN|SECRET|PASSWORD|PASSWD|PASSPHRASE|CREDENTIAL|PRIVATE|API_?KEY|ACCESS_?KEY|AUTH|SESSION|COOKIE|SIGNING|CERT)/i;

export function looksSecret(name: string): boolean {
  return SECRET_NAME.test(name);
}

export interface SandboxEnv {
  env: Record<string, string>;
  /** Host variables that were not passed in (names only). */
  dropped: string[];
}

/**
 * The environment of the sandboxed command. `explicit` are the `--env`/`sandbox.env` names: they pass
 * even when named like a secret, because the user asked. `fixed` (HOME, TMPDIR, proxy settings, the
 * model endpoint) wins over everything.
 */
export function sandboxEnv(host: NodeJS.ProcessEnv, explicit: readonly string[], fixed: Record<string, string>): SandboxEnv {
  const env: Record<string, string> = {};
  const allowed = new Set<string>([...BASE_VARIABLES, ...explicit]);
  for (const name of allowed) {
    const value = host[name];
    if (value !== undefined) env[name] = value;
  }
  Object.assign(env, fixed);
  const dropped = Object.keys(host)
    .filter((name) => !(name in env))
    .sort();
  return { env, dropped };
}

/** The proxy settings every common client reads: curl, wget, git, npm, pip, Node's undici with NODE_USE_ENV_PROXY. */
export function proxyVariables(proxyUrl: string): Record<string, string> {
  const noProxy = 'localhost,127.0.0.1,::1';
  return {
    HTTP_PROXY: proxyUrl,
    HTTPS_PROXY: proxyUrl,
    ALL_PROXY: proxyUrl,
    http_proxy: proxyUrl,
    https_proxy: proxyUrl,
    all_proxy: proxyUrl,
    NO_PROXY: noProxy,
    no_proxy: noProxy,
    npm_config_proxy: proxyUrl,
    npm_config_https_proxy: proxyUrl,
    // git reads its config from the environment too: no file to write, nothing the agent can edit.
    GIT_CONFIG_COUNT: '1',
    GIT_CONFIG_KEY_0: 'http.proxy',
    GIT_CONFIG_VALUE_0: proxyUrl,
  };
}
