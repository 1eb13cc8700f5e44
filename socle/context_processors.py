from types import SimpleNamespace

from django.http import HttpRequest

# What django-dsfr's templates read from SITE_CONFIG, kept in code so that rendering a page
# costs no database query.
SITE_CONFIG = SimpleNamespace(
    site_title="CPER Hauts-de-France 2021-2027",
    site_tagline="Portail du contrat de plan État-Région",
    header_brand_html="Préfet<br>de la région<br>Hauts-de-France",
    footer_brand_html="Préfet<br>de la région<br>Hauts-de-France",
    footer_description=(
        "Portail de suivi du contrat de plan État-Région Hauts-de-France 2021-2027, "
        "signé à Lille le 9 janvier 2023 par l'État, la Région, les cinq Départements, "
        "la Métropole Européenne de Lille et Amiens Métropole."
    ),
    beta_tag=False,
    mourning=False,
    notice_title="",
    notice_description="",
)


def portail(request: HttpRequest) -> dict[str, object]:
    contexte: dict[str, object] = {"SITE_CONFIG": SITE_CONFIG}
    # django-csp makes the nonce lazily, and django-dsfr's `{% if self.nonce %}` reads an
    # untouched lazy nonce as empty: it is made here, so that the header and the script tags
    # of the page carry the same one.
    nonce = getattr(request, "csp_nonce", None)
    if nonce is not None:
        contexte["CSP_NONCE"] = str(nonce)
    return contexte
