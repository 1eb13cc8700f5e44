"""ProConnect log-in (OpenID Connect) through mozilla-django-oidc.

The library runs the authorization code flow with PKCE (S256), keeps `state`, `nonce` and the
code verifier in the session and checks them, exchanges the code and verifies the ID token's
RS256 signature against the provider's JWKS. This module adds what the portal needs: the
audience, issuer and expiry of the ID token are checked too; an identity is linked to an
account only by an earlier link (issuer + `sub`) or by an invitation of the secretariat for
its e-mail address; any other identity files a « demande d'accès » and is not logged in.
"""

import logging
from urllib.parse import urlencode

import jwt
from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from comptes.models import (
    DemandeAcces,
    IdentiteProConnect,
    Invitation,
    Role,
    StatutDemande,
    Utilisateur,
)
from comptes.services import compte_proconnect_creer

journal = logging.getLogger("comptes.oidc")
CLE_DEMANDE = "comptes_demande_acces"


class JetonRefuse(SuspiciousOperation):
    """An ID token (or a userinfo JWT) that does not pass verification."""


class ProConnectBackend(OIDCAuthenticationBackend):
    _jeton_d_identite = False

    def verify_token(self, token, **kwargs):
        # The library passes `nonce` for the ID token only (not for a signed userinfo).
        self._jeton_d_identite = "nonce" in kwargs
        return super().verify_token(token, **kwargs)

    def _verify_jws(self, payload, key):
        entete = jwt.get_unverified_header(payload)
        if entete.get("alg") != self.OIDC_RP_SIGN_ALGO:
            raise JetonRefuse("Algorithme de signature inattendu.")
        try:
            return jwt.decode(
                payload,
                key,
                algorithms=[self.OIDC_RP_SIGN_ALGO],
                audience=self.OIDC_RP_CLIENT_ID,
                issuer=settings.OIDC_OP_ISSUER,
                options={"require": ["exp", "iat", "sub"] if self._jeton_d_identite else []},
            )
        except jwt.ExpiredSignatureError as erreur:
            raise JetonRefuse("expire") from erreur
        except jwt.InvalidTokenError as erreur:
            raise JetonRefuse(f"invalide : {erreur}") from erreur

    def verify_claims(self, claims):
        return bool(claims.get("email") and claims.get("sub"))

    def get_or_create_user(self, access_token, id_token, payload):
        infos = self.get_userinfo(access_token, id_token, payload)
        if infos.get("sub") != payload.get("sub"):
            raise JetonRefuse("Les informations de l'utilisateur ne sont pas celles du jeton.")
        if not self.verify_claims(infos):
            raise JetonRefuse("Le fournisseur n'a pas donné d'adresse électronique.")
        utilisateur = identite_rattacher(
            emetteur=settings.OIDC_OP_ISSUER, sujet=payload["sub"], infos=infos
        )
        if isinstance(utilisateur, DemandeAcces):
            self.request.session[CLE_DEMANDE] = utilisateur.pk
            return None
        if not utilisateur.is_active:
            journal.warning("Connexion ProConnect d'un compte désactivé : %s.", utilisateur)
            return None
        return utilisateur


@transaction.atomic
def identite_rattacher(*, emetteur: str, sujet: str, infos: dict) -> Utilisateur | DemandeAcces:
    """The account of this ProConnect identity: already linked, or linked now through an
    invitation of its address; otherwise the (new or pending) request for access."""
    identite = (
        IdentiteProConnect.objects.select_related("utilisateur")
        .filter(emetteur=emetteur, sujet=sujet)
        .first()
    )
    if identite is not None:
        identite.derniere_connexion_le = timezone.now()
        identite.save(update_fields=["derniere_connexion_le"])
        return identite.utilisateur
    email = infos["email"].strip()
    invitation = (
        Invitation.objects.select_for_update()
        .filter(email__iexact=email, utilisee_le__isnull=True, expire_le__gt=timezone.now())
        .order_by("-cree_le")
        .first()
    )
    if invitation is None:
        demande, nouvelle = DemandeAcces.objects.update_or_create(
            emetteur=emetteur,
            sujet=sujet,
            statut=StatutDemande.EN_ATTENTE,
            defaults={
                "email": email,
                "prenom": str(infos.get("given_name") or "")[:150],
                "nom": str(infos.get("usual_name") or infos.get("family_name") or "")[:150],
                "siret": str(infos.get("siret") or "")[:14],
            },
        )
        journal.info("Demande d'accès ProConnect de %s (%s).", email, sujet)
        if nouvelle:
            transaction.on_commit(lambda: _secretariat_prevenir(demande))
        return demande
    utilisateur = invitation.utilisateur
    if utilisateur is None:
        homonymes = list(Utilisateur.objects.filter(email__iexact=email)[:2])
        if len(homonymes) > 1:
            # Two accounts share the address: the invitation must name one (in the admin).
            raise JetonRefuse("Plusieurs comptes portent cette adresse.")
        utilisateur = homonymes[0] if homonymes else None
    if hasattr(utilisateur, "identite_proconnect"):
        raise JetonRefuse("Ce compte est déjà lié à une autre identité ProConnect.")
    if utilisateur is None:
        utilisateur = compte_proconnect_creer(
            email=email,
            prenom=infos.get("given_name") or "",
            nom=infos.get("usual_name") or "",
            organisation_id=invitation.organisation_id,
            role=invitation.role,
        )
    IdentiteProConnect.objects.create(
        utilisateur=utilisateur,
        emetteur=emetteur,
        sujet=sujet,
        derniere_connexion_le=timezone.now(),
    )
    invitation.utilisee_le = timezone.now()
    invitation.utilisateur = utilisateur
    invitation.save(update_fields=["utilisee_le", "utilisateur"])
    journal.info("Identité ProConnect %s liée au compte %s par invitation.", sujet, utilisateur)
    return utilisateur


def _secretariat_prevenir(demande: DemandeAcces) -> None:
    """One e-mail to the active administrators who have an address."""
    from comptes.tasks import courriel_envoyer_task

    destinataires = sorted(
        {
            u.email
            for u in Utilisateur.objects.filter(
                Q(role=Role.ADMINISTRATEUR) | Q(is_superuser=True), is_active=True
            )
            if u.email
        }
    )
    if not destinataires:
        return
    lien = f"{settings.PORTAIL_URL}{reverse('demande_acces_traiter', args=[demande.pk])}"
    corps = (
        f"Bonjour,\n\n{demande.prenom} {demande.nom} ({demande.email}) s'est connecté(e) avec "
        "ProConnect sans invitation et demande l'accès au portail CPER Hauts-de-France.\n\n"
        f"Pour accorder l'accès (rôle et organisation) ou le refuser : {lien}\n"
    )
    courriel_envoyer_task.delay(
        "Portail CPER : nouvelle demande d'accès", corps, None, destinataires
    )


def url_deconnexion_fournisseur(request) -> str:
    """Where the portal's log-out sends a ProConnect session: the provider's end of session,
    back to the portal's home (OIDC_OP_LOGOUT_URL_METHOD)."""
    jeton = request.session.get("oidc_id_token")
    if not (settings.OIDC_ACTIVE and settings.OIDC_OP_LOGOUT_ENDPOINT and jeton):
        return reverse(settings.LOGOUT_REDIRECT_URL)
    parametres = {
        "id_token_hint": jeton,
        "post_logout_redirect_uri": request.build_absolute_uri(
            reverse(settings.LOGOUT_REDIRECT_URL)
        ),
        "client_id": settings.OIDC_RP_CLIENT_ID,
    }
    return f"{settings.OIDC_OP_LOGOUT_ENDPOINT}?{urlencode(parametres)}"
