import { CertificateInfo } from '../x509/certificate';

/** Organisations and names of CAs in the public web trust stores (browsers, OS, Go's system roots). */
const PUBLIC_CA_NAMES = new RegExp([
  "let'?s encrypt", 'isrg', 'digicert', 'globalsign', 'sectigo', 'comodo', 'usertrust', 'go ?daddy', 'starfield',
  'entrust', 'amazon', 'google trust services', '\\bgts\\b', 'microsoft', 'baltimore', 'cybertrust', 'verisign',
  'thawte', 'geotrust', 'rapidssl', 'identrust', 'buypass', 'ssl\\.com', 'zerossl', 'certum', 'quovadis',
  'swisssign', 'actalis', 'harica', 't-systems', 'telekom', 'trustwave', 'network solutions', 'cloudflare',
  'apple', 'certainly', 'secom', 'd-trust', 'emudhra', 'twca', 'globaltrust', 'izenpe', 'camerfirma',
].join('|'), 'i');

/** DER of id-ad-caIssuers (1.3.6.1.5.5.7.48.2) as it appears inside an Authority Information Access value. */
const CA_ISSUERS_OID_HEX = '06082b06010505073002';
const AIA = '1.3.6.1.5.5.7.1.1';

/**
 * Does the certificate look issued by a public CA, whose root lives in system trust stores rather
 * than in a workspace? By the issuer's name, or by an AIA "CA Issuers" URL (only public and
 * enterprise CAs publish one; kubeadm, cfssl and cert-manager self-signed issuers do not).
 */
export function looksPubliclyIssued(cert: CertificateInfo): boolean {
  const names = [cert.issuer.commonName ?? '', ...cert.issuer.organizations].join('\n');
  if (PUBLIC_CA_NAMES.test(names)) {
    return true;
  }
  return cert.extensions.some(e => e.oid === AIA && e.valueHex.toLowerCase().includes(CA_ISSUERS_OID_HEX));
}
