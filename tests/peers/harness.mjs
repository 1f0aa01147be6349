// Peer check of credbridge's ob3 outputs with the Digital Credentials Consortium stack, offline.
//
//   node harness.mjs --contexts DIR --schemas DIR --signed-out DIR FILE...
//
// Each FILE holds one unsigned OB 3.0 credential (a credbridge output) or one already signed
// (a name ending in .signed.json: verified only). Unsigned ones are signed with
// @digitalcredentials/vc (eddsa-rdfc-2022 DataIntegrityProof, a did:key from a fixed seed) and
// written to --signed-out; every signed one is verified with @digitalcredentials/verifier-core.
// One JSON line per FILE goes to stdout.
//
// No network: signing uses a document loader that serves the contexts in --contexts (by the URL
// each stands for) and did:key documents only; verifier-core's own loader goes through
// globalThis.fetch, replaced here by one that serves those contexts and the OB 3.0 JSON Schema
// from --schemas, and refuses anything else (each refused URL is listed in the line as a
// network-only check). Sockets are refused too.
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import crypto from 'node:crypto';

// The libraries' own console output goes to stderr: stdout carries only the result lines.
console.log = console.error;
const args = process.argv.slice(2);
const opt = (name) => {
  const i = args.indexOf(name);
  if (i < 0 || i + 1 >= args.length) throw new Error(`missing ${name}`);
  const value = args[i + 1];
  args.splice(i, 2);
  return value;
};
const contextsDir = opt('--contexts');
const schemasDir = opt('--schemas');
const signedOut = opt('--signed-out');
const files = args;

const EDUC_CONTEXT = 'https://raw.githubusercontent.com/educredentials/obv3-examples/refs/heads/' +
  'main/contexts/educredential.json';
// The URL each file of ../shared/schemas/jsonld-contexts stands for (SOURCES-added.md).
const CONTEXT_FILES = {
  'https://www.w3.org/ns/credentials/v2': 'w3c-credentials-v2.jsonld',
  'https://www.w3.org/2018/credentials/v1': 'w3c-credentials-v1.jsonld',
  'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json': 'ob-v3p0-context-3.0.3.json',
  'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json': 'ob-v3p0-3.0.2.json',
  'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json': 'ob-v3p0-3.0.1.json',
  'https://purl.imsglobal.org/spec/ob/v3p0/extensions.json': 'ob-v3p0-extensions.json',
  'https://w3id.org/security/data-integrity/v1': 'data-integrity-v1.jsonld',
  'https://w3id.org/security/suites/ed25519-2020/v1': 'security-suites-ed25519-2020-v1.jsonld',
  'https://www.w3.org/ns/did/v1': 'did-v1.jsonld',
  'https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json': 'clr-v2p0-2.0.1.json',
  [EDUC_CONTEXT]: 'educredential.json',
};
const SCHEMA_FILES = {
  'https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json':
    'ob3/ob_v3p0_achievementcredential_schema.json',
};

const readJson = (file) => JSON.parse(fs.readFileSync(file, 'utf8'));
const localContexts = new Map(Object.entries(CONTEXT_FILES)
  .filter(([, file]) => fs.existsSync(path.join(contextsDir, file)))
  .map(([url, file]) => [url, readJson(path.join(contextsDir, file))]));

// --- no network -------------------------------------------------------------------------------
const refused = new Set();
net.Socket.prototype.connect = function refuse() {
  throw new Error('network disabled in the credbridge peer harness');
};
globalThis.fetch = async (input) => {
  const url = typeof input === 'string' ? input : (input.url ?? String(input));
  const local = localContexts.get(url) ??
    (SCHEMA_FILES[url] && readJson(path.join(schemasDir, SCHEMA_FILES[url])));
  if (local) {
    return new Response(JSON.stringify(local), {
      status: 200, headers: {'content-type': 'application/json'}});
  }
  refused.add(url);
  throw new TypeError(`network disabled: ${url}`);
};

// Imported after fetch is replaced: their HTTP clients bind it at first use.
const vc = await import('@digitalcredentials/vc');
const {DataIntegrityProof} = await import('@digitalcredentials/data-integrity');
const {cryptosuite} = await import('@digitalcredentials/eddsa-rdfc-2022-cryptosuite');
const Ed25519Multikey = await import('@digitalcredentials/ed25519-multikey');
const {verifyCredential} = await import('@digitalcredentials/verifier-core');

// The signing key: Ed25519 from a fixed seed (tests/test_peers.py derives the same one).
const seed = crypto.createHash('sha256').update('credbridge peer harness').digest();
const key = await Ed25519Multikey.generate({seed: new Uint8Array(seed)});
const did = `did:key:${key.publicKeyMultibase}`;
key.controller = did;
key.id = `${did}#${key.publicKeyMultibase}`;
const didDocument = {
  '@context': ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/multikey/v1'],
  id: did,
  verificationMethod: [{id: key.id, type: 'Multikey', controller: did,
    publicKeyMultibase: key.publicKeyMultibase}],
  assertionMethod: [key.id],
  authentication: [key.id],
};

// The signer's loader: the local contexts and this key's did:key document, nothing else.
const localLoader = async (url) => {
  if (localContexts.has(url)) {
    return {contextUrl: null, documentUrl: url, document: localContexts.get(url)};
  }
  if (url.startsWith(did)) {
    const document = url.includes('#')
      ? {'@context': 'https://w3id.org/security/multikey/v1',
        ...didDocument.verificationMethod[0]}
      : didDocument;
    return {contextUrl: null, documentUrl: url, document};
  }
  refused.add(url);
  throw new Error(`not served offline: ${url}`);
};

const brief = (error) => {
  if (!error) return null;
  const parts = [error.name, error.message, error.details?.event?.message,
    error.details?.event?.code, error.cause?.message];
  (error.errors ?? []).forEach((e) => parts.push(brief(e)));
  return parts.filter(Boolean).join(': ').slice(0, 600);
};

async function sign(credential) {
  const suite = new DataIntegrityProof({signer: key.signer(), cryptosuite});
  // A real issuer signs with its own DID as the issuer id.
  const unsigned = structuredClone(credential);
  if (unsigned.issuer && typeof unsigned.issuer === 'object') unsigned.issuer.id = did;
  else unsigned.issuer = did;
  return vc.issue({credential: unsigned, suite, documentLoader: localLoader});
}

// verifier-core stops before the signature step for a credential whose validFrom is still to
// come (the source's data): its signature is then checked by @digitalcredentials/vc at that
// time, with verifier-core's own suite.
async function signatureAtValidFrom(signed) {
  const suite = new DataIntegrityProof({cryptosuite});
  const result = await vc.verifyCredential({
    credential: signed, suite, documentLoader: localLoader,
    now: new Date(Date.parse(signed.validFrom) + 1000), checkStatus: undefined,
  });
  return result.verified === true;
}

async function verify(signed) {
  const result = await verifyCredential({credential: signed, knownDIDRegistries: []});
  const log = result.log ?? [];
  const step = (id) => log.find((entry) => entry.id === id);
  const notYetValid = String(result.error?.message ?? '').includes('is before "validFrom"');
  return {
    valid_signature: step('valid_signature')?.valid === true,
    not_yet_valid: notYetValid || undefined,
    signature_at_valid_from: notYetValid ? await signatureAtValidFrom(signed) : undefined,
    expiration: step('expiration')?.valid ?? null,
    revocation_status: step('revocation_status')
      ? (step('revocation_status').valid ?? brief(step('revocation_status').error)) : null,
    schema: (log.find((e) => e.id === 'schema_check') ??
      result.additionalInformation?.find?.((e) => e.id === 'schema_check'))?.results ?? null,
    errors: (result.errors ?? []).map((e) => `${e.name}: ${e.message}` +
      (e.stackTrace ? ` (${String(e.stackTrace.message ?? e.stackTrace).slice(0, 300)})` : '')),
  };
}

fs.mkdirSync(signedOut, {recursive: true});
for (const file of files) {
  refused.clear();
  const line = {file: path.basename(file), did};
  try {
    let signed = readJson(file);
    if (!file.endsWith('.signed.json')) {
      line.signed_by = 'dcc';
      signed = await sign(signed);
      const out = path.join(signedOut, path.basename(file).replace(/\.json$/, '') + '.signed.json');
      fs.writeFileSync(out, JSON.stringify(signed, null, 2));
      line.signed_file = out;
    }
    Object.assign(line, await verify(signed));
  } catch (error) {
    line.sign_error = brief(error);
  }
  line.network_only = [...refused];
  process.stdout.write(JSON.stringify(line) + '\n');
}
