// Detectors for AI model providers' API keys and tokens, the credentials a coding agent is most often handed.
//
// Patterns are written from each vendor's published format, not taken from other scanners. Tokens
// whose body may contain `-` also refuse a `-` on either side, so a longer run never half-matches.
// The fakes below came from a throwaway random generator and are split after the prefix so that
// this file itself holds no contiguous token.

import { defineDetectors } from '../detector.js';
import { assigned, near, sample } from './patterns.js';

const FAKE = {
  anthropicKey: 'sk-ant-' + 'api03-Naof3-eGerwZlcPgSPM0_Pn_CsoAaO5-sh68TfueTd7VGEbTDQ4St6CP1qNm0GkR8YVHmFMD-iYOzjOAUxDYbsYU17w99AA',
  anthropicKeyV4: 'sk-ant-' + 'api04-AziTyGkSp6clz6zbcN86R3Shz2WVZonSAAzwJUNiIdkdWAvl92Ia4aOCXC5x79Wa8xH7dcdcDqgrSGTUpiaZIHXrZfY5LAA',
  anthropicKey2: 'sk-ant-' + 'api03-vZ5tZGGi8wOcjtoM4cNp8Ku6BjTIz4x4aOb2njNMoBMLFwgReytWeFUBWWv_NMPqm7DJsSNC7KkkJU6fozb6lUaX8gBE_AA',
  anthropicAdmin: 'sk-ant-' + 'admin01-O7TS0M4jRe2EN5xt5FWZZahtCtbr6tM91Wvqv8IKkGxThnuwFGjOOElhW4kTiKTR7HCMMsRE4SJ0DqP6kjcRnFsBzxIB5AA',
  anthropicAdmin2: 'sk-ant-' + 'admin01-lBfCGzeTLEhsaYMoSNSIZL0EkoOTe-BFEKiDK-LNqAFwxFHIsq8AkX1NZ0eLNrUdz15vP9nTY61HN-Hhd9hqbjXJi8HoMAA',
  anthropicOat: 'sk-ant-' + 'oat01-pF76DYaSY7lV6f5eBJ-w5bAfyRs1Fzz6uu-JO-jyC1WqLqigZQ_RH0C4PM69ifWE_ch90NT2U6WzDEuCTEYbBBl5HBrzSAA',
  anthropicOat2: 'sk-ant-' + 'oat01-44qz1e-cF-6RyAOIf8Z84itVZLEwcUdnIWz8CnpxJwCATQzAzkCJwyKAFikoNFNxZ-6YnU6L8ADosA4P8kfxaYi-tRrbLAA',
  anthropicOrt: 'sk-ant-' + 'ort01-jz-gUnzg95fRYAuLyR8RqoviRhFQTHy7TGQhzhMI3b6tYKtfkDkBISV3aSaFZ6-vydecteBXFgd3U4g48WcQpPdXU0MjWAA',
  anthropicOrt2: 'sk-ant-' + 'ort01-JEc6mVuFueXImcumEC2NPqCZMrHwOb7oT3KDR-TwbLFq5r0uWuc08-Pj-aPUp-591P34QTgX-Pvp6onGSZ-Xx7wnvXx2VAA',
  openaiLegacy: 'sk-' + 'vjqJuMzRNA2ssD26ZCGnT3BlbkFJJvQbgZLy1gHLOEbaszuK',
  openaiProject:
    'sk-' + 'proj-TAqF9uTFfsCRYHnD6pTPwC297Cr8hEHlrq3J7_wjRu_ktenGvhQiytUmApZjw9sA06GOONrGjxT3BlbkFJ9yFlhrhLf9e-xZOKWV-8PGNZpxBY56o5Eaq06tw0BaVvjKQTTW4V7adEqZ6zzgtDBPfnriuHXN',
  openaiProjectShort:
    'sk-' + 'proj-6ozo5B98uKjpEZevR9MN_Xr2DuDYbKS0bdQo8vxfB_P3rXUhmgCrGE6y4AT3BlbkFJ9-F11gJTastMcwgYLesp4oi-TLU7OJfSCe8BK6cZKuv7AFh3d3vLpQP7pm',
  openaiProjectNoMarker:
    'sk-' + 'proj-7MZkyZyyD8Q0ouub3kFV-pRODtAccp_C35iVYhYWphraq9VV7LxrzUgtggjz03Og6fNLNGkOCoRArhvkszQxRi4kxkh9Cq9GJYRWo6WUCHX_l_E2ppI_2Xngofj9BYEeapOfm91CbGOvqinhBAYDXpHlGPqv',
  openaiServiceAccount:
    'sk-' + 'svcacct-2BJoBqNS7QTqvvWio-oFA7N095NiEQD2EapW0KM57awWXVmNm0nPw9GMyRuOnKgjFhbRr0AY1FT3BlbkFJn6LhvN0wJZem78frnfusKa-SSHsIV7lNp3uxI7kULJxPrf2ejXtwU3JrbkzyuDwNtabTgglCWJ',
  openaiAdmin: 'sk-' + 'admin-lZZDdMmj1HhdiopzxxyNgSwZxCG3l-M0sNejyKqFgs7u2_xbZPS65QStaUT3BlbkFJHrmZkvxtC6wGUw16-lt54jdU77Bm6r4LM7Uml5cT8mQ5gt_Zbuj3Fwx79y',
  groq: 'gsk' + '_5su3kfigvb0fxiVAYipPK75A9AsiI7dnMQJ5almHSaBM36dg2RoI',
  groq2: 'gsk' + '_jTaAge0yZ9Foj0j6CuGxD249T2Tr2UemIVGRevTYXkRjDCPInH2P',
  xai: 'xai' + '-5v89SBzf1Gxh9V7CEZ4mbm7KHDvl11wuY93QUCIDnps0rCxg6fd1P0a1hwSkBeIR4eCFxCjShjvcXhoO',
  xai2: 'xai' + '-ih3hvp5fwMHOIkqb80IXOwhievP5vHxd5VPclSB2yOePBAk5sVXARcZc5if1gmVE6skVSoaz50Rxoucw',
  replicate: 'r8' + '_LFxXQqE9sBwbVSO3gN7JwmRGSoAGobC15VwdE',
  replicate2: 'r8' + '_nWqke7OWihKqWrkPfnpRmZ9UkcPDnK08Kbqxx',
  perplexity: 'pplx' + '-0UuNCThbtoqZPAsfuScjwKcPqz4ZqSQeUf06tCI7d7T4aDdp',
  perplexity2: 'pplx' + '-4soLRQTEWmaWRKZSKKKbPJtbvoOO3WMza4QOwussqaHmfNcT',
  cohere: 'TJeb575glHh62BsOAKYMR6USntcOmElBFxYsVCBN',
  cohere2: '6wUlsHQho3hCY60iWIWkqJBUFFm7o9arFx7FxVXN',
  openrouter: 'sk-or-' + 'v1-ceedca2b5d511733b1eb56fdb84b749126d66cd0e4ceb5546daf98197c8af44a',
} as const;

const OPENAI_MARKER = 'T3BlbkFJ';

/** OpenAI keys carry `T3BlbkFJ` (base64 of "OpenAI") with at least 20 characters on each side. */
function hasOpenAiMarker(secret: string, prefixLength: number): boolean {
  const at = secret.indexOf(OPENAI_MARKER, prefixLength + 20);
  return at >= 0 && secret.length - at - OPENAI_MARKER.length >= 20;
}

const ANTHROPIC_SOURCE =
  "Anthropic's API and Claude Code documentation give the prefix; the 108-character shape (93 URL-safe characters then `AA`) is the one Anthropic issues and GitHub secret scanning matches";

export const AI_DETECTORS = defineDetectors([
  {
    id: 'anthropic-api-key',
    description: 'anthropic api key',
    source: `${ANTHROPIC_SOURCE}; \`api0N\` is accepted for future versions.`,
    keywords: ['sk-ant-api0'],
    pattern: /(?<![A-Za-z0-9_-])sk-ant-api0\d-[A-Za-z0-9_-]{93}AA(?![A-Za-z0-9_-])/g,
    minEntropy: 3,
    severity: 'high',
    confidence: 'high',
    truePositives: [
      sample('ANTHROPIC_API_KEY="%s"', FAKE.anthropicKey),
      sample("client = anthropic.Anthropic(api_key='%s')", FAKE.anthropicKey2),
      sample('  anthropic_api_key: %s\n', FAKE.anthropicKeyV4),
    ],
    falsePositives: [
      `ANTHROPIC_API_KEY=sk-ant-api03-${'x'.repeat(93)}AA`,
      'ANTHROPIC_API_KEY=sk-ant-api03-your-anthropic-api-key',
      FAKE.anthropicKey.slice(0, -3) + 'AA',
      FAKE.anthropicKey.slice(0, -2) + 'AB',
      FAKE.anthropicKey + 'AA',
      FAKE.anthropicKey.replace('api03', 'apiXX'),
    ],
  },
  {
    id: 'anthropic-admin-key',
    description: 'anthropic admin api key (organisation administration)',
    source: `${ANTHROPIC_SOURCE}; the Admin API documentation gives the \`sk-ant-admin01-\` prefix.`,
    keywords: ['sk-ant-admin0'],
    pattern: /(?<![A-Za-z0-9_-])sk-ant-admin0\d-[A-Za-z0-9_-]{93}AA(?![A-Za-z0-9_-])/g,
    minEntropy: 3,
    severity: 'high',
    confidence: 'high',
    truePositives: [
      sample('ANTHROPIC_ADMIN_KEY=%s', FAKE.anthropicAdmin),
      sample('curl https://api.anthropic.com/v1/organizations/users -H "x-api-key: %s"', FAKE.anthropicAdmin2),
    ],
    falsePositives: [
      `ANTHROPIC_ADMIN_KEY=sk-ant-admin01-${'x'.repeat(93)}AA`,
      FAKE.anthropicAdmin.slice(0, -4) + 'AA',
      FAKE.anthropicAdmin.replace('admin01', 'admin'),
    ],
  },
  {
    id: 'anthropic-oauth-access-token',
    description: 'anthropic oauth access token (claude code subscription login or setup-token)',
    source:
      'Claude Code documentation: `claude setup-token` prints an `sk-ant-oat01-` token used as CLAUDE_CODE_OAUTH_TOKEN; the body length is not documented, so 80 to 120 URL-safe characters are accepted (observed tokens carry 95).',
    keywords: ['sk-ant-oat0'],
    pattern: /(?<![A-Za-z0-9_-])sk-ant-oat0\d-[A-Za-z0-9_-]{80,120}(?![A-Za-z0-9_-])/g,
    minEntropy: 3,
    severity: 'high',
    confidence: 'high',
    truePositives: [
      sample('CLAUDE_CODE_OAUTH_TOKEN=%s', FAKE.anthropicOat),
      sample('{"claudeAiOauth": {"accessToken": "%s", "expiresAt": 1767225600000}}', FAKE.anthropicOat2),
    ],
    falsePositives: [
      'CLAUDE_CODE_OAUTH_TOKEN=sk-ant-oat01-...',
      'setup_token = "sk-ant-oat01-TEST_SETUP_TOKEN_NOT_REAL"',
      `CLAUDE_CODE_OAUTH_TOKEN=sk-ant-oat01-${'x'.repeat(95)}`,
    ],
  },
  {
    id: 'anthropic-oauth-refresh-token',
    description: 'anthropic oauth refresh token (mints new claude code access tokens)',
    source:
      'Claude Code stores an `sk-ant-ort01-` refresh token beside the access token in ~/.claude/.credentials.json; same shape as the access token.',
    keywords: ['sk-ant-ort0'],
    pattern: /(?<![A-Za-z0-9_-])sk-ant-ort0\d-[A-Za-z0-9_-]{80,120}(?![A-Za-z0-9_-])/g,
    minEntropy: 3,
    severity: 'high',
    confidence: 'high',
    truePositives: [
      sample('"refreshToken": "%s",', FAKE.anthropicOrt),
      sample('export CLAUDE_REFRESH_TOKEN=%s', FAKE.anthropicOrt2),
    ],
    falsePositives: [
      '"refreshToken": "sk-ant-ort01-...",',
      '"refreshToken": "sk-ant-ort01-refresh-token-xyz",',
      FAKE.anthropicOrt.slice(0, 60),
    ],
  },
  {
    id: 'openai-api-key',
    description: 'openai api key (legacy user key or project key)',
    source:
      "OpenAI's API key documentation and announcements of project keys (`sk-proj-`); every key embeds `T3BlbkFJ`, the base64 of \"OpenAI\", which the check requires.",
    keywords: ['t3blbkfj'],
    pattern: /(?<![A-Za-z0-9_-])sk-(?:[A-Za-z0-9]{20}T3BlbkFJ[A-Za-z0-9]{20}|proj-[A-Za-z0-9_-]{40,250})(?![A-Za-z0-9_-])/g,
    minEntropy: 3,
    validate: (secret) => hasOpenAiMarker(secret, secret.startsWith('sk-proj-') ? 8 : 3),
    severity: 'high',
    confidence: 'high',
    truePositives: [
      sample('OPENAI_API_KEY=%s', FAKE.openaiProject),
      sample('openai.api_key = "%s"', FAKE.openaiLegacy),
      sample('const client = new OpenAI({ apiKey: "%s" });', FAKE.openaiProjectShort),
    ],
    falsePositives: [
      `OPENAI_API_KEY=${FAKE.openaiProjectNoMarker}`,
      'OPENAI_API_KEY=sk-proj-your-openai-api-key',
      FAKE.openaiLegacy.slice(0, -1),
      FAKE.openaiLegacy.replace(OPENAI_MARKER, 'T3BlbkFX'),
      `sk-proj-T3BlbkFJ${'Ab3dE'.repeat(8)}`,
    ],
  },
  {
    id: 'openai-service-account-key',
    description: 'openai service account key',
    source: "OpenAI's project service account documentation; keys start `sk-svcacct-` and embed `T3BlbkFJ`.",
    keywords: ['sk-svcacct-'],
    pattern: /(?<![A-Za-z0-9_-])sk-svcacct-[A-Za-z0-9_-]{40,250}(?![A-Za-z0-9_-])/g,
    minEntropy: 3,
    validate: (secret) => hasOpenAiMarker(secret, 11),
    severity: 'high',
    confidence: 'high',
    truePositives: [sample('OPENAI_API_KEY: "%s"', FAKE.openaiServiceAccount)],
    falsePositives: [
      FAKE.openaiServiceAccount.replace(OPENAI_MARKER, 'T3BlbkXX'),
      'sk-svcacct-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
    ],
  },
  {
    id: 'openai-admin-key',
    description: 'openai admin api key (organisation administration)',
    source: "OpenAI's Administration API documentation; admin keys start `sk-admin-` and embed `T3BlbkFJ`.",
    keywords: ['sk-admin-'],
    pattern: /(?<![A-Za-z0-9_-])sk-admin-[A-Za-z0-9_-]{40,250}(?![A-Za-z0-9_-])/g,
    minEntropy: 3,
    validate: (secret) => hasOpenAiMarker(secret, 9),
    severity: 'high',
    confidence: 'high',
    truePositives: [sample('OPENAI_ADMIN_KEY=%s', FAKE.openaiAdmin)],
    falsePositives: [FAKE.openaiAdmin.replace(OPENAI_MARKER, 'T3BlbkFj'), 'OPENAI_ADMIN_KEY=sk-admin-...'],
  },
  {
    id: 'groq-api-key',
    description: 'groq api key',
    source: "Groq console and API documentation: keys are `gsk_` followed by 52 alphanumeric characters.",
    keywords: ['gsk_'],
    pattern: /(?<![A-Za-z0-9_])gsk_[A-Za-z0-9]{52}(?![A-Za-z0-9_])/g,
    minEntropy: 3,
    severity: 'high',
    confidence: 'high',
    truePositives: [sample('GROQ_API_KEY=%s', FAKE.groq), sample('client = Groq(api_key="%s")', FAKE.groq2)],
    falsePositives: ['GROQ_API_KEY=gsk_...', FAKE.groq.slice(0, -1), FAKE.groq + 'x', `gsk_${'a1'.repeat(26)}`],
  },
  {
    id: 'xai-api-key',
    description: 'xai (grok) api key',
    source: 'xAI console and API documentation: keys are `xai-` followed by 80 alphanumeric characters.',
    keywords: ['xai-'],
    pattern: /(?<![A-Za-z0-9_-])xai-[A-Za-z0-9]{80}(?![A-Za-z0-9_-])/g,
    minEntropy: 3,
    severity: 'high',
    confidence: 'high',
    truePositives: [sample('XAI_API_KEY=%s', FAKE.xai), sample('"apiKey": "%s"', FAKE.xai2)],
    falsePositives: ['XAI_API_KEY=xai-your-xai-api-key', FAKE.xai.slice(0, -2), `xai-${'x'.repeat(80)}`],
  },
  {
    id: 'replicate-api-token',
    description: 'replicate api token',
    source: "Replicate's HTTP API documentation: tokens are `r8_` followed by 37 alphanumeric characters.",
    keywords: ['r8_'],
    pattern: /(?<![A-Za-z0-9_])r8_[A-Za-z0-9]{37}(?![A-Za-z0-9_])/g,
    minEntropy: 3,
    severity: 'high',
    confidence: 'high',
    truePositives: [sample('REPLICATE_API_TOKEN=%s', FAKE.replicate), sample("os.environ['REPLICATE_API_TOKEN'] = '%s'", FAKE.replicate2)],
    falsePositives: ['REPLICATE_API_TOKEN=r8_...', FAKE.replicate.slice(0, -1), `r8_${'0'.repeat(37)}`],
  },
  {
    id: 'perplexity-api-key',
    description: 'perplexity api key',
    source: "Perplexity API documentation: keys are `pplx-` followed by 48 alphanumeric characters.",
    keywords: ['pplx-'],
    pattern: /(?<![A-Za-z0-9_-])pplx-[A-Za-z0-9]{48}(?![A-Za-z0-9_-])/g,
    minEntropy: 3,
    severity: 'high',
    confidence: 'high',
    truePositives: [sample('PERPLEXITY_API_KEY="%s"', FAKE.perplexity), sample('Authorization: Bearer %s', FAKE.perplexity2)],
    falsePositives: ['PERPLEXITY_API_KEY=pplx-xxxxxxxxxxxxxxxx', FAKE.perplexity.slice(0, -1), FAKE.perplexity + 'Q'],
  },
  {
    id: 'cohere-api-key',
    description: 'cohere api key assigned to a cohere-named variable, or to api_key next to cohere',
    source:
      "Cohere's API documentation: keys are 40 alphanumeric characters with no prefix, so the rule needs a Cohere variable name (COHERE_API_KEY, CO_API_KEY) in front, or an api_key with Cohere named just before it.",
    keywords: ['cohere', 'co_api_key', 'co-api-key'],
    pattern: assigned('cohere[a-z0-9_.-]{0,20}?(?:key|token)|co[_-]api[_-]key|api[_-]?key', '[A-Za-z0-9]{40}', 'A-Za-z0-9_'),
    minEntropy: 3.5,
    validate: (secret, match) =>
      /[0-9]/.test(secret) &&
      /[A-Za-z]/.test(secret) &&
      (/^co/i.test(match.groups?.name ?? '') || near(match, /cohere/i, 200, 0)),
    severity: 'high',
    confidence: 'medium',
    truePositives: [sample('COHERE_API_KEY=%s', FAKE.cohere), sample('co = cohere.ClientV2(api_key="%s")', FAKE.cohere2), sample('CO_API_KEY: %s', FAKE.cohere)],
    falsePositives: [
      `API_KEY=${FAKE.cohere}`,
      `import cohere\n${'pass\n'.repeat(50)}stripe_api_key = "${FAKE.cohere2}"`,
      `COHERE_API_KEY=${FAKE.cohere.slice(0, -1)}`,
      'COHERE_API_KEY=${{ secrets.COHERE_API_KEY }}',
      'cohere_api_key = "ThisIsNotAKeyButAVeryLongIdentifierNames"',
    ],
  },
  {
    id: 'openrouter-api-key',
    description: 'openrouter api key',
    source: "OpenRouter's authentication documentation: keys are `sk-or-v1-` followed by 64 hex characters.",
    keywords: ['sk-or-v1-'],
    pattern: /(?<![A-Za-z0-9_-])sk-or-v1-[0-9a-f]{64}(?![A-Za-z0-9_-])/g,
    minEntropy: 3,
    severity: 'high',
    confidence: 'high',
    truePositives: [sample('OPENROUTER_API_KEY=%s', FAKE.openrouter)],
    falsePositives: ['OPENROUTER_API_KEY=sk-or-v1-...', FAKE.openrouter.slice(0, -1), FAKE.openrouter.toUpperCase().replace('SK-OR-V1-', 'sk-or-v1-')],
  },
]);
