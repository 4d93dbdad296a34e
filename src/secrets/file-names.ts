// The file-name layer: files that hold credentials by what they are, whatever their contents look like.

export interface SecretFileKind {
  kind: string;
  description: string;
  /** When set, the file counts only if its text passes this check (e.g. `.npmrc` with an auth token). */
  contentCheck?: (text: string) => boolean;
}

const hasAssignedValue = (text: string): boolean => text.split('\n').some((line) => /^\s*(export\s+)?[A-Za-z_][\w.-]*\s*=\s*\S/.test(line) && !/^\s*#/.test(line));

const RULES: { test: (base: string, path: string) => boolean; kind: SecretFileKind }[] = [
  {
    test: (base) => (/^\.env(\..+)?$/i.test(base) || /^[\w.-]+\.env$/i.test(base)) && !/(^|\.)(example|sample|template|dist|defaults)(\.|$)/i.test(base.replace(/^\.env/i, '')),
    kind: { kind: 'dotenv', description: 'environment file with values', contentCheck: hasAssignedValue },
  },
  { test: (base) => /\.(pem|key)$/i.test(base) && !/\.pub(\.pem)?$/i.test(base), kind: { kind: 'key-file', description: 'key or certificate file' } },
  { test: (base) => /^id_(rsa|dsa|ecdsa|ed25519)(_[\w-]+)?$/.test(base), kind: { kind: 'ssh-private-key', description: 'SSH private key' } },
  { test: (base) => /\.(p12|pfx|ppk|jks|keystore)$/i.test(base), kind: { kind: 'keystore', description: 'key store (PKCS#12, PuTTY, Java)' } },
  { test: (base) => base === '.npmrc', kind: { kind: 'npmrc', description: '.npmrc with an auth token', contentCheck: (text) => /(_authToken|_auth|_password)\s*=\s*[^\s$]/.test(text) } },
  { test: (base) => base === '.pypirc', kind: { kind: 'pypirc', description: '.pypirc with a password', contentCheck: (text) => /^\s*password\s*[=:]\s*\S/m.test(text) } },
  { test: (base) => base === '.netrc' || base === '_netrc', kind: { kind: 'netrc', description: '.netrc with a password', contentCheck: (text) => /\bpassword\s+\S/.test(text) } },
  { test: (base) => base === '.git-credentials', kind: { kind: 'git-credentials', description: 'git credential store' } },
  { test: (base, path) => base === 'config.json' && /(^|\/)\.docker\/config\.json$/.test(path), kind: { kind: 'docker-config', description: 'Docker config with registry auths', contentCheck: (text) => /"auth"\s*:\s*"[^"]+"/.test(text) } },
  { test: (base) => base === '.dockercfg', kind: { kind: 'docker-config', description: 'Docker config with registry auths' } },
  { test: (base, path) => base === 'credentials' && /(^|\/)\.aws\/credentials$/.test(path), kind: { kind: 'aws-credentials', description: 'AWS credentials file' } },
  { test: (base) => /\.tfstate(\.backup)?$/.test(base), kind: { kind: 'terraform-state', description: 'Terraform state (holds resource secrets in plain text)' } },
  { test: (base) => /\.tfvars$/.test(base), kind: { kind: 'terraform-vars', description: 'Terraform variables file', contentCheck: (text) => /(password|secret|token|key)\w*\s*=\s*"[^"$]{6,}"/i.test(text) } },
  { test: (base, path) => /^kubeconfig/i.test(base) || /(^|\/)\.kube\/config$/.test(path), kind: { kind: 'kubeconfig', description: 'Kubernetes config', contentCheck: (text) => /(client-key-data|token|password)\s*:/.test(text) } },
  { test: (base) => /^credentials.*\.json$/i.test(base) || /service[-_]?account.*\.json$/i.test(base), kind: { kind: 'credentials-json', description: 'credentials JSON', contentCheck: (text) => /"(private_key|client_secret|refresh_token|password|token)"\s*:\s*"[^"]{8,}"/.test(text) } },
  { test: (base) => base === '.pgpass' || base === '.my.cnf', kind: { kind: 'database-credentials', description: 'database client credentials' } },
  { test: (base) => base === '.htpasswd', kind: { kind: 'htpasswd', description: 'HTTP password file' } },
  { test: (base) => base === 'master.key' || base === 'credentials.yml.enc', kind: { kind: 'rails-master-key', description: 'Rails master key or encrypted credentials' } },
  { test: (base) => base === 'sftp-config.json' || base === '.ftpconfig' || base === '.remote-sync.json', kind: { kind: 'deploy-config', description: 'deployment config with stored passwords', contentCheck: (text) => /"password"\s*:\s*"[^"]+"/.test(text) } },
  { test: (base) => base === '.credentials.json' || base === 'claude_desktop_config.json', kind: { kind: 'agent-credentials', description: 'agent credentials or desktop config', contentCheck: (text) => /"(accessToken|refreshToken|[A-Z_]*(KEY|TOKEN|SECRET))"\s*:\s*"[^"$]{8,}"/.test(text) } },
  { test: (base) => base === '.mcp.json', kind: { kind: 'mcp-config', description: '.mcp.json with literal keys', contentCheck: (text) => /"[A-Za-z_]*(KEY|TOKEN|SECRET|PASSWORD|key|token|secret)"\s*:\s*"(?!\$\{)[^"]{12,}"/.test(text) || /"Authorization"\s*:\s*"Bearer\s+(?!\$\{)[^"]{12,}"/i.test(text) } },
];

/** Every kind the layer knows, for documentation. */
export const SECRET_FILE_KINDS: readonly SecretFileKind[] = [...new Map(RULES.map((rule) => [rule.kind.kind, rule.kind])).values()];

/** The secret-file kind a path names (before any content check), or undefined. */
export function secretFileKind(path: string): SecretFileKind | undefined {
  const base = path.slice(path.lastIndexOf('/') + 1);
  return RULES.find((rule) => rule.test(base, path))?.kind;
}

/** The kind when the file really holds a secret: name matches and, where defined, the content agrees. */
export function secretFile(path: string, text: string | undefined): SecretFileKind | undefined {
  const kind = secretFileKind(path);
  if (!kind) return undefined;
  if (kind.contentCheck && (text === undefined || !kind.contentCheck(text))) return undefined;
  return kind;
}
