/**
 * A minimal self-signed X.509 v3 certificate (DER/PEM), for the pay sandbox's platform
 * certificate: wechatpay-node-v3 reads the platform key out of the certificate that
 * /v3/certificates returns, so the sandbox must serve a real one. Node can parse certificates
 * but not make them, and no dependency is needed for this much ASN.1.
 */
import { createPrivateKey, createPublicKey, sign, type KeyObject } from 'node:crypto'

function length(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n])
  const bytes: number[] = []
  for (let v = n; v > 0; v >>= 8) bytes.unshift(v & 0xff)
  return Buffer.from([0x80 | bytes.length, ...bytes])
}

function tlv(tag: number, ...content: Buffer[]): Buffer {
  const body = Buffer.concat(content)
  return Buffer.concat([Buffer.from([tag]), length(body.length), body])
}

const sequence = (...items: Buffer[]) => tlv(0x30, ...items)
const set = (...items: Buffer[]) => tlv(0x31, ...items)

function oid(dotted: string): Buffer {
  const parts = dotted.split('.').map(Number)
  const bytes = [40 * parts[0]! + parts[1]!]
  for (const part of parts.slice(2)) {
    const chunk: number[] = []
    let v = part
    do {
      chunk.unshift(v & 0x7f)
      v >>= 7
    } while (v > 0)
    for (let i = 0; i < chunk.length - 1; i++) chunk[i]! |= 0x80
    bytes.push(...chunk)
  }
  return tlv(0x06, Buffer.from(bytes))
}

function integerFromHex(hex: string): Buffer {
  let bytes = Buffer.from(hex.length % 2 ? `0${hex}` : hex, 'hex')
  if (bytes[0]! & 0x80) bytes = Buffer.concat([Buffer.from([0]), bytes])
  return tlv(0x02, bytes)
}

function utcTime(at: Date): Buffer {
  const s = at.toISOString()
  return tlv(
    0x17,
    Buffer.from(
      `${s.slice(2, 4)}${s.slice(5, 7)}${s.slice(8, 10)}${s.slice(11, 13)}${s.slice(14, 16)}${s.slice(17, 19)}Z`,
      'ascii',
    ),
  )
}

function name(commonName: string): Buffer {
  return sequence(set(sequence(oid('2.5.4.3'), tlv(0x0c, Buffer.from(commonName, 'utf8')))))
}

const SHA256_WITH_RSA = sequence(oid('1.2.840.113549.1.1.11'), Buffer.from([0x05, 0x00]))

export interface SelfSignedOptions {
  /** Hex serial number, as WeChat prints platform certificate serials. */
  serialHex: string
  commonName: string
  notBefore: Date
  notAfter: Date
}

/** A self-signed certificate for the key pair, as PEM. */
export function selfSignedCertificate(privateKeyPem: string, options: SelfSignedOptions): string {
  const privateKey: KeyObject = createPrivateKey(privateKeyPem)
  const spki = createPublicKey(privateKey).export({ type: 'spki', format: 'der' })
  const tbs = sequence(
    tlv(0xa0, tlv(0x02, Buffer.from([2]))),
    integerFromHex(options.serialHex),
    SHA256_WITH_RSA,
    name(options.commonName),
    sequence(utcTime(options.notBefore), utcTime(options.notAfter)),
    name(options.commonName),
    spki,
  )
  const signature = sign('RSA-SHA256', tbs, privateKey)
  const der = sequence(
    tbs,
    SHA256_WITH_RSA,
    tlv(0x03, Buffer.concat([Buffer.from([0]), signature])),
  )
  const base64 = der.toString('base64').replace(/.{64}/g, '$&\n').replace(/\n$/, '')
  return `-----BEGIN CERTIFICATE-----\n${base64}\n-----END CERTIFICATE-----\n`
}
