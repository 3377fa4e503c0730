// The official OpenTelemetry JS exporters (OTLP/HTTP JSON, OTLP/HTTP protobuf, OTLP/gRPC, each
// with and without gzip) send to the real spanflow binary; every span must arrive in the file
// exporter's output with its fields intact.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SpanKind, SpanStatusCode, context, trace } from '@opentelemetry/api';
import { BatchSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { OTLPTraceExporter as HttpJsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as HttpProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { OTLPTraceExporter as GrpcExporter } from '@opentelemetry/exporter-trace-otlp-grpc';

const binary = process.env.SPANFLOW_BINARY;
assert.ok(binary, 'SPANFLOW_BINARY must name the spanflow executable');

function startDaemon(dir) {
  const output = path.join(dir, 'traces.jsonl');
  const config = path.join(dir, 'config.yaml');
  fs.writeFileSync(config, `
receivers:
  otlp:
    protocols:
      grpc: {endpoint: "127.0.0.1:0"}
      http: {endpoint: "127.0.0.1:0"}
exporters:
  file: {path: "${output}"}
service:
  pipelines:
    traces: {receivers: [otlp], exporters: [file]}
`);
  const child = spawn(binary, ['--config', config], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  const exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
  const ready = new Promise((resolve, reject) => {
    const onData = (chunk) => {
      log += chunk;
      if (log.includes('everything is ready')) {
        const port = (proto) => Number(log.match(new RegExp(`protocol=${proto} endpoint=\\S*:(\\d+)`))[1]);
        resolve({ grpc: port('grpc'), http: port('http') });
      }
    };
    child.stderr.on('data', onData);
    child.stdout.on('data', onData);
    exited.then((code) => reject(new Error(`spanflow exited with ${code}:\n${log}`)));
  });
  return { child, ready, exited, output, log: () => log };
}

// Sends one trace (a server span with every attribute type, and a client child span with an
// event, a link and an error status) through `exporter`; returns what was sent.
async function sendTrace(service, exporter) {
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': service, 'deployment.environment': 'e2e' }),
    spanProcessors: [new BatchSpanProcessor({ exporter })],
  });
  const tracer = provider.getTracer('spanflow-e2e', '1.2.3');
  const root = tracer.startSpan('GET /api/items', {
    kind: SpanKind.SERVER,
    attributes: {
      'http.route': '/api/items',
      'http.status_code': 200,
      'ratio': 0.25,
      'cached': true,
      'empty': '',
      'unicode': '한국어 ✓ 🚀 "quoted"',
      'big': 'x'.repeat(64 * 1024),
      'tags': ['a', 'b'],
      'codes': [1, 2, 3],
    },
  });
  const child = tracer.startSpan(
    'SELECT items',
    { kind: SpanKind.CLIENT, links: [{ context: root.spanContext(), attributes: { why: 'retry' } }] },
    trace.setSpan(context.active(), root),
  );
  child.addEvent('exception', { 'exception.message': 'timeout' });
  child.setStatus({ code: SpanStatusCode.ERROR, message: 'db timeout' });
  child.end();
  root.end();
  await provider.forceFlush();
  await provider.shutdown();
  return { root: root.spanContext(), child: child.spanContext() };
}

function attr(span, key) {
  const kv = (span.attributes || []).find((a) => a.key === key);
  return kv && kv.value;
}

test('every official JS OTLP exporter delivers its spans intact', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spanflow-e2e-'));
  const daemon = startDaemon(dir);
  try {
    const ports = await daemon.ready;
    const http = `http://127.0.0.1:${ports.http}/v1/traces`;
    const grpc = `http://127.0.0.1:${ports.grpc}`;
    const variants = {
      'http-json': new HttpJsonExporter({ url: http }),
      'http-json-gzip': new HttpJsonExporter({ url: http, compression: 'gzip' }),
      'http-proto': new HttpProtoExporter({ url: http }),
      'http-proto-gzip': new HttpProtoExporter({ url: http, compression: 'gzip' }),
      'grpc': new GrpcExporter({ url: grpc }),
      'grpc-gzip': new GrpcExporter({ url: grpc, compression: 'gzip' }),
    };
    const sent = {};
    for (const [name, exporter] of Object.entries(variants)) {
      sent[name] = await sendTrace(`e2e-${name}`, exporter);
    }
    daemon.child.kill('SIGTERM');
    assert.equal(await daemon.exited, 0, daemon.log());

    const spans = {};
    for (const line of fs.readFileSync(daemon.output, 'utf8').split('\n').filter(Boolean)) {
      for (const rs of JSON.parse(line).resourceSpans) {
        const service = rs.resource.attributes.find((a) => a.key === 'service.name').value.stringValue;
        for (const ss of rs.scopeSpans) {
          assert.equal(ss.scope.name, 'spanflow-e2e');
          assert.equal(ss.scope.version, '1.2.3');
          for (const span of ss.spans) (spans[service] ||= []).push(span);
        }
      }
    }
    for (const [name, ids] of Object.entries(sent)) {
      const got = spans[`e2e-${name}`] || [];
      assert.equal(got.length, 2, `${name}: expected 2 spans, got ${got.length}`);
      const root = got.find((s) => s.spanId === ids.root.spanId);
      const child = got.find((s) => s.spanId === ids.child.spanId);
      assert.ok(root && child, `${name}: span ids must round-trip as hex`);
      assert.equal(root.traceId, ids.root.traceId);
      assert.equal(root.parentSpanId, undefined);
      assert.equal(root.kind, 2);
      assert.equal(root.name, 'GET /api/items');
      assert.deepEqual(attr(root, 'http.route'), { stringValue: '/api/items' });
      assert.deepEqual(attr(root, 'http.status_code'), { intValue: '200' });
      assert.deepEqual(attr(root, 'ratio'), { doubleValue: 0.25 });
      assert.deepEqual(attr(root, 'cached'), { boolValue: true });
      assert.deepEqual(attr(root, 'empty'), { stringValue: '' });
      assert.deepEqual(attr(root, 'unicode'), { stringValue: '한국어 ✓ 🚀 "quoted"' });
      assert.equal(attr(root, 'big').stringValue.length, 64 * 1024);
      assert.deepEqual(attr(root, 'tags'), { arrayValue: { values: [{ stringValue: 'a' }, { stringValue: 'b' }] } });
      assert.deepEqual(attr(root, 'codes').arrayValue.values.map((v) => v.intValue), ['1', '2', '3']);
      assert.ok(BigInt(root.endTimeUnixNano) >= BigInt(root.startTimeUnixNano));
      assert.equal(child.parentSpanId, ids.root.spanId);
      assert.equal(child.kind, 3);
      assert.equal(child.status.code, 2);
      assert.equal(child.status.message, 'db timeout');
      assert.equal(child.events[0].name, 'exception');
      assert.equal(child.links[0].spanId, ids.root.spanId);
      assert.deepEqual(attr(child.links[0], 'why'), { stringValue: 'retry' });
    }
  } finally {
    if (daemon.child.exitCode === null) daemon.child.kill('SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
