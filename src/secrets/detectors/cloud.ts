// Detectors for cloud platform credentials: AWS, Google Cloud, Azure, Cloudflare, DigitalOcean, Heroku, Alibaba.
//
// Patterns are written from each vendor's published format, not taken from other scanners. Where a
// value has no prefix of its own (AWS secret keys, Azure client secrets, legacy Cloudflare tokens),
// the rule needs a telling variable name in front (`assigned`) or a vendor marker close by (`near`).
// The fakes below came from a throwaway random generator and are split so that this file itself
// holds no contiguous credential.

import { crc32 } from '../checksum.js';
import { defineDetectors } from '../detector.js';
import { assigned, decodeBase64, near, sample } from './patterns.js';

const FAKE = {
  google: 'AI' + 'zankvEgFK4qg4iRyxTerElhiKcJQ-apedcvUS',
  google2: 'AI' + 'za-J3gUSu8E8ghtdWFz8AVkS5Nvr6bJDTDSw5',
  gcpKeyId: 'b6787122b10429796bd0758988523d9d65cac6bb',
  gcpKeyId2: '698abf58803d8faa5cc33430f12adc4571a0bb14',
  pemBody: 'H2V2tMf9yVoo6BXHWiBPSYHlaZ/4eebxUhRVKfJC1f4Kk6nUyISu0+dF23SpYuh/',
  awsKeyId: 'AK' + 'IAPLRZYUZVECRQDASO',
  awsTemporaryKeyId: 'AS' + 'IAB3KT4J4NLSSRLE27',
  awsSecret: 'qSdzZNTB5t' + 'DHya+7VWo3uW8LCoZwMOJ4bmlj9sYY',
  awsSecret2: 'c8BGTHuBbN' + 'lOASaPsxbx3IW+DghTaTdNRxg4ZS9b',
  awsSession:
    'IQoJb3JpZ2luX2VjECqGdZ/qTM7qYoCfsrLm2krsHfE+YAapD2sVopA3CNn3sBU03sCzZ+no5w3ZHZ6WcYYeTdL8xSlZfZ3pgl+6oLWp21sD/Kac4W7yVZsNXMW4rJFM45onSkS7Z4k606gSfZw1Y6IdOOFqeZ013zzLzmAvbh8IgrtAMAWpepzv5cCY5q5NAmuXIaG6jLZQYERSAhq0Wlj9+0Os8NDeCC+JH1y5SN6mCaRAUsQpNl83Wrstjz6TeS7a48vjKcVGRB2FvThrz7CC6wRq6ZPJbQx+wbv30VfJmP+i8QQ9aoeZFfd2KA89MPWOO4oQygLzxrTmcyKvmmD+I3DwA4QyZOWVt22m2DZE190/eH5SBc3UUrld/+BcUeDuxJ1gQAm7p38Qh8CNB5xY/YobUGKS47Qsu+OYJip/UN/VbPArTVruj09qFowVRpj9qWJqx',
  bedrock:
    'AB' + 'SKQmVkcm9ja0FQSUtleS00cGE3LWF0LTQ0MDg4OTE5MTgzMjo3am83ZnR1T1JpdDV5NzllU25ZeFF6NVI0QWhBdHFyQ3RXMTBOYkkza29IRHdHWStwbVZDRUwwbC9PRT0=',
  bedrockWrongShape:
    'AB' + 'SKQmVkcm9ja0FQSUtleS05QWh1a0gzcUxrQ1ZhQlh0Nnp1QzgxY3hhRTZNdlJORnRJMHB0aWxzN3A3a1hKRHFncGIzbWZ0N1FMbEcwdHlHMVl6Q09QRDNHRnRBNzlSSQ==',
  bedrockShortTerm:
    'bedrock-api-key-' +
    'YmVkcm9jay5hbWF6b25hd3MuY29tLz9BY3Rpb249Q2FsbFdpdGhCZWFyZXJUb2tlbiZYLUFtei1BbGdvcml0aG09QVdTNC1ITUFDLVNIQTI1NiZYLUFtei1DcmVkZW50aWFsPUFLSUFESFQ1R0VYQkY3Wk9WM1dVJTJGMjAyNjAzMDElMkZ1cy1lYXN0LTElMkZiZWRyb2NrJTJGYXdzNF9yZXF1ZXN0JlgtQW16LURhdGU9MjAyNjAzMDFUMTAxNTAwWiZYLUFtei1FeHBpcmVzPTQzMjAwJlgtQW16LVNpZ25lZEhlYWRlcnM9aG9zdCZYLUFtei1TaWduYXR1cmU9ZjJkYjg1YTYwMDI0MWI0N2FlNjM3ZmEyNjg3ZWIzMWQzNmE0MTAxMjM4OGQ5MzNlYjExNzk2MWVkMTU3MWE0NiZWZXJzaW9uPTE=',
  bedrockShortTermUnsigned:
    'bedrock-api-key-' +
    'YmVkcm9jay5hbWF6b25hd3MuY29tLz9BY3Rpb249Q2FsbFdpdGhCZWFyZXJUb2tlbiZYLUFtei1BbGdvcml0aG09QVdTNC1ITUFDLVNIQTI1NiZYLUFtei1EYXRlPTIwMjYwMzAxVDEwMTUwMFomWC1BbXotRXhwaXJlcz00MzIwMCZWZXJzaW9uPTE=',
  azureStorage: 'qy+C8X7FhByHtLjqyQNS1+EgRDREl/53/BFkLy/T7Kncu011DuW+MXm/ar3iYa9KYzf3chEYEwXov8JyAN5A1w==',
  azureStorage2: '3JCMJDMdnOfW3Hez8IK3w1wlDeByQgsTVo8KDEanXOfOfiw2BkuQThA1G2qeu2Ea7Voy/Ds/GH7eQS5nb/uYNQ==',
  azureClientSecret: 'z252' + 'Q~3iFl5BXdOVeQ_NWG3~BfiXtMdWhlEw4enZ',
  azureClientSecret2: 'iQC0' + 'Q~cWybua8Vxj0OD2uFj2CbPrpbC2g3MZzC4I',
  azureSig: 'pVr%2B76PKQSOMQvH07MmCYC1xj9sM5rrXhRllelDAqwk%3D',
  azureSig2: 'dRfIhIKCkdfP9Reugr71%2FxZhbNTtBWxgBIS0At7UEsI%3D',
  cloudflareUserToken: 'cfut' + '_fMzQkLQlkGMFbOTx65FEGuiJdpDyn2ta7IkqGhrW22ebf20f',
  cloudflareAccountToken: 'cfat' + '_kx2M17zq0uZcQIoAsd7paMGjLJDRcsexoESp3MeGfe1cf9b6',
  cloudflareGlobalKey: 'cfk' + '_fkqsX1t3eSjYMspcDJ1aawaIboqgTRl4TYGf34O1751dcc4b',
  cloudflareLegacyToken: 'Elvlc_-qsL' + 'Dez7bLREU-GXABr-7xtOB0VA1o_XRS',
  cloudflareLegacyKey: '9b34ecbf86' + '6e052cf1f473ea7faf43fd24eb0',
  cloudflareOriginCa:
    'v1.0' +
    '-b13312745b45fce5bda81c47-08b62117e1c7fff0d74c9731ab5f5958c92700a73752385b0fc2b0a0979ed48d698f23d1515455be0a1273b2575aef01fb4eaf286fb6892c4fdc66f0ea148abb5f21496b2f673015a4',
  digitaloceanPat: 'dop' + '_v1_135e9395f900fa6a5600b03f5720e89f8e848e744ff4b5801ee3a0a4902967c3',
  digitaloceanOauth: 'doo' + '_v1_45e150b351ad11735c7ee22b6c5058fceaf3a34fea8b49fb8ee36a988df7d815',
  digitaloceanRefresh: 'dor' + '_v1_42549226ff9133d72763f221757fd35609e3e1d633faa9dbe872aa860a958821',
  heroku: 'HRKU' + '-AANj4Qlvg0W7FFIdwPwuZ3QO2mSao4rQYseOdWfydCA_vmKwgu7gp0WqJ9Oc',
  herokuUuid: 'HRKU' + '-cd78feca-3e81-4f12-80a4-580e9c40f077',
  herokuLegacy: '001dfc7c-6f90-4e62-8386-2075c78ab9f8',
  alibabaKeyId: 'LT' + 'AI7SYEqWjn1f2Kse5dVuCe',
  alibabaShortKeyId: 'LT' + 'AIyq1AFu5UZO2U',
  alibabaSecret: 'ibaQjbsvBJy8YDgdM6soi7TCwHz57U',
} as const;

/** Microsoft's published storage emulator (Azurite) key: public by design, never a leak. */
const AZURITE_ACCOUNT_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

/** A Google service-account key file, as `gcloud iam service-accounts keys create` writes it. */
function serviceAccountKey(keyId: string, order: 'as-issued' | 'sorted'): Record<string, string> {
  const key: Record<string, string> = {
    type: 'service_account',
    project_id: 'cordon-fixture',
    private_key_id: keyId,
    private_key: `-----BEGIN ${'PRIVATE'} KEY-----\n${FAKE.pemBody}\n-----END PRIVATE KEY-----\n`,
    client_email: 'ci-deployer@cordon-fixture.iam.gserviceaccount.com',
    client_id: '104729583716354820917',
    token_uri: 'https://oauth2.googleapis.com/token',
  };
  // Code-unit order (the same for these ASCII keys): localeCompare would start ICU's collator, about
  // 15 ms, whenever the detector table loads, and every hook call loads it.
  return order === 'sorted' ? Object.fromEntries(Object.entries(key).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : key;
}

const SERVICE_ACCOUNT_TYPE = /\\?"type\\?"\s{0,4}:\s{0,4}\\?"service_account\\?"/;
const PRIVATE_KEY_FIELD = /\\?"private_key\\?"\s{0,4}:/;

/** Cloudflare's scannable tokens end in the 8-hex-digit CRC32 of the 40 characters after the prefix. */
function hasCloudflareChecksum(secret: string): boolean {
  const body = secret.slice(secret.indexOf('_') + 1);
  return crc32(body.slice(0, 40)).toString(16).padStart(8, '0') === body.slice(40);
}

const CLOUDFLARE_NAME = 'cloudflare[a-z0-9_.-]{0,20}?(?:token|key)|cf[_-][a-z0-9_.-]{0,20}?(?:token|key)';
const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

export const CLOUD_DETECTORS = defineDetectors([
  {
    id: 'google-api-key',
    description: 'google api key (google cloud, gemini, maps, firebase)',
    source: 'Google Cloud documentation on API keys: `AIza` followed by 35 URL-safe characters. Browser keys are often public by design, hence medium severity.',
    keywords: ['aiza'],
    pattern: /(?<![A-Za-z0-9_-])AIza[A-Za-z0-9_-]{35}(?![A-Za-z0-9_-])/g,
    minEntropy: 3,
    severity: 'medium',
    confidence: 'high',
    truePositives: [
      sample('GEMINI_API_KEY=%s', FAKE.google),
      sample('<script src="https://maps.googleapis.com/maps/api/js?key=%s&callback=initMap"></script>', FAKE.google2),
    ],
    falsePositives: [
      `GOOGLE_API_KEY=AIzaSy${'X'.repeat(33)}`,
      `key=${FAKE.google.slice(0, -1)}`,
      `key=${FAKE.google}Q`,
      'GEMINI_API_KEY=AIza...',
    ],
  },
  {
    id: 'gcp-service-account-key',
    description: 'google cloud service account key file (json with a private key)',
    source:
      'Google Cloud IAM documentation on service account keys: a JSON file with `"type": "service_account"`, a 40-hex `private_key_id` and a PEM `private_key`. The id is reported, once per key file, so the PEM body never appears in output.',
    keywords: ['service_account'],
    pattern: /\\?"private_key_id\\?"\s{0,4}:\s{0,4}\\?"(?<secret>[0-9a-f]{40})\\?"/g,
    minEntropy: 3,
    validate: (_secret, match) => near(match, SERVICE_ACCOUNT_TYPE, 3000, 3000) && near(match, PRIVATE_KEY_FIELD, 3000, 3000),
    severity: 'high',
    confidence: 'high',
    truePositives: [
      { text: JSON.stringify(serviceAccountKey(FAKE.gcpKeyId, 'as-issued'), null, 2), secret: FAKE.gcpKeyId },
      { text: JSON.stringify(serviceAccountKey(FAKE.gcpKeyId2, 'sorted')), secret: FAKE.gcpKeyId2 },
      { text: `GOOGLE_CREDENTIALS=${JSON.stringify(JSON.stringify(serviceAccountKey(FAKE.gcpKeyId, 'as-issued')))}`, secret: FAKE.gcpKeyId },
    ],
    falsePositives: [
      `{"type": "authorized_user", "private_key_id": "${FAKE.gcpKeyId}", "private_key": "..."}`,
      `{"type": "service_account", "private_key_id": "${FAKE.gcpKeyId}", "client_email": "ci@p.iam.gserviceaccount.com"}`,
      JSON.stringify({ ...serviceAccountKey(FAKE.gcpKeyId, 'as-issued'), private_key_id: '0000000000000000000000000000000000000000' }),
    ],
  },
  {
    id: 'aws-access-key-id',
    description: 'aws access key id (an identifier; dangerous only with its secret)',
    source:
      'AWS IAM documentation on access keys: `AKIA` (long-term) or `ASIA` (temporary) plus 16 base32 characters; `ABIA` and `ACCA` are other key-id kinds. Low severity alone, as the AWS secret access key rule reports the secret.',
    keywords: ['akia', 'asia', 'abia', 'acca'],
    pattern: /(?<![A-Za-z0-9_])(?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}(?![A-Za-z0-9_])/g,
    minEntropy: 3,
    severity: 'low',
    confidence: 'high',
    truePositives: [
      sample('aws_access_key_id = %s', FAKE.awsKeyId),
      sample('export AWS_ACCESS_KEY_ID="%s"', FAKE.awsTemporaryKeyId),
      sample('"AccessKeyId": "%s",', FAKE.awsKeyId),
    ],
    falsePositives: [
      'aws_access_key_id = AKIAIOSFODNN7EXAMPLE',
      'AWS_ACCESS_KEY_ID=AKIAI44QH8DHBEXAMPLE',
      FAKE.awsKeyId.slice(0, -1),
      FAKE.awsKeyId + 'Q',
      FAKE.awsKeyId.toLowerCase(),
      `X${FAKE.awsKeyId}`,
      'AGPAPLRZYUZVECRQDASO',
    ],
  },
  {
    id: 'aws-secret-access-key',
    description: 'aws secret access key assigned to an aws or secret-access-key variable',
    source:
      'AWS IAM documentation on access keys: the secret is exactly 40 base64 characters with no prefix, so the rule needs an aws_secret_access_key-style name, or a bare secret_key with AWS mentioned close by (Terraform provider blocks).',
    keywords: ['aws', 'secret_access', 'secretaccess', 'secret-access', 'secret.access'],
    pattern: assigned(
      'aws[_.-]?secret(?:[_.-]?access)?(?:[_.-]?key)?|secret[_.-]?access[_.-]?key|secret[_.-]?key',
      '[A-Za-z0-9/+]{40}',
      'A-Za-z0-9/+=',
    ),
    minEntropy: 3.5,
    validate: (secret, match) => {
      if (!/[a-z]/.test(secret) || !/[A-Z]/.test(secret)) return false;
      const name = (match.groups?.name ?? '').toLowerCase();
      return name.includes('aws') || name.includes('access') || near(match, /aws|amazon/i, 400, 200);
    },
    severity: 'high',
    confidence: 'medium',
    truePositives: [
      sample('[default]\naws_secret_access_key = %s\n', FAKE.awsSecret),
      sample('AWS_SECRET_ACCESS_KEY: "%s"', FAKE.awsSecret2),
      sample('{"AccessKeyId": "<id>", "SecretAccessKey": "%s"}', FAKE.awsSecret),
      sample('provider "aws" {\n  region     = "eu-west-1"\n  secret_key = "%s"\n}', FAKE.awsSecret2),
    ],
    falsePositives: [
      'aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
      "SECRET_KEY = 'S21jSEFkWH" + "FjOVVjdXp0UFkzeVJjMTlmNktRcTJ2'",
      `AWS_SECRET_ACCESS_KEY=${FAKE.awsSecret.slice(0, -1)}`,
      `AWS_SECRET_ACCESS_KEY=${FAKE.awsSecret}Z`,
      'AWS_SECRET_ACCESS_KEY=thisisnotanawssecretbutfortylowercasexyz',
      'AWS_SECRET_ACCESS_KEY=${AWS_SECRET_ACCESS_KEY}',
    ],
  },
  {
    id: 'aws-session-token',
    description: 'aws session token (temporary sts credentials)',
    source:
      'AWS STS documentation on temporary credentials: a long base64 session token returned as SessionToken and set as AWS_SESSION_TOKEN; the rule needs that name, or a generic session/security token name with AWS close by.',
    keywords: ['session_token', 'sessiontoken', 'session-token', 'security-token', 'security_token', 'securitytoken'],
    pattern: assigned(
      '(?:aws[_.-]?)?session[_.-]?token|(?:aws[_.-]?|x-amz-)?security[_.-]?token',
      '[A-Za-z0-9/+]{100,4096}={0,2}',
      'A-Za-z0-9/+=',
    ),
    minEntropy: 4,
    validate: (_secret, match) => {
      const name = (match.groups?.name ?? '').toLowerCase();
      return /aws|amz/.test(name) || near(match, /aws|amazon|accesskeyid|\bASIA[A-Z2-7]{16}\b/i, 800, 800);
    },
    severity: 'medium',
    confidence: 'medium',
    truePositives: [
      sample('[default]\naws_session_token = %s\n', FAKE.awsSession),
      sample('{"Credentials": {"AccessKeyId": "<id>", "SessionToken": "%s", "Expiration": "2026-03-01T12:00:00Z"}}', FAKE.awsSession),
    ],
    falsePositives: [
      `SESSION_TOKEN = "${FAKE.awsSession}"`,
      'AWS_SESSION_TOKEN=${AWS_SESSION_TOKEN}',
      `aws_session_token = ${FAKE.awsSession.slice(0, 80)}`,
    ],
  },
  {
    id: 'aws-bedrock-api-key',
    description: 'amazon bedrock long-term api key',
    source:
      'AWS IAM documentation on Amazon Bedrock API keys (service-specific credentials): `ABSK` followed by base64 of `BedrockAPIKey-<id>-at-<12-digit account>:<secret>`, which the check decodes.',
    keywords: ['abskqmvkcm9ja0fqsutles'],
    pattern: /(?<![A-Za-z0-9+/])ABSKQmVkcm9ja0FQSUtleS[A-Za-z0-9+/]{60,300}={0,2}(?![A-Za-z0-9+/=])/g,
    minEntropy: 3,
    validate: (secret) => /^BedrockAPIKey-[A-Za-z0-9]{1,16}-at-\d{12}:[A-Za-z0-9+/]{20,}={0,2}$/.test(decodeBase64(secret.slice(4)) ?? ''),
    severity: 'high',
    confidence: 'high',
    truePositives: [sample('AWS_BEARER_TOKEN_BEDROCK=%s', FAKE.bedrock), sample('bedrock_api_key = "%s"', FAKE.bedrock)],
    falsePositives: [
      'AWS_BEARER_TOKEN_BEDROCK=ABSKQmVkcm9ja0FQSUtleS0...',
      `AWS_BEARER_TOKEN_BEDROCK=${FAKE.bedrockWrongShape}`,
      `AWS_BEARER_TOKEN_BEDROCK=${FAKE.bedrock.slice(0, 80)}`,
    ],
  },
  {
    id: 'aws-bedrock-short-term-api-key',
    description: 'amazon bedrock short-term api key (presigned, valid up to 12 hours)',
    source:
      "Amazon Bedrock user guide and AWS's aws-bedrock-token-generator: `bedrock-api-key-` followed by base64 of a SigV4-presigned bedrock.amazonaws.com URL, which the check decodes.",
    keywords: ['bedrock-api-key-'],
    pattern: /(?<![A-Za-z0-9_-])bedrock-api-key-YmVkcm9jay5hbWF6b25hd3MuY29t[A-Za-z0-9+/]{100,6000}={0,2}(?![A-Za-z0-9+/=])/g,
    minEntropy: 3,
    validate: (secret) => {
      const url = decodeBase64(secret.slice('bedrock-api-key-'.length)) ?? '';
      return url.includes('X-Amz-Credential=') && url.includes('X-Amz-Signature=');
    },
    severity: 'medium',
    confidence: 'high',
    truePositives: [sample('export AWS_BEARER_TOKEN_BEDROCK=%s', FAKE.bedrockShortTerm)],
    falsePositives: [`AWS_BEARER_TOKEN_BEDROCK=${FAKE.bedrockShortTermUnsigned}`, 'AWS_BEARER_TOKEN_BEDROCK=bedrock-api-key-...'],
  },
  {
    id: 'azure-storage-account-key',
    description: 'azure storage or cosmos db account key in a connection string',
    source:
      'Azure Storage documentation on connection strings: `AccountKey=` followed by the 64-byte account key in base64 (88 characters ending `==`). The public storage-emulator key is ignored.',
    keywords: ['accountkey='],
    pattern: /(?<![A-Za-z0-9_])AccountKey=(?<secret>[A-Za-z0-9+/]{86}==)(?![A-Za-z0-9+/=])/gi,
    minEntropy: 4,
    validate: (secret) => secret !== AZURITE_ACCOUNT_KEY,
    severity: 'high',
    confidence: 'high',
    truePositives: [
      sample('DefaultEndpointsProtocol=https;AccountName=cordonfixture;AccountKey=%s;EndpointSuffix=core.windows.net', FAKE.azureStorage),
      sample('AZURE_STORAGE_CONNECTION_STRING="AccountEndpoint=https://cordon.documents.azure.com:443/;AccountKey=%s;"', FAKE.azureStorage2),
    ],
    falsePositives: [
      `UseDevelopmentStorage=true;AccountName=devstoreaccount1;AccountKey=${AZURITE_ACCOUNT_KEY}`,
      `AccountKey=${FAKE.azureStorage.slice(1)}`,
      'AccountKey=${AZURE_STORAGE_KEY}',
      'AccountKey=<storage-account-key>',
    ],
  },
  {
    id: 'azure-ad-client-secret',
    description: 'microsoft entra id (azure ad) application client secret',
    source:
      'Microsoft identity platform documentation on application credentials: client secrets are 34 to 40 characters and current ones contain `~` (a digit then `Q~` at positions 4 to 6); there is no prefix, so the rule needs a client_secret-style name.',
    keywords: ['client_secret', 'clientsecret', 'client-secret', 'client.secret'],
    pattern: assigned('client[_.-]?secret', '[A-Za-z0-9_~.-]{34,40}', 'A-Za-z0-9_~.-'),
    minEntropy: 3.5,
    validate: (secret) => secret.includes('~'),
    severity: 'high',
    confidence: 'medium',
    truePositives: [
      sample('AZURE_CLIENT_SECRET=%s', FAKE.azureClientSecret),
      sample('"clientSecret": "%s",', FAKE.azureClientSecret2),
      sample('  ARM_CLIENT_SECRET: %s', FAKE.azureClientSecret),
    ],
    falsePositives: [
      'client_secret = "GOCSPX' + '-4fQe8LmZr2VtYp7Kx1NwBs9Dc3Hj"',
      'AZURE_CLIENT_SECRET=${{ secrets.AZURE_CLIENT_SECRET }}',
      `AZURE_CLIENT_SECRET=${FAKE.azureClientSecret.slice(0, 33)}`,
      `AZURE_CLIENT_ID=${FAKE.azureClientSecret}`,
    ],
  },
  {
    id: 'azure-sas-token',
    description: 'azure shared access signature (sas) token',
    source:
      'Azure Storage documentation on shared access signatures: the `sig=` parameter is a URL-encoded base64 HMAC-SHA256 (43 characters then `=`), next to an `sv=` service version date.',
    keywords: ['sig='],
    pattern: /(?<![A-Za-z0-9_])sig=(?<secret>(?:[A-Za-z0-9+/]|%2[BbFf]){43}(?:=|%3[Dd]))(?![A-Za-z0-9%+/=])/g,
    minEntropy: 3.5,
    validate: (_secret, match) => near(match, /(?:^|[?&;\s"'])sv=\d{4}-\d{2}-\d{2}/, 1000, 1000),
    severity: 'high',
    confidence: 'high',
    truePositives: [
      sample(
        'https://cordonfixture.blob.core.windows.net/builds?sv=2022-11-02&ss=b&srt=co&sp=rwdlac&se=2027-01-01T00:00:00Z&st=2026-01-01T00:00:00Z&spr=https&sig=%s',
        FAKE.azureSig,
      ),
      sample('AZURE_SAS_TOKEN="sp=r&st=2026-01-01T00:00:00Z&se=2026-12-31T00:00:00Z&spr=https&sv=2022-11-02&sr=c&sig=%s"', FAKE.azureSig2),
    ],
    falsePositives: [
      `https://example.net/download?expires=1767225600&sig=${FAKE.azureSig}`,
      'https://cordonfixture.blob.core.windows.net/c?sv=2022-11-02&sig=<signature>',
      `?sv=2022-11-02&sr=c&sig=${FAKE.azureSig.slice(3)}`,
    ],
  },
  {
    id: 'cloudflare-api-token',
    description: 'cloudflare api token (user or account owned)',
    source:
      "Cloudflare's API token formats page: since 2026 user tokens start `cfut_` and account tokens `cfat_`, then 40 characters and a checksum, which is the CRC32 of those 40 characters in 8 lowercase hex digits.",
    keywords: ['cfut_', 'cfat_'],
    pattern: /(?<![A-Za-z0-9_])cf(?:ut|at)_[A-Za-z0-9]{40}[0-9a-f]{8}(?![A-Za-z0-9_])/g,
    minEntropy: 3,
    validate: hasCloudflareChecksum,
    severity: 'high',
    confidence: 'high',
    truePositives: [sample('CLOUDFLARE_API_TOKEN=%s', FAKE.cloudflareUserToken), sample('wrangler_token: "%s"', FAKE.cloudflareAccountToken)],
    falsePositives: [
      FAKE.cloudflareUserToken.slice(0, -1) + (FAKE.cloudflareUserToken.endsWith('0') ? '1' : '0'),
      'CLOUDFLARE_API_TOKEN=cfut_...',
      FAKE.cloudflareAccountToken.slice(0, -1),
    ],
  },
  {
    id: 'cloudflare-global-api-key',
    description: 'cloudflare global api key (full account access)',
    source: "Cloudflare's API token formats page: since 2026 global API keys start `cfk_`, then 40 characters and their CRC32 in 8 lowercase hex digits.",
    keywords: ['cfk_'],
    pattern: /(?<![A-Za-z0-9_])cfk_[A-Za-z0-9]{40}[0-9a-f]{8}(?![A-Za-z0-9_])/g,
    minEntropy: 3,
    validate: hasCloudflareChecksum,
    severity: 'high',
    confidence: 'high',
    truePositives: [sample('CLOUDFLARE_API_KEY=%s', FAKE.cloudflareGlobalKey)],
    falsePositives: [FAKE.cloudflareGlobalKey.slice(0, -2) + 'ff', FAKE.cloudflareGlobalKey.replace('cfk_', 'cfx_')],
  },
  {
    id: 'cloudflare-legacy-api-token',
    description: 'cloudflare api token in the pre-2026 unprefixed format',
    source:
      "Cloudflare's API token formats page: tokens made before 2026 are 40 characters with no prefix, so the rule needs a Cloudflare variable name (CLOUDFLARE_API_TOKEN, CF_API_TOKEN) in front.",
    keywords: ['cloudflare', 'cf_', 'cf-'],
    pattern: assigned(CLOUDFLARE_NAME, '[A-Za-z0-9_-]{40}', 'A-Za-z0-9_-'),
    minEntropy: 3.5,
    validate: (secret) => !/^[0-9a-f]+$/i.test(secret),
    severity: 'high',
    confidence: 'medium',
    truePositives: [
      sample('CLOUDFLARE_API_TOKEN=%s', FAKE.cloudflareLegacyToken),
      sample('export CF_DNS_API_TOKEN="%s"', FAKE.cloudflareLegacyToken),
      sample('cloudflare_token: %s', FAKE.cloudflareLegacyToken),
    ],
    falsePositives: [
      `CLOUDFLARE_ACCOUNT_ID=${FAKE.cloudflareLegacyToken}`,
      `CLOUDFLARE_API_TOKEN=${FAKE.cloudflareLegacyToken.slice(1)}`,
      'CLOUDFLARE_API_TOKEN=0123456789abcdef0123456789abcdef01234567',
      'CLOUDFLARE_API_TOKEN: ${{ secrets.CLOUDFLARE_API_TOKEN }}',
    ],
  },
  {
    id: 'cloudflare-legacy-global-api-key',
    description: 'cloudflare global api key in the pre-2026 hex format',
    source:
      "Cloudflare's API token formats page: global API keys made before 2026 are 37 to 45 lowercase hex characters, sent as X-Auth-Key; the rule needs a Cloudflare variable name or that header in front.",
    keywords: ['cloudflare', 'cf_', 'cf-', 'x-auth-key'],
    pattern: assigned(`${CLOUDFLARE_NAME}|x-auth-key`, '[0-9a-f]{37,45}', 'A-Za-z0-9_-'),
    minEntropy: 3,
    validate: (secret) => /^[0-9a-f]+$/.test(secret),
    severity: 'high',
    confidence: 'medium',
    truePositives: [
      sample('CLOUDFLARE_API_KEY=%s', FAKE.cloudflareLegacyKey),
      sample('curl -H "X-Auth-Email: ops@example.com" -H "X-Auth-Key: %s" https://api.cloudflare.com/client/v4/zones', FAKE.cloudflareLegacyKey),
    ],
    falsePositives: [
      `CLOUDFLARE_ZONE_ID=${FAKE.cloudflareLegacyKey}`,
      `CLOUDFLARE_API_KEY=${FAKE.cloudflareLegacyKey.toUpperCase()}`,
      `CLOUDFLARE_API_KEY=${FAKE.cloudflareLegacyKey.slice(0, 36)}`,
    ],
  },
  {
    id: 'cloudflare-origin-ca-key',
    description: 'cloudflare origin ca key',
    source: "Cloudflare's Origin CA documentation: service keys are `v1.0-`, 24 hex characters, `-`, and 146 hex characters.",
    keywords: ['v1.0-'],
    pattern: /(?<![A-Za-z0-9_.-])v1\.0-[0-9a-f]{24}-[0-9a-f]{146}(?![A-Za-z0-9_-])/g,
    minEntropy: 3,
    severity: 'high',
    confidence: 'high',
    truePositives: [sample('CF_ORIGIN_CA_KEY=%s', FAKE.cloudflareOriginCa)],
    falsePositives: ['version: v1.0-beta', FAKE.cloudflareOriginCa.slice(0, -1), `v1.0-${'0'.repeat(24)}-${'0'.repeat(146)}`],
  },
  {
    id: 'digitalocean-personal-access-token',
    description: 'digitalocean personal access token',
    source: "DigitalOcean's 2022 announcement of prefixed API tokens: personal access tokens are `dop_v1_` followed by 64 hex characters.",
    keywords: ['dop_v1_'],
    pattern: /(?<![A-Za-z0-9_])dop_v1_[0-9a-f]{64}(?![A-Za-z0-9_])/g,
    minEntropy: 3,
    severity: 'high',
    confidence: 'high',
    truePositives: [sample('DIGITALOCEAN_ACCESS_TOKEN=%s', FAKE.digitaloceanPat), sample('doctl auth init --access-token %s', FAKE.digitaloceanPat)],
    falsePositives: ['DIGITALOCEAN_TOKEN=dop_v1_...', FAKE.digitaloceanPat.slice(0, -1), FAKE.digitaloceanPat.toUpperCase().replace('DOP_V1_', 'dop_v1_')],
  },
  {
    id: 'digitalocean-oauth-access-token',
    description: 'digitalocean oauth access token',
    source: "DigitalOcean's 2022 announcement of prefixed API tokens: OAuth access tokens are `doo_v1_` followed by 64 hex characters.",
    keywords: ['doo_v1_'],
    pattern: /(?<![A-Za-z0-9_])doo_v1_[0-9a-f]{64}(?![A-Za-z0-9_])/g,
    minEntropy: 3,
    severity: 'high',
    confidence: 'high',
    truePositives: [sample('"access_token": "%s",', FAKE.digitaloceanOauth)],
    falsePositives: [FAKE.digitaloceanOauth + '0', 'doo_v1_<token>'],
  },
  {
    id: 'digitalocean-oauth-refresh-token',
    description: 'digitalocean oauth refresh token',
    source: "DigitalOcean's 2022 announcement of prefixed API tokens: OAuth refresh tokens are `dor_v1_` followed by 64 hex characters.",
    keywords: ['dor_v1_'],
    pattern: /(?<![A-Za-z0-9_])dor_v1_[0-9a-f]{64}(?![A-Za-z0-9_])/g,
    minEntropy: 3,
    severity: 'high',
    confidence: 'high',
    truePositives: [sample('"refresh_token": "%s"', FAKE.digitaloceanRefresh)],
    falsePositives: [FAKE.digitaloceanRefresh.slice(0, 40), `dor_v1_${'f'.repeat(64)}`],
  },
  {
    id: 'heroku-api-key',
    description: 'heroku platform api key',
    source:
      "Heroku Dev Center on API keys and authorizations: current keys start `HRKU-`, either `HRKU-AA` plus 58 URL-safe characters or `HRKU-` in front of a UUID.",
    keywords: ['hrku-'],
    pattern: new RegExp(`(?<![A-Za-z0-9_-])HRKU-(?:AA[A-Za-z0-9_-]{58}|${UUID})(?![A-Za-z0-9_-])`, 'g'),
    minEntropy: 3,
    severity: 'high',
    confidence: 'high',
    truePositives: [sample('HEROKU_API_KEY=%s', FAKE.heroku), sample('heroku_api_key: "%s"', FAKE.herokuUuid)],
    falsePositives: ['HEROKU_API_KEY=HRKU-AAKXKs....', FAKE.heroku.slice(0, -1), 'HRKU-00000000-0000-0000-0000-000000000000'],
  },
  {
    id: 'heroku-legacy-api-key',
    description: 'heroku api key in the unprefixed uuid format',
    source: 'Heroku Dev Center on the Platform API: older API keys and authorization tokens are bare UUIDs, so the rule needs a Heroku variable name in front.',
    keywords: ['heroku'],
    pattern: assigned('heroku[a-z0-9_.-]{0,20}?(?:key|token)', UUID, 'A-Za-z0-9_-'),
    minEntropy: 3,
    severity: 'high',
    confidence: 'medium',
    truePositives: [sample('HEROKU_API_KEY=%s', FAKE.herokuLegacy), sample('heroku_auth_token: "%s"', FAKE.herokuLegacy)],
    falsePositives: [
      `HEROKU_APP_ID=${FAKE.herokuLegacy}`,
      'HEROKU_API_KEY=00000000-0000-0000-0000-000000000000',
      `HEROKU_API_KEY=${FAKE.herokuLegacy.replace(/-/g, '')}`,
    ],
  },
  {
    id: 'alibaba-access-key-id',
    description: 'alibaba cloud accesskey id (an identifier; dangerous only with its secret)',
    source: 'Alibaba Cloud RAM documentation on AccessKey pairs: AccessKey IDs start `LTAI`, 16 or 24 characters in all. Low severity alone, like the AWS key id.',
    keywords: ['ltai'],
    pattern: /(?<![A-Za-z0-9_])LTAI[A-Za-z0-9]{12,20}(?![A-Za-z0-9_])/g,
    minEntropy: 3,
    severity: 'low',
    confidence: 'high',
    truePositives: [sample('ALIBABA_CLOUD_ACCESS_KEY_ID=%s', FAKE.alibabaKeyId), sample("access_key_id = '%s'", FAKE.alibabaShortKeyId)],
    falsePositives: ['LTAIxxxxxxxxxxxxxxxxxxxx', `${FAKE.alibabaKeyId}Q`, 'LTAI5tEXAMPLEEXAMPLE1234'],
  },
  {
    id: 'alibaba-access-key-secret',
    description: 'alibaba cloud accesskey secret',
    source: 'Alibaba Cloud RAM documentation on AccessKey pairs: the AccessKey secret is 30 alphanumeric characters, named AccessKeySecret / ACCESS_KEY_SECRET.',
    keywords: ['accesskeysecret', 'access_key_secret', 'access-key-secret', 'access.key.secret'],
    pattern: assigned('access[_.-]?key[_.-]?secret', '[A-Za-z0-9]{30}', 'A-Za-z0-9_'),
    minEntropy: 3.5,
    validate: (secret) => /[0-9]/.test(secret) && /[a-z]/.test(secret) && /[A-Z]/.test(secret),
    severity: 'high',
    confidence: 'medium',
    truePositives: [
      sample('ALIBABA_CLOUD_ACCESS_KEY_SECRET=%s', FAKE.alibabaSecret),
      sample('"accessKeySecret": "%s"', FAKE.alibabaSecret),
    ],
    falsePositives: [
      `ALIBABA_CLOUD_ACCESS_KEY_ID=${FAKE.alibabaSecret}`,
      `access_key_secret = ${FAKE.alibabaSecret.slice(1)}`,
      'access_key_secret = accesskeysecretplaceholdervalue',
    ],
  },
]);
