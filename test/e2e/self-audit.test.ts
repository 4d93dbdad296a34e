// cordon on its own repository: the audit and the secret scan pass with the repository's cordon.yml.

import { describe, expect, it } from 'vitest';
import { cordon, ROOT } from '../helpers/cli.js';

describe('cordon on cordon', () => {
  it('cordon audit . is clean', () => {
    const result = cordon(['audit', ROOT]);
    expect(result.stdout).toMatch(/^0 findings/m);
    expect(result.status).toBe(0);
  });

  it('cordon secrets . is clean', () => {
    const result = cordon(['secrets', ROOT]);
    expect(result.stdout).toMatch(/^0 findings/m);
    expect(result.status).toBe(0);
  });
});
