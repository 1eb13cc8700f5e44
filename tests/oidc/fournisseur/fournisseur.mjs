// A real OpenID Connect provider (node-oidc-provider) on the loopback, for the portal's tests.
// It plays ProConnect: authorization code flow with PKCE required, ID tokens signed RS256 with
// a key generated at start-up and published on its JWKS, RP-initiated logout. Its accounts
// and its one client come from the environment; its own log-in page is minimal and asks
// nothing from outside. Test-only: POST /__horloge?decalage=<seconds> moves the clock of its
// token endpoint, so that the ID tokens it then signs are already expired for the portal (its
// other pages keep the true time: their cookies must stay valid in the browser).
import { generateKeyPairSync } from 'node:crypto';
import http from 'node:http';
import { parse as parseQuery } from 'node:querystring';

import Provider from 'oidc-provider';

const port = Number(process.env.PORT);
const issuer = `http://127.0.0.1:${port}`;
const portail = process.env.PORTAIL_URL;
const comptes = JSON.parse(process.env.COMPTES || '{}');

let decalage = 0;
let decalageJetons = 0;
const maintenantVrai = Date.now;
Date.now = () => maintenantVrai() + decalage;

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const cle = { ...privateKey.export({ format: 'jwk' }), kid: 'cle-de-test', alg: 'RS256', use: 'sig' };

const portees = 'openid email given_name usual_name siret';

const provider = new Provider(issuer, {
  clients: [{
    client_id: process.env.CLIENT_ID,
    client_secret: process.env.CLIENT_SECRET,
    redirect_uris: [`${portail}/oidc/callback/`],
    post_logout_redirect_uris: [`${portail}/`],
    token_endpoint_auth_method: 'client_secret_post',
    id_token_signed_response_alg: 'RS256',
  }],
  jwks: { keys: [cle] },
  cookies: { keys: ['cle-des-cookies-du-fournisseur-de-test'] },
  pkce: { required: () => true },
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    given_name: ['given_name'],
    usual_name: ['usual_name'],
    siret: ['siret'],
  },
  features: {
    devInteractions: { enabled: false },
    rpInitiatedLogout: {
      enabled: true,
      logoutSource: async (ctx, form) => {
        ctx.body = page('Déconnexion', `${form}<p>Voulez-vous vous déconnecter du fournisseur ?</p>
          <button autofocus type="submit" form="op.logoutForm" value="yes" name="logout">Oui, me déconnecter</button>`);
      },
      postLogoutSuccessSource: async (ctx) => { ctx.body = page('Déconnecté', '<p>Vous êtes déconnecté.</p>'); },
    },
  },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  async findAccount(ctx, sub) {
    const compte = comptes[sub];
    if (!compte) return undefined;
    return {
      accountId: sub,
      async claims() {
        return { sub, email: sub, email_verified: true, given_name: compte.given_name,
          usual_name: compte.usual_name, siret: compte.siret };
      },
    };
  },
  // ProConnect asks no consent of the agent: every requested scope is granted.
  async loadExistingGrant(ctx) {
    const grantId = ctx.oidc.result?.consent?.grantId
      || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) return ctx.oidc.provider.Grant.find(grantId);
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId,
    });
    grant.addOIDCScope(portees);
    await grant.save();
    return grant;
  },
  renderError: async (ctx, out) => {
    ctx.type = 'html';
    ctx.body = page('Erreur', `<p id="erreur">${echapper(out.error)} : ${echapper(out.error_description || '')}</p>`);
  },
});
provider.proxy = false;

function echapper(texte) {
  return String(texte).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(titre, corps) {
  return `<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>${titre} — fournisseur d'identité de test</title></head>
    <body><main><h1>${titre}</h1>${corps}</main></body></html>`;
}

function formulaire(uid, erreur) {
  return page('Fournisseur d\'identité de test', `${erreur ? `<p id="erreur" role="alert">${echapper(erreur)}</p>` : ''}
    <form method="post" action="/interaction/${uid}">
      <label for="email">Adresse électronique</label> <input id="email" name="email" type="email" required>
      <label for="motdepasse">Mot de passe</label> <input id="motdepasse" name="motdepasse" type="password" required>
      <button type="submit">Continuer</button>
    </form>`);
}

async function lireCorps(req) {
  let corps = '';
  for await (const morceau of req) corps += morceau;
  return parseQuery(corps);
}

async function interaction(req, res, uid) {
  const details = await provider.interactionDetails(req, res);
  if (details.uid !== uid) throw new Error('interaction inconnue');
  if (req.method === 'GET') {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(formulaire(uid));
    return;
  }
  const { email, motdepasse } = await lireCorps(req);
  const compte = comptes[email];
  if (!compte || compte.password !== motdepasse) {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(formulaire(uid, 'Adresse ou mot de passe inconnus du fournisseur.'));
    return;
  }
  await provider.interactionFinished(req, res, { login: { accountId: email } }, { mergeWithLastSubmission: false });
}

const rappel = provider.callback();
http.createServer(async (req, res) => {
  try {
    const url = new URL(req.url, issuer);
    if (url.pathname === '/__horloge' && req.method === 'POST') {
      decalageJetons = Number(url.searchParams.get('decalage') || '0') * 1000;
      res.writeHead(204);
      res.end();
      return;
    }
    const morceaux = url.pathname.match(/^\/interaction\/([\w-]+)$/);
    if (morceaux) {
      await interaction(req, res, morceaux[1]);
      return;
    }
    if (url.pathname === '/token' && decalageJetons) {
      decalage = decalageJetons;
      res.on('close', () => { decalage = 0; });
    }
    rappel(req, res);
  } catch (erreur) {
    res.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' });
    res.end(String(erreur));
  }
}).listen(port, '127.0.0.1', () => {
  process.stdout.write(`pret ${issuer}\n`);
});
