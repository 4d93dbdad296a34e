// Which model credential the host has, and what the sandbox gets in its place; no I/O, so a run without a key never loads the broker's HTTP stack.

export interface BrokerCredential {
  /** The host variable it came from; the sandbox gets the placeholder under the same name. */
  envName: 'ANTHROPIC_API_KEY' | 'ANTHROPIC_AUTH_TOKEN' | 'CLAUDE_CODE_OAUTH_TOKEN';
  header: 'x-api-key' | 'authorization';
  value: string;
  placeholder: string;
  upstream: URL;
}

export const PLACEHOLDER = 'cordon-broker-placeholder';

/** The host's model credential, in the order Claude Code itself prefers them; undefined when there is none. */
export function brokerCredential(env: NodeJS.ProcessEnv): BrokerCredential | undefined {
  const upstream = upstreamOf(env.ANTHROPIC_BASE_URL);
  if (env.ANTHROPIC_API_KEY) return { envName: 'ANTHROPIC_API_KEY', header: 'x-api-key', value: env.ANTHROPIC_API_KEY, placeholder: PLACEHOLDER, upstream };
  if (env.ANTHROPIC_AUTH_TOKEN) return { envName: 'ANTHROPIC_AUTH_TOKEN', header: 'authorization', value: env.ANTHROPIC_AUTH_TOKEN, placeholder: PLACEHOLDER, upstream };
  if (env.CLAUDE_CODE_OAUTH_TOKEN) return { envName: 'CLAUDE_CODE_OAUTH_TOKEN', header: 'authorization', value: env.CLAUDE_CODE_OAUTH_TOKEN, placeholder: PLACEHOLDER, upstream };
  return undefined;
}

function upstreamOf(text: string | undefined): URL {
  if (!text) return new URL('https://api.anthropic.com');
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Error(`ANTHROPIC_BASE_URL is not a URL: ${JSON.stringify(text)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`ANTHROPIC_BASE_URL must be http or https, not ${url.protocol}`);
  return url;
}

/** What the sandbox gets instead of the credential. */
export function sandboxModelEnv(credential: BrokerCredential, port: number): Record<string, string> {
  return { ANTHROPIC_BASE_URL: `http://127.0.0.1:${port}`, [credential.envName]: credential.placeholder };
}

