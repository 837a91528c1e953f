// TLS material for the SSL and SASL_SSL listeners, made with openssl (PEM only, no keytool).
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

/** Absolute paths of the PEM files of a cluster's TLS folder. */
export interface TlsFiles {
  /** The test CA's certificate: clients trust it; the broker's truststore. */
  caFile: string
  /** PKCS#8 key, certificate and CA in one PEM: the broker's keystore. */
  brokerKeystoreFile: string
  /**
   * The same with the key encrypted (PBE-SHA1-3DES, password {@link keystoreKeyPassword}):
   * Kafka 2.x refuses a PEM keystore without ssl.key.password.
   */
  brokerEncryptedKeystoreFile: string
  /** A client certificate signed by the CA (CN=kafkats-client), for mTLS. */
  clientCertFile: string
  /** The client certificate's key, PKCS#8 PEM, unencrypted. */
  clientKeyFile: string
}

/** ssl.key.password of {@link TlsFiles.brokerEncryptedKeystoreFile}. */
export const keystoreKeyPassword = 'kafkats-key-secret'

export function tlsFiles (dir: string): TlsFiles {
  return {
    caFile: join(dir, 'ca.pem'),
    brokerKeystoreFile: join(dir, 'broker.keystore.pem'),
    brokerEncryptedKeystoreFile: join(dir, 'broker.keystore.encrypted.pem'),
    clientCertFile: join(dir, 'client.pem'),
    clientKeyFile: join(dir, 'client.key')
  }
}

function openssl (cwd: string, args: string[]): void {
  try {
    execFileSync('openssl', args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] })
  } catch (err) {
    const stderr = (err as { stderr?: Buffer }).stderr?.toString() ?? ''
    throw new Error(`openssl ${args.join(' ')} failed: ${(err as Error).message}\n${stderr}`)
  }
}

/** Signs a fresh key's certificate with the CA; returns nothing, writes <name>.crt and <name>.pk8. */
function issue (dir: string, name: string, cn: string, ext: string): void {
  openssl(dir, ['req', '-newkey', 'rsa:2048', '-nodes', '-subj', `/CN=${cn}`,
    '-keyout', `${name}.key.tmp`, '-out', `${name}.csr`])
  writeFileSync(join(dir, `${name}.ext`), ext)
  openssl(dir, ['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key',
    '-CAcreateserial', '-days', '3650', '-sha256', '-extfile', `${name}.ext`, '-out', `${name}.crt`])
  // Kafka's PEM keystore wants PKCS#8 (BEGIN PRIVATE KEY).
  openssl(dir, ['pkcs8', '-topk8', '-nocrypt', '-in', `${name}.key.tmp`, '-out', `${name}.pk8`])
  for (const leftover of [`${name}.key.tmp`, `${name}.csr`, `${name}.ext`]) rmSync(join(dir, leftover))
}

/**
 * Makes a CA, the broker keystore (SANs localhost, 127.0.0.1-3) and a client
 * certificate in `dir`, unless every file is already there. Returns their paths.
 * Throws when openssl is missing or fails.
 */
export function ensureTls (dir: string): TlsFiles {
  const files = tlsFiles(dir)
  if (Object.values(files).every(file => existsSync(file))) return files
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(dir, { recursive: true })
  openssl(dir, ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '3650', '-sha256',
    '-subj', '/CN=kafkats-test-ca', '-keyout', 'ca.key', '-out', 'ca.pem',
    '-addext', 'basicConstraints=critical,CA:TRUE',
    '-addext', 'keyUsage=critical,keyCertSign,cRLSign'])
  issue(dir, 'broker', 'localhost',
    'subjectAltName=DNS:localhost,IP:127.0.0.1,IP:127.0.0.2,IP:127.0.0.3\n' +
    'extendedKeyUsage=serverAuth,clientAuth\n')
  issue(dir, 'client', 'kafkats-client', 'extendedKeyUsage=clientAuth\n')
  const read = (name: string): string => readFileSync(join(dir, name), 'utf8')
  writeFileSync(files.brokerKeystoreFile, read('broker.pk8') + read('broker.crt') + read('ca.pem'))
  // A cipher Java's EncryptedPrivateKeyInfo reads on every JDK (PBES2 is not).
  openssl(dir, ['pkcs8', '-topk8', '-v1', 'PBE-SHA1-3DES', '-passout', `pass:${keystoreKeyPassword}`,
    '-in', 'broker.pk8', '-out', 'broker.enc.pk8'])
  writeFileSync(files.brokerEncryptedKeystoreFile, read('broker.enc.pk8') + read('broker.crt') + read('ca.pem'))
  rmSync(join(dir, 'broker.enc.pk8'))
  writeFileSync(files.clientCertFile, read('client.crt'))
  writeFileSync(files.clientKeyFile, read('client.pk8'))
  for (const leftover of ['broker.pk8', 'broker.crt', 'client.pk8', 'client.crt']) rmSync(join(dir, leftover))
  return files
}
