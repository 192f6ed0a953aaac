import { isIP } from 'node:net';
import tls = require('node:tls');
import { Observation } from '../core/probe/types';

/**
 * One TLS handshake, to read what a server presents. Node-only (the CLI and the desktop
 * extension); the verdict is the core's (core/probe/judge.ts), so the handshake itself trusts
 * nothing and rejects nothing: `rejectUnauthorized: false`, then our Go-semantics verifier judges.
 *
 * Rules of conduct: no client certificate, key, token or password is ever given to `tls.connect`
 * (a server that asks for a certificate gets an empty Certificate message), nothing is written
 * after the handshake, and every way it can end — refused, unreachable, timeout, alert, something
 * that is not TLS — resolves to a line of words, never a rejection.
 */

export const DEFAULT_TIMEOUT_MS = 3000;

/** The DER certificates the peer sent, leaf first (Node links each to its issuer; a self-signed one links to itself). */
function peerChain(socket: tls.TLSSocket): Uint8Array[] {
  const out: Uint8Array[] = [];
  const seen = new Set<string>();
  let cert: tls.DetailedPeerCertificate | undefined = socket.getPeerCertificate(true);
  while (cert?.raw && !seen.has(cert.fingerprint256)) {
    seen.add(cert.fingerprint256);
    out.push(new Uint8Array(cert.raw));
    cert = cert.issuerCertificate;
  }
  return out;
}

const NOT_TLS = /WRONG_VERSION_NUMBER|PACKET_LENGTH_TOO_LONG|UNKNOWN_PROTOCOL|RECORD_LENGTH_MISMATCH|HTTP_REQUEST|DECRYPTION_FAILED|BAD_RECORD|UNEXPECTED_RECORD|record layer|unexpected message/i;

/** Node's error, as one line a person can act on. */
export function describeFailure(error: NodeJS.ErrnoException, port: number): Extract<Observation, { ok: false }> {
  const code = error.code ?? '';
  const reason = (error as { reason?: string }).reason ?? error.message;
  switch (code) {
    case 'ECONNREFUSED':
      return { ok: false, failure: 'refused', message: `refused the connection (nothing listens on port ${port})` };
    case 'ECONNRESET':
    case 'EPIPE':
      return { ok: false, failure: 'closed', message: 'reset the connection during the TLS handshake' };
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return { ok: false, failure: 'unreachable', message: `cannot be resolved (${code})` };
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'ETIMEDOUT':
    case 'EADDRNOTAVAIL':
      return { ok: false, failure: 'unreachable', message: `is unreachable (${code})` };
  }
  if (/alert/i.test(reason) || /ALERT/.test(code)) {
    return { ok: false, failure: 'alert', message: `ended the handshake with a TLS alert: ${reason}` };
  }
  if (NOT_TLS.test(code) || NOT_TLS.test(reason)) {
    return { ok: false, failure: 'not-tls', message: `does not speak TLS: its answer is not a TLS handshake (${reason})` };
  }
  return { ok: false, failure: 'error', message: `failed the TLS handshake: ${reason}${code ? ` (${code})` : ''}` };
}

/** Handshake with `host:port`, sending `serverName` as SNI (Go, like Node, sends none for an IP address). */
export function handshake(host: string, port: number, serverName: string, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<Observation> {
  return new Promise(resolve => {
    let done = false;
    let socket: tls.TLSSocket | undefined;
    const finish = (o: Observation) => {
      if (!done) {
        done = true;
        clearTimeout(timer);
        if (o.ok) {
          socket?.end(); // a polite close_notify: the server sees a finished handshake, not a reset
          socket?.setTimeout(timeoutMs, () => socket?.destroy());
        } else {
          socket?.destroy();
        }
        resolve(o);
      }
    };
    const timer = setTimeout(() => finish({ ok: false, failure: 'timeout', message: `did not complete the TLS handshake within ${timeoutMs} ms` }), timeoutMs);
    try {
      socket = tls.connect({
        host,
        port,
        servername: isIP(serverName) ? undefined : serverName,
        rejectUnauthorized: false, // judged afterwards by core/verify, as Go would, against the workspace's CA
        // An empty trust store: Node would otherwise append a public root it holds to the peer's chain,
        // and the served chain must be exactly what the server sent.
        ca: [],
        // Deliberately absent: cert, key, pfx, passphrase — the probe never authenticates.
      });
    } catch (e) {
      finish(describeFailure(e as NodeJS.ErrnoException, port));
      return;
    }
    socket.once('secureConnect', () => {
      const chain = peerChain(socket!);
      finish(chain.length ? { ok: true, chain } : { ok: false, failure: 'error', message: 'completed the TLS handshake without presenting a certificate' });
    });
    socket.once('error', e => finish(describeFailure(e, port)));
    socket.once('close', () => finish({ ok: false, failure: 'closed', message: 'closed the connection during the TLS handshake' }));
  });
}
