// Every manifest under deploy/kubernetes validates against the Kubernetes OpenAPI schemas
// (kubernetes-models), and every spanflow config embedded in a ConfigMap passes
// `spanflow validate` with the environment its workload sets.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';

const here = path.dirname(fileURLToPath(import.meta.url));
const manifests = path.join(here, '..', '..', 'deploy', 'kubernetes');
const binary = process.env.SPANFLOW_BINARY;

async function model(apiVersion, kind) {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : [null, apiVersion];
  const module = await import(`kubernetes-models/${group ? `${group}/` : ''}${version}/${kind}`);
  return module[kind];
}

function containerEnv(docs) {
  const env = {};
  for (const doc of docs) {
    for (const c of doc?.spec?.template?.spec?.containers ?? []) {
      for (const e of c.env ?? []) if (e.value !== undefined) env[e.name] = e.value;
    }
  }
  return env;
}

const files = fs.readdirSync(manifests).filter((f) => f.endsWith('.yaml'));

test('there are manifests to check', () => {
  assert.ok(files.includes('daemonset.yaml'));
  assert.ok(files.includes('sidecar.yaml'));
  assert.ok(files.includes('gateway.yaml'));
});

for (const file of files) {
  test(`${file} matches the Kubernetes schemas`, async () => {
    const docs = YAML.parseAllDocuments(fs.readFileSync(path.join(manifests, file), 'utf8'));
    assert.ok(docs.length > 0);
    for (const doc of docs) {
      assert.deepEqual(doc.errors, [], `${file}: YAML errors`);
      const object = doc.toJS();
      const Model = await model(object.apiVersion, object.kind);
      assert.ok(Model, `${file}: no schema for ${object.apiVersion} ${object.kind}`);
      new Model(object).validate(); // throws with the failing path on a schema violation
    }
  });

  test(`${file}: embedded spanflow configs validate`, { skip: !binary && 'SPANFLOW_BINARY not set' }, () => {
    const objects = YAML.parseAllDocuments(fs.readFileSync(path.join(manifests, file), 'utf8')).map((d) => d.toJS());
    const env = { ...process.env, ...containerEnv(objects) };
    for (const cm of objects.filter((o) => o.kind === 'ConfigMap' && o.data?.['config.yaml'])) {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spanflow-deploy-'));
      const config = path.join(dir, 'config.yaml');
      fs.writeFileSync(config, cm.data['config.yaml']);
      try {
        const out = execFileSync(binary, ['validate', '--config', config], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
        assert.match(out, /the configuration is valid/);
      } catch (e) {
        assert.fail(`${file} ConfigMap ${cm.metadata.name}:\n${e.stderr ?? e.message}`);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    }
  });
}

test('a schema violation is caught (the check is not vacuous)', async () => {
  const DaemonSet = await model('apps/v1', 'DaemonSet');
  const broken = new DaemonSet({ metadata: { name: 'x' }, spec: { selector: {}, template: { spec: { containers: [{ name: 'c', ports: [{ containerPort: 'http' }] }] } } } });
  assert.throws(() => broken.validate());
});
