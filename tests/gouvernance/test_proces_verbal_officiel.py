"""Issue 15: the minutes are an official document. They name each member by name, quality and
organisation (never by log-in) and end with a signature block (place, date, the president and
the secretariat), on the page and in the PDF."""

from django.urls import reverse

from gouvernance.models import Membre, RoleMembre
from gouvernance.selectors import contexte_proces_verbal
from tests.factories.gouvernance import MembreFactory
from tests.gouvernance.test_decisions_par_ligne import scene  # noqa: F401  (fixture)


def test_le_proces_verbal_nomme_les_membres_et_finit_par_les_signatures(client, scene):  # noqa: F811
    president = MembreFactory(comite=scene.seance.comite, role=RoleMembre.PRESIDENT)
    president.utilisateur.first_name, president.utilisateur.last_name = "Camille", "Martin"
    president.utilisateur.save(update_fields=["first_name", "last_name"])
    Membre.objects.filter(pk=president.pk).update(qualite="Préfète de région")
    scene.retenir()

    contexte = contexte_proces_verbal(seance=scene.seance)
    roles = [m.role for m in contexte["signataires_pv"]]
    assert roles[0] == RoleMembre.PRESIDENT and roles[-1] == RoleMembre.SECRETARIAT
    assert set(roles) <= {RoleMembre.PRESIDENT, RoleMembre.CO_PRESIDENT, RoleMembre.SECRETARIAT}
    client.force_login(scene.secretaire)
    html = client.get(reverse("gouvernance:proces_verbal", args=[scene.seance.pk])).content
    texte = html.decode().replace("\u202f", " ").replace("\xa0", " ")
    presences = texte[texte.index("Feuille de présence") : texte.index('id="pv-quorum"')]
    for membre, _ in contexte["membres"]:
        assert membre.nom in presences
        if membre.utilisateur.get_full_name():
            assert f">{membre.utilisateur.username}<" not in presences
    assert "Préfète de région" in presences
    signatures = texte[texte.index('id="pv-signatures"') :]
    assert "Fait à Préfecture de région, Lille, le " in signatures
    assert "Le président" in signatures and "Camille Martin, Préfète de région" in signatures
    assert "Pour le secrétariat" in signatures and scene.secretaire.get_full_name() in signatures
