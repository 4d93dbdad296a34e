import { describe, expect, it } from 'vitest';
import { gitlabModel, jobLines } from '../../src/parse/gitlab.js';
import { YamlFile } from '../../src/parse/yaml-doc.js';

const PIPELINE = `stages: [test]
variables:
  GLOBAL: one
default:
  image: node:22
  before_script:
    - npm ci
.template:
  script: [echo hidden]
test:
  variables:
    LOCAL:
      value: two
      description: documented
  script:
    - npm test
    - - nested one
      - nested two
  after_script: echo done
shell-job:
  image: { name: alpine:3.20 }
  before_script: []
  script: make
`;

describe('gitlabModel', () => {
  const file = new YamlFile('.gitlab-ci.yml', PIPELINE);
  const model = gitlabModel(file)!;

  it('keeps global settings and skips keywords and hidden jobs', () => {
    expect(model.jobs.map((job) => job.id)).toEqual(['test', 'shell-job']);
    expect(model.variables.get('GLOBAL')).toEqual({ value: 'one', route: ['variables', 'GLOBAL'] });
    expect(model.image?.value).toBe('node:22');
  });

  it('inherits default image and before_script unless the job sets its own', () => {
    const [test, shell] = model.jobs;
    expect(test!.image?.route).toEqual(['default', 'image']);
    expect(test!.beforeScript.map((line) => line.route)).toEqual([['default', 'before_script', 0]]);
    expect(shell!.image).toEqual({ value: 'alpine:3.20', route: ['shell-job', 'image', 'name'] });
    expect(shell!.beforeScript).toEqual([]);
  });

  it('reads variable objects and nested script lists with routes', () => {
    const [test] = model.jobs;
    expect(test!.variables.get('LOCAL')).toEqual({ value: 'two', route: ['test', 'variables', 'LOCAL', 'value'] });
    expect(jobLines(test!).map((line) => [line.value, line.route])).toEqual([
      ['npm ci', ['default', 'before_script', 0]],
      ['npm test', ['test', 'script', 0]],
      ['nested one', ['test', 'script', 1, 0]],
      ['nested two', ['test', 'script', 1, 1]],
      ['echo done', ['test', 'after_script']],
    ]);
  });

  it('is memoized per file', () => {
    expect(gitlabModel(file)).toBe(model);
  });
});
