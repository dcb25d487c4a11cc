import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { classifyNetworkFailure, describeNetworkFailure } from '../../src/core/network-failure.ts';
import { describeProxy } from '../../src/core/proxy.ts';

/** docs/diagnostics.md#sign-in-failures-the-tool-tells-apart and #graph-connection-failures. */
describe("network failures, read from Node's codes", () => {
  const refused = classifyNetworkFailure(
    Object.assign(new Error('fetch failed'), { cause: Object.assign(new Error('x'), { code: 'ECONNREFUSED' }) }),
  );

  it('finds the code along the cause chain', () => assert.deepEqual(refused, { kind: 'refused', code: 'ECONNREFUSED' }));

  it('without a proxy: names the endpoint and its flags', () => {
    const { message, suggestion } = describeNetworkFailure(refused as NonNullable<typeof refused>, 'graph.example:8443');
    assert.equal(message, 'nothing accepted the connection to graph.example:8443 (ECONNREFUSED)');
    assert.match(suggestion, /--authority-host, --graph-endpoint/);
    assert.doesNotMatch(`${message} ${suggestion}`, /proxy/i);
  });

  it('behind a proxy: a refused connection points at the proxy first, which every connection goes to', () => {
    const { message, suggestion } = describeNetworkFailure(
      refused as NonNullable<typeof refused>,
      'graph.example',
      'HTTPS_PROXY=http://proxy.corp:3128',
    );
    assert.match(message, /the connection goes through the proxy HTTPS_PROXY=http:\/\/proxy\.corp:3128 unless NO_PROXY names the host/);
    assert.match(suggestion, /^Check the proxy first: its address and port in HTTPS_PROXY/);
  });

  it('behind a proxy: a certificate problem is the certificate, not the proxy', () => {
    const untrusted = { kind: 'tls-untrusted' as const, code: 'SELF_SIGNED_CERT_IN_CHAIN' };
    assert.doesNotMatch(describeNetworkFailure(untrusted, 'graph.example', 'HTTPS_PROXY=http://proxy.corp:3128').message, /proxy/);
  });

  it('describeProxy: the variable the Azure SDK reads first, without user name or password', () => {
    assert.equal(describeProxy({}), undefined);
    assert.equal(describeProxy({ https_proxy: 'http://u:hunter2@proxy.corp:3128/' }), 'https_proxy=http://proxy.corp:3128');
    assert.equal(describeProxy({ HTTP_PROXY: 'http://a:1', HTTPS_PROXY: 'http://b:2' }), 'HTTPS_PROXY=http://b:2');
    assert.equal(describeProxy({ ALL_PROXY: 'not a url' }), 'ALL_PROXY');
  });
});
