#!/usr/bin/env node
/*
 * Claim an OpenID4VCI 1.0 credential offer with a real wallet client library,
 * @openid4vc/openid4vci (OpenWallet Foundation), over http://127.0.0.1 (allowInsecureUrls).
 *
 *   node oid4vci-claim.mjs '<openid-credential-offer://?credential_offer_uri=...>' [tx_code|-] [seed-hex]
 *
 * The whole pre-authorized code flow as a wallet runs it: resolve the offer by reference,
 * read the credential issuer and authorization server metadata, trade the pre-authorized
 * code (and tx_code) for an access token, fetch a c_nonce from the nonce endpoint, sign a
 * `jwt` proof (openid4vci-proof+jwt, EdDSA, kid = the holder's did:key URL) with an Ed25519
 * key from `seed-hex` (@digitalbazaar/ed25519-multikey), and request the credential by its
 * credential_configuration_id.
 *
 * Writes one JSON object on stdout: {"ok", "holder", "offer", "issuerMetadata",
 * "tokenResponse", "nonce", "proofHeader", "proofPayload", "requests", "credentials"}
 * (requests: method, URL and status of every HTTP exchange), or {"ok": false, "error",
 * "status", "body"}.
 */
import crypto from 'node:crypto';
import {Openid4vciClient, setGlobalConfig} from '@openid4vc/openid4vci';
import {clientAuthenticationAnonymous} from '@openid4vc/oauth2';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';

setGlobalConfig({allowInsecureUrls: true});

const b64url = bytes => Buffer.from(bytes).toString('base64url');
const decodePart = part => JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));

async function main() {
  const [offerUri, txArg = '-', seedHex = '3b'.repeat(32)] = process.argv.slice(2);
  const txCode = txArg === '-' ? undefined : txArg;
  const keyPair = await Ed25519Multikey.generate({seed: Buffer.from(seedHex, 'hex')});
  const holder = `did:key:${keyPair.publicKeyMultibase}`;
  const didUrl = `${holder}#${keyPair.publicKeyMultibase}`;
  const publicJwk = await Ed25519Multikey.toJwk({keyPair});
  const keySigner = keyPair.signer();

  const requests = [];
  const callbacks = {
    fetch: async (url, init) => {
      const response = await fetch(url, init);
      requests.push({method: init?.method ?? 'GET', url: String(url), status: response.status});
      return response;
    },
    hash: (data, alg) =>
      new Uint8Array(crypto.createHash(alg.replace('-', '').toLowerCase()).update(data).digest()),
    generateRandom: length => new Uint8Array(crypto.randomBytes(length)),
    clientAuthentication: clientAuthenticationAnonymous(),
    signJwt: async (_signer, {header, payload}) => {
      const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}`;
      const signature = await keySigner.sign({data: new TextEncoder().encode(input)});
      return {jwt: `${input}.${b64url(signature)}`, signerJwk: publicJwk};
    },
  };
  const client = new Openid4vciClient({callbacks});

  const offer = await client.resolveCredentialOffer(offerUri);
  const issuerMetadata = await client.resolveIssuerMetadata(offer.credential_issuer);
  const {accessTokenResponse} = await client.retrievePreAuthorizedCodeAccessTokenFromOffer({
    credentialOffer: offer,
    issuerMetadata,
    txCode,
  });
  const {c_nonce: nonce} = await client.requestNonce({issuerMetadata});
  const [credentialConfigurationId] = offer.credential_configuration_ids;
  const {jwt} = await client.createCredentialRequestJwtProof({
    issuerMetadata,
    credentialConfigurationId,
    nonce,
    signer: {method: 'did', didUrl, alg: 'EdDSA'},
    issuedAt: new Date(),
  });
  const result = await client.retrieveCredentials({
    issuerMetadata,
    accessToken: accessTokenResponse.access_token,
    credentialConfigurationId,
    proofs: {jwt: [jwt]},
  });
  const [header, payload] = jwt.split('.').slice(0, 2).map(decodePart);
  console.log(JSON.stringify({
    ok: true,
    holder,
    offer,
    draftVersion: issuerMetadata.originalDraftVersion,
    issuerMetadata: issuerMetadata.credentialIssuer,
    authorizationServer: issuerMetadata.authorizationServers[0],
    tokenResponse: {...accessTokenResponse, access_token: '(redacted)'},
    nonce,
    proofHeader: header,
    proofPayload: payload,
    requests,
    credentials: result.credentialResponse.credentials.map(item => item.credential),
  }));
}

main().catch(async error => {
  let body;
  const response = error?.response?.response ?? error?.response;
  try {
    body = error?.errorResponse ?? error?.responseText ?? (response ? await response.clone().text() : undefined);
  } catch {
    body = undefined;
  }
  console.log(JSON.stringify({
    ok: false,
    error: String(error?.message ?? error),
    status: response?.status,
    body,
  }));
});
