import { EndpointReport } from '../../core/probe/types';
import { md } from '../../core/render/hover';
import { compactValidity, formatDate } from '../../core/render/time';
import { validityState } from '../../core/x509/expiry';
import type { InventoryTreeElement, NodeState } from './treeElement';

/**
 * The tree's "Served" nodes: after a probe, under the certificate file an endpoint should serve
 * (its role's file, `EndpointReport.endpoint.expected`), what the endpoint actually served — its
 * leaf's serial and residual time, and whether it is that file (drift). The reports come from the
 * probe (features/probe/results.ts), which clears them on the next probe or a change to the files.
 */

/** The reports by the certificate they should match: `uri\nstart`, the key the tree finds nodes by. */
export function servedByCertificate(reports: readonly EndpointReport[]): Map<string, EndpointReport[]> {
  const out = new Map<string, EndpointReport[]>();
  for (const r of reports) {
    const e = r.endpoint.expected;
    if (e) {
      const key = `${e.uri}\n${e.range.start}`;
      out.set(key, [...(out.get(key) ?? []), r]);
    }
  }
  return out;
}

export function servedElement(report: EndpointReport, parentId: string, now: Date): InventoryTreeElement {
  const e = report.endpoint;
  const leaf = report.servedChain[0];
  const description = !leaf
    ? `not reached · ${report.failure?.kind ?? 'no certificate'}`
    : `${report.drift ? `differs: serial ${leaf.serialNumber}` : 'matches the file'} · ${compactValidity(leaf.notBefore, leaf.notAfter, now)}`;
  const tooltip = () => [
    `**Served by** ${md(e.label)} at ${md(e.url)}${e.serverName !== e.host ? ` (name ${md(e.serverName)})` : ''}`,
    leaf
      ? `Serial ${md(leaf.serialNumber)}, valid ${md(formatDate(leaf.notBefore))} to ${md(formatDate(leaf.notAfter))}\n\nSHA-256 ${md(leaf.fingerprints.sha256)}`
      : `Not reached: ${md(report.failure?.message ?? 'no certificate was served')}`,
    ...(leaf && e.expected ? [`${md(e.expected.relativePath)} (serial ${md(e.expected.certificate.serialNumber)}) ${report.drift ? 'is **not** what is served' : 'is what is served'}`] : []),
    ...report.problems.map(p => `${p.severity === 'error' ? '$(error)' : p.severity === 'warning' ? '$(warning)' : '$(info)'} ${md(p.message)} \`${p.code}\``),
  ].join('\n\n');
  return {
    id: `${parentId}/served:${e.url}`,
    label: 'Served',
    description,
    contextValue: 'pki-served',
    state: stateOf(report, now),
    tooltip,
    notAfter: leaf ? leaf.notAfter.getTime() : Number.POSITIVE_INFINITY,
    children: [],
  };
}

/** Drift is a warning (as in Problems), shown with the yellow icon the tree uses for warnings. */
function stateOf(report: EndpointReport, now: Date): NodeState {
  const leaf = report.servedChain[0];
  if (!leaf) {
    return 'none';
  }
  const validity = validityState(leaf, now);
  if (validity === 'expired' || validity === 'not-yet-valid') {
    return 'expired';
  }
  if (report.problems.some(p => p.severity === 'error')) {
    return 'broken';
  }
  return report.drift ? 'expiring' : 'valid';
}
