#!/usr/bin/env node
/*
 * Replay Learner Credential Wallet's legacy deep-link claim with LCW's own libraries, offline.
 *
 *   node lcw-claim.mjs '<deep link>' [seed-hex]
 *
 * As LCW (openwallet-foundation-labs/learner-credential-wallet, app/lib/did.ts mintDid,
 * app/lib/present.ts createVerifiablePresentation, app/lib/credentialRequest.ts
 * requestCredential, app/lib/parseResponse.ts parseResponseBody):
 * - the deep link's query is read with a query-string parser (`+` reads as a space);
 *   auth_type must be `bearer`;
 * - a did:key holder is minted from a 32-byte seed (Ed25519VerificationKey2020 through
 *   @digitalcredentials/did-method-key);
 * - an empty presentation (holder = the DID) is signed with Ed25519Signature2020,
 *   proofPurpose authentication, the link's challenge, no domain (@digitalcredentials/vc);
 *   the document loader is @digitalcredentials/security-document-loader with remote
 *   contexts off (LCW turns them on; nothing here may touch the network);
 * - the VP is POSTed as application/json without Authorization to vc_request_url; the
 *   response text is HTML-entity-decoded (html-entities) and then JSON.parse'd.
 *
 * Writes one JSON object on stdout: {"ok", "holder", "request", "status", "responseText",
 * "credential"} (credential: the parsed response), or {"ok": false, "error"}.
 */
import * as vc from '@digitalcredentials/vc';
import * as DidMethodKey from '@digitalcredentials/did-method-key';
import {Ed25519VerificationKey2020} from '@digitalcredentials/ed25519-verification-key-2020';
import {Ed25519Signature2020} from '@digitalcredentials/ed25519-signature-2020';
import {securityLoader} from '@digitalcredentials/security-document-loader';
import * as HtmlEntities from 'html-entities';

const documentLoader = securityLoader({fetchRemoteContexts: false}).build();

async function mintDid({seed}) {
  const didKeyDriver = DidMethodKey.driver();
  didKeyDriver.use({
    multibaseMultikeyHeader: 'z6Mk',
    fromMultibase: Ed25519VerificationKey2020.from,
  });
  const verificationKeyPair = await Ed25519VerificationKey2020.generate({seed});
  const {didDocument} = await didKeyDriver.fromKeyPair({verificationKeyPair});
  const did = didDocument.id;
  verificationKeyPair.controller = did;
  verificationKeyPair.id = `${did}#${verificationKeyPair.fingerprint()}`;
  return {
    didDocument,
    verificationKey: verificationKeyPair.export({publicKey: true, privateKey: true}),
  };
}

async function createVerifiablePresentation({didRecord, challenge}) {
  const verificationKeyPair = await Ed25519VerificationKey2020.from(didRecord.verificationKey);
  const suite = new Ed25519Signature2020({key: verificationKeyPair});
  const holder = didRecord.didDocument.id;
  const presentation = vc.createPresentation({holder, verify: false});
  return await vc.signPresentation({presentation, suite, challenge, documentLoader});
}

async function main() {
  const [deepLink, seedHex = '2a'.repeat(32)] = process.argv.slice(2);
  // lcw.app/request.html redirects to dccrequest://request with the same query
  const params = Object.fromEntries(new URLSearchParams(new URL(deepLink).search));
  const {auth_type = 'code', vc_request_url, challenge, issuer} = params;
  if (issuer === undefined || vc_request_url === undefined) {
    throw new Error('not a credential request link (issuer and vc_request_url needed)');
  }
  if (auth_type !== 'bearer') {
    throw new Error(`Unsupported auth_type value: "${auth_type}".`);
  }
  const didRecord = await mintDid({seed: new Uint8Array(Buffer.from(seedHex, 'hex'))});
  const requestBody = await createVerifiablePresentation({didRecord, challenge});
  const response = await fetch(vc_request_url, {
    method: 'POST',
    headers: {'Content-Type': 'application/json'},
    body: JSON.stringify(requestBody),
  });
  const responseText = await response.text();
  let credential = null;
  if (response.ok) {
    credential = JSON.parse(HtmlEntities.decode(responseText));
  }
  return {
    ok: response.ok,
    holder: didRecord.didDocument.id,
    request: requestBody,
    status: response.status,
    responseText,
    credential,
  };
}

main().then(
  result => process.stdout.write(JSON.stringify(result) + '\n'),
  err => {
    process.stdout.write(JSON.stringify({ok: false, error: String(err && err.stack || err)}) + '\n');
  }
);
