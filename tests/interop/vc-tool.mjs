#!/usr/bin/env node
/*
 * Sign and verify Verifiable Credentials with the Digital Bazaar reference stack
 * (@digitalbazaar/vc + DataIntegrityProof + eddsa-rdfc-2022 / eddsa-jcs-2022), fully offline.
 *
 * Reads one JSON request, or a JSON array of requests, on stdin and writes the matching response
 * (or array of responses) on stdout. Requests:
 *
 *   {"command": "sign", "credential": {...},
 *    "key": {"publicKeyMultibase": "z6Mk...", "secretKeyMultibase": "z3u2..."},
 *    "controller": "did:key:z6Mk...",            (default: did:key of the public key)
 *    "verificationMethod": "did:key:z6Mk...#z6Mk...",   (default: controller#publicKeyMultibase)
 *    "cryptosuite": "eddsa-rdfc-2022" | "eddsa-jcs-2022",   (default: eddsa-rdfc-2022)
 *    "created": "2026-01-01T00:00:00Z"}          (default: now)
 *     -> {"ok": true, "credential": {... with proof ...}}
 *
 *   {"command": "verify", "credential": {...}, "now": "2026-..."}   (now: default current time;
 *    "skipStatus": true accepts a credentialStatus entry unchecked, for callers that check it)
 *     -> {"ok": true, "verified": true|false, "errors": ["message", ...]}
 *
 *   {"command": "resolve", "url": "did:key:z6Mk..."}
 *     -> {"ok": true, "document": {...}}   (what the verifier's document loader returns)
 *
 *   {"command": "versions"}  -> {"ok": true, "versions": {"package": "x.y.z", ...}, "node": "v20..."}
 *
 *   {"command": "bench", "operation": "sign" | "verify", "credentials": [{...}, ...], "repeat": 3,
 *    ...the fields of sign (key, cryptosuite, created) or verify (now, skipStatus)}
 *     -> {"ok": true, "perSecond": N, "results": [...]}   (benchmarks/crypto.py: each credential
 *    signed or verified in turn, `repeat` times after one warm-up call; perSecond is the best run
 *    in this process's CPU time; results are the last run's responses)
 *
 * A request that cannot be carried out answers {"ok": false, "error": "message"}; the process
 * still exits 0. Bad JSON on stdin exits 2 with the message on stderr.
 *
 * The document loader serves only the JSON-LD contexts listed in the repository's
 * contexts/INDEX.json (URL -> file name) and did:key DIDs (computed locally by
 * @digitalbazaar/did-method-key with the Ed25519 Multikey handler). Every other URL is an error:
 * nothing is ever fetched from the network. `--contexts DIR` reads another contexts folder.
 */
import {readFileSync} from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';

import * as vc from '@digitalbazaar/vc';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as rdfcSuite} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import {
  createSignCryptosuite as createJcsSignSuite,
  createVerifyCryptosuite as createJcsVerifySuite,
} from '@digitalbazaar/eddsa-jcs-2022-cryptosuite';
import {driver as didKeyDriver} from '@digitalbazaar/did-method-key';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const PACKAGES = [
  '@digitalbazaar/vc',
  '@digitalbazaar/data-integrity',
  '@digitalbazaar/eddsa-rdfc-2022-cryptosuite',
  '@digitalbazaar/eddsa-jcs-2022-cryptosuite',
  '@digitalbazaar/ed25519-multikey',
  '@digitalbazaar/did-method-key',
  'jsonld',
  'jsonld-signatures',
  'rdf-canonize',
  // Learner Credential Wallet's libraries (lcw-claim.mjs)
  '@digitalcredentials/vc',
  '@digitalcredentials/ed25519-signature-2020',
  '@digitalcredentials/ed25519-verification-key-2020',
  '@digitalcredentials/did-method-key',
  '@digitalcredentials/security-document-loader',
  'html-entities',
  // the OpenID4VCI wallet client (oid4vci-claim.mjs)
  '@openid4vc/openid4vci',
  '@openid4vc/oauth2',
  // accessibility checks of the browser tests
  'axe-core',
];

function contextsDir() {
  const i = process.argv.indexOf('--contexts');
  return i > 0 ? path.resolve(process.argv[i + 1]) : path.resolve(HERE, '..', '..', 'contexts');
}

function loadContexts(dir) {
  const index = JSON.parse(readFileSync(path.join(dir, 'INDEX.json'), 'utf8'));
  const contexts = new Map();
  for(const [url, file] of Object.entries(index)) {
    contexts.set(url, Object.freeze(JSON.parse(readFileSync(path.join(dir, file), 'utf8'))));
  }
  return contexts;
}

const CONTEXTS = loadContexts(contextsDir());

const didKey = didKeyDriver();
didKey.use({multibaseMultikeyHeader: 'z6Mk', fromMultibase: Ed25519Multikey.from});

async function documentLoader(url) {
  if(CONTEXTS.has(url)) {
    // jsonld only reads contexts; hand out a copy anyway so no request can alter another's.
    return {contextUrl: null, documentUrl: url, document: structuredClone(CONTEXTS.get(url))};
  }
  if(url.startsWith('did:key:')) {
    const document = await didKey.get({url});
    return {contextUrl: null, documentUrl: url, document};
  }
  throw new Error(`document loader: "${url}" is not available offline`);
}

function verifySuites() {
  return [
    new DataIntegrityProof({cryptosuite: rdfcSuite}),
    new DataIntegrityProof({cryptosuite: createJcsVerifySuite()}),
  ];
}

async function sign({credential, key, controller, verificationMethod, cryptosuite, created}) {
  if(!credential || !key || !key.publicKeyMultibase || !key.secretKeyMultibase) {
    throw new TypeError('sign needs "credential" and "key" {publicKeyMultibase, secretKeyMultibase}');
  }
  controller ??= `did:key:${key.publicKeyMultibase}`;
  verificationMethod ??= `${controller}#${key.publicKeyMultibase}`;
  const keyPair = await Ed25519Multikey.from({
    type: 'Multikey',
    id: verificationMethod,
    controller,
    publicKeyMultibase: key.publicKeyMultibase,
    secretKeyMultibase: key.secretKeyMultibase,
  });
  const name = cryptosuite ?? 'eddsa-rdfc-2022';
  let suite;
  if(name === 'eddsa-rdfc-2022') {
    suite = rdfcSuite;
  } else if(name === 'eddsa-jcs-2022') {
    suite = createJcsSignSuite();
  } else {
    throw new Error(`unsupported cryptosuite "${name}"`);
  }
  const proof = new DataIntegrityProof({signer: keyPair.signer(), date: created, cryptosuite: suite});
  const signed = await vc.issue({credential: structuredClone(credential), suite: proof, documentLoader});
  return {credential: signed};
}

function messages(error, into = []) {
  if(!error) {
    return into;
  }
  if(Array.isArray(error.errors) && error.errors.length) {
    for(const inner of error.errors) {
      messages(inner, into);
    }
  } else if(error.message && !into.includes(error.message)) {
    into.push(error.message);
  }
  return into;
}

async function verify({credential, now, skipStatus}) {
  const result = await vc.verifyCredential({
    credential: structuredClone(credential),
    suite: verifySuites(),
    documentLoader,
    now: now ? new Date(now) : undefined,
    // skipStatus: the caller checks credentialStatus itself (this tool fetches nothing)
    ...(skipStatus ? {checkStatus: async () => ({verified: true})} : {}),
  });
  const errors = messages(result.error);
  for(const r of result.results ?? []) {
    messages(r.error, errors);
    messages(r.purposeResult?.error, errors);
  }
  if(!result.verified && !errors.length) {
    errors.push('not verified (no error message given)');
  }
  return {verified: result.verified === true, errors};
}

async function resolve({url}) {
  return {document: (await documentLoader(url)).document};
}

function versions() {
  const found = {};
  for(const name of PACKAGES) {
    const file = path.join(HERE, 'node_modules', name, 'package.json');
    found[name] = JSON.parse(readFileSync(file, 'utf8')).version;
  }
  return {versions: found, node: process.version};
}

async function bench({operation, credentials, repeat = 3, ...options}) {
  const run = {sign, verify}[operation];
  if(!run || !Array.isArray(credentials) || !credentials.length) {
    throw new TypeError('bench needs "operation" (sign or verify) and a non-empty "credentials"');
  }
  await run({...options, credential: credentials[0]});
  let best = Infinity;
  let results = [];
  for(let i = 0; i < repeat; ++i) {
    const start = process.cpuUsage();
    const done = [];
    for(const credential of credentials) {
      done.push(await run({...options, credential}));
    }
    const used = process.cpuUsage(start);
    best = Math.min(best, (used.user + used.system) / 1e6);
    results = done;
  }
  return {perSecond: credentials.length / best, results};
}

const COMMANDS = {sign, verify, resolve, versions, bench};

async function handle(request) {
  try {
    const command = COMMANDS[request?.command];
    if(!command) {
      throw new Error(`unknown command ${JSON.stringify(request?.command)}`);
    }
    return {ok: true, ...(await command(request))};
  } catch(error) {
    return {ok: false, error: messages(error).join('; ') || String(error)};
  }
}

async function main() {
  let input;
  try {
    input = JSON.parse(readFileSync(0, 'utf8'));
  } catch(error) {
    process.stderr.write(`vc-tool: stdin is not JSON: ${error.message}\n`);
    process.exit(2);
  }
  let output;
  if(Array.isArray(input)) {
    output = [];
    for(const request of input) {
      output.push(await handle(request));
    }
  } else {
    output = await handle(input);
  }
  process.stdout.write(JSON.stringify(output) + '\n');
}

await main();
