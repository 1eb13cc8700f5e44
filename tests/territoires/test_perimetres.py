"""The secretariat fixes the communes of a special territory in the admin: a French error next
to the field for a code outside the region, nothing written; nobody else may; who did it is
recorded."""

from axes.models import TerritoireSpecial
from territoires.models import PerimetreTerritoire

URL = "/admin/territoires/perimetreterritoire/add/"


def _littoral():
    return TerritoireSpecial.objects.get(code="littoral")


def test_le_secretariat_fixe_un_perimetre_et_la_page_le_suit(client, creer_utilisateur):
    admin = creer_utilisateur(
        "secretariat", role="administrateur", is_staff=True, is_superuser=True
    )
    client.force_login(admin)
    refus = client.post(URL, {"territoire": _littoral().pk, "codes_insee": "62193\n75056 99999"})
    assert refus.status_code == 200
    assert "Ces codes ne sont pas des communes des Hauts-de-France : 75056, 99999." in (
        refus.content.decode()
    )
    assert not PerimetreTerritoire.objects.exists()
    reponse = client.post(
        URL,
        {"territoire": _littoral().pk, "codes_insee": "62193, 59183\n62160", "source": "SRADDET"},
    )
    assert reponse.status_code == 302
    perimetre = PerimetreTerritoire.objects.get()
    assert perimetre.codes == {"62193", "59183", "62160"}
    assert perimetre.modifie_par == admin
    assert perimetre.historique.count() == 1
    page = client.get("/territoires/specifique/littoral/").content.decode()
    assert "Périmètre fixé par le secrétariat (SRADDET) (3 communes)" in page


def test_personne_d_autre_ne_fixe_un_perimetre(client, creer_utilisateur):
    for role in ("lecteur", "agent", "porteur"):
        client.force_login(creer_utilisateur(f"u-{role}", role=role))
        reponse = client.post(URL, {"territoire": _littoral().pk, "codes_insee": "62193"})
        assert reponse.status_code == 302 and "/admin/login/" in reponse["Location"]
    client.logout()
    reponse = client.post(URL, {"territoire": _littoral().pk, "codes_insee": "62193"})
    assert reponse.status_code == 302
    assert not PerimetreTerritoire.objects.exists()
