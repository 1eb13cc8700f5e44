"""Issue 13: at the committee, each co-funder decides on its own line of a retained dossier.

A dossier co-funded by the État, the Région and the Nord reaches « instruit » after the three
grids; each co-funder's agent proposes its own line's outcome (the État reduces by
100 000,00 €, the Nord refuses); the committee retains the dossier: each envelope moves by
exactly what was granted, the plan is short by what was not, the dossier shows the gap as the
next step, the porteur re-balances it, and the minutes record the decision line by line.
Nobody proposes on another signatory's line; nothing is written on a refusal.
"""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils.html import strip_tags
from rest_framework.test import APIClient

from axes.models import Signataire
from financement.models import Enveloppe, JournalFinancier, LigneProgrammee
from gouvernance.models import (
    ArbitrageLigne,
    Comite,
    DecisionLigne,
    IssueLigne,
    JournalGouvernance,
)
from gouvernance.services import (
    arbitrage_enregistrer,
    presence_enregistrer,
    seance_clore,
    seance_inscrire_projet,
    seance_ouvrir,
    vote_enregistrer,
)
from projets.models import NatureFinancement, Projet, SourceFinancement, Statut
from projets.reequilibrage import plan_reequilibrer
from projets.services import LigneSaisie, projet_creer, projet_transitionner
from projets.workflow import Action
from socle.exceptions import ActionNonAutorisee, EtatIncompatible, RegleMetierError
from tests.factories.gouvernance import SeanceFactory, agent_instructeur, deposer_grilles

TRIO = ["etat", "region", "nord"]
EUR = Decimal


def _lignes() -> list[LigneSaisie]:
    """1 000 000,00 €: Région 400 000, État 300 000, Nord 100 000 (CPER), own funds 200 000."""
    s = {x.code: x.pk for x in Signataire.objects.filter(code__in=TRIO)}
    return [
        LigneSaisie(EUR("400000.00"), NatureFinancement.CPER, signataire_id=s["region"]),
        LigneSaisie(EUR("300000.00"), NatureFinancement.CPER, signataire_id=s["etat"]),
        LigneSaisie(EUR("100000.00"), NatureFinancement.CPER, signataire_id=s["nord"]),
        LigneSaisie(
            EUR("200000.00"), NatureFinancement.HORS_CPER, source=SourceFinancement.FONDS_PROPRES
        ),
    ]


class Scene:
    def __init__(self, projet, seance, point, secretaire):
        self.projet, self.seance, self.point, self.secretaire = projet, seance, point, secretaire

    def ligne(self, code):
        return self.projet.lignes_financement.get(signataire__code=code)

    def retenir(self):
        membres = SeanceFactory.membres_de(self.seance)
        for membre in membres:
            presence_enregistrer(
                seance=self.seance, membre=membre, statut="present", par=self.secretaire
            )
        seance_ouvrir(seance=self.seance, par=self.secretaire)
        for membre in membres:
            if membre.role == "votant" or membre.role == "co_president":
                vote_enregistrer(point=self.point, choix="pour", par=membre.utilisateur)
        return seance_clore(seance=self.seance, par=self.secretaire)


@pytest.fixture
def scene(porteur, donnees_completes):
    projet = projet_creer(donnees=donnees_completes(lignes=_lignes()), par=porteur)
    projet_transitionner(projet=projet, action=Action.DEPOSER, par=porteur)
    projet_transitionner(projet=projet, action=Action.INSTRUIRE, par=agent_instructeur("etat"))
    # Two grids of three: not yet « instruit ».
    deposer_grilles(projet, cofinanceurs=["etat", "region"])
    assert Projet.objects.get(pk=projet.pk).statut == Statut.EN_INSTRUCTION
    projet = deposer_grilles(projet, cofinanceurs=["nord"])
    assert projet.statut == Statut.INSTRUIT
    seance = SeanceFactory()
    secretaire = seance.comite.membres.get(role="secretariat").utilisateur
    point = seance_inscrire_projet(seance=seance, projet=projet, par=secretaire)
    return Scene(Projet.objects.get(pk=projet.pk), seance, point, secretaire)


def _disponibles():
    return {e.signataire.code: e.montant_programme for e in Enveloppe.objects.all()}


def test_l_etat_reduit_le_nord_refuse_le_comite_retient(scene, porteur):
    avant = _disponibles()
    arbitrage_enregistrer(
        point=scene.point,
        ligne=scene.ligne("etat"),
        issue=IssueLigne.REDUITE,
        montant=EUR("200000.00"),
        motif="Crédits 2025 limités.",
        par=agent_instructeur("etat"),
    )
    arbitrage_enregistrer(
        point=scene.point,
        ligne=scene.ligne("nord"),
        issue=IssueLigne.REFUSEE,
        motif="Hors des priorités départementales.",
        par=agent_instructeur("nord"),
    )
    (decision,) = scene.retenir()
    assert decision.resultat == "retenu" and decision.programme

    # Each envelope moved by exactly what its line was granted.
    apres = _disponibles()
    ecarts = {code: apres[code] - avant[code] for code in apres}
    assert ecarts["region"] == EUR("400000.00")
    assert ecarts["etat"] == EUR("200000.00")
    assert ecarts["nord"] == EUR("0.00")
    assert sum(ecarts.values()) == EUR("600000.00")
    programmees = {
        lp.signataire.code: lp.montant_programme
        for lp in LigneProgrammee.objects.filter(projet=scene.projet)
    }
    assert programmees == {"region": EUR("400000.00"), "etat": EUR("200000.00")}
    assert sorted(
        JournalFinancier.objects.filter(projet=scene.projet, type="programmation").values_list(
            "montant", flat=True
        )
    ) == [EUR("200000.00"), EUR("400000.00")]

    # The plan took the decision: the gap to re-balance is what was not granted.
    projet = Projet.objects.get(pk=scene.projet.pk)
    assert projet.statut == Statut.PROGRAMME
    assert projet.montant_a_reequilibrer == EUR("200000.00")
    assert sorted((str(lf.montant), lf.financeur) for lf in projet.lignes_financement.all()) == [
        ("200000.00", "Fonds propres du maître d'ouvrage"),
        ("200000.00", "État"),
        ("400000.00", "Région Hauts-de-France"),
    ]

    # The decision line by line, for the minutes.
    lignes = {
        dl.signataire.code: (dl.issue, dl.montant_demande, dl.montant_retenu, dl.motif)
        for dl in DecisionLigne.objects.filter(decision=decision)
    }
    assert lignes == {
        "region": (IssueLigne.PROGRAMMEE, EUR("400000.00"), EUR("400000.00"), ""),
        "etat": (IssueLigne.REDUITE, EUR("300000.00"), EUR("200000.00"), "Crédits 2025 limités."),
        "nord": (
            IssueLigne.REFUSEE,
            EUR("100000.00"),
            EUR("0.00"),
            "Hors des priorités départementales.",
        ),
    }

    # The porteur re-balances with its own funds and a FEDER grant: the gap closes.
    plan_reequilibrer(
        projet=projet,
        lignes=[
            LigneSaisie(
                EUR("300000.00"),
                NatureFinancement.HORS_CPER,
                source=SourceFinancement.FONDS_PROPRES,
            ),
            LigneSaisie(
                EUR("100000.00"),
                NatureFinancement.HORS_CPER,
                source=SourceFinancement.FONDS_EUROPEENS,
            ),
        ],
        par=porteur,
    )
    projet = Projet.objects.get(pk=projet.pk)
    assert projet.montant_a_reequilibrer == EUR("0.00")
    assert sum(lf.montant for lf in projet.lignes_financement.all()) == projet.cout_total_ht
    # Nothing moved in the ledger by re-balancing.
    assert _disponibles() == apres


def test_un_cofinanceur_ne_propose_que_sur_sa_ligne(scene):
    for qui, code in (("nord", "etat"), ("somme", "etat"), ("region", "nord")):
        with pytest.raises(ActionNonAutorisee) as refus:
            arbitrage_enregistrer(
                point=scene.point,
                ligne=scene.ligne(code),
                issue=IssueLigne.REFUSEE,
                motif="Non.",
                par=agent_instructeur(qui),
            )
        assert "chaque cofinanceur" in refus.value.message or "ne le cofinance pas" in (
            refus.value.message
        )
    assert not ArbitrageLigne.objects.exists()
    assert not JournalGouvernance.objects.filter(action__startswith="arbitrage").exists()


def test_le_secretariat_peut_proposer_pour_un_cofinanceur(scene, creer_utilisateur):
    secretariat = creer_utilisateur("secretariat.cper", role="administrateur")
    arbitrage_enregistrer(
        point=scene.point,
        ligne=scene.ligne("nord"),
        issue=IssueLigne.REDUITE,
        montant=EUR("50000.00"),
        motif="Arbitrage du Département transmis par courrier.",
        par=secretariat,
    )
    journal = JournalGouvernance.objects.get(action="arbitrage_enregistrer")
    assert journal.par == secretariat
    assert journal.details["signataire"] == "nord" and journal.details["montant"] == "50000.00"


@pytest.mark.parametrize(
    ("issue", "montant", "motif", "champ"),
    [
        (IssueLigne.REDUITE, None, "Motif", "montant"),
        (IssueLigne.REDUITE, EUR("300000.00"), "Motif", "montant"),
        (IssueLigne.REDUITE, EUR("300000.01"), "Motif", "montant"),
        (IssueLigne.REDUITE, EUR("0.00"), "Motif", "montant"),
        (IssueLigne.REDUITE, EUR("100.00"), "  ", "motif"),
        (IssueLigne.REFUSEE, None, "", "motif"),
        ("supprimee", None, "Motif", "issue"),
    ],
)
def test_proposition_invalide_refusee_au_champ(scene, issue, montant, motif, champ):
    with pytest.raises(RegleMetierError) as refus:
        arbitrage_enregistrer(
            point=scene.point,
            ligne=scene.ligne("etat"),
            issue=issue,
            montant=montant,
            motif=motif,
            par=agent_instructeur("etat"),
        )
    assert champ in refus.value.erreurs
    assert not ArbitrageLigne.objects.exists()


def test_retirer_sa_proposition_revient_au_montant_demande(scene):
    agent = agent_instructeur("etat")
    arbitrage_enregistrer(
        point=scene.point,
        ligne=scene.ligne("etat"),
        issue=IssueLigne.REFUSEE,
        motif="Non.",
        par=agent,
    )
    arbitrage_enregistrer(
        point=scene.point, ligne=scene.ligne("etat"), issue=IssueLigne.PROGRAMMEE, par=agent
    )
    assert not ArbitrageLigne.objects.exists()
    (decision,) = scene.retenir()
    assert {dl.issue for dl in decision.lignes.all()} == {IssueLigne.PROGRAMMEE}
    assert Projet.objects.get(pk=scene.projet.pk).montant_a_reequilibrer == EUR("0.00")


def test_seance_close_refuse_toute_proposition(scene):
    scene.retenir()
    with pytest.raises(EtatIncompatible):
        arbitrage_enregistrer(
            point=scene.point,
            ligne=scene.projet.lignes_financement.get(signataire__code="region"),
            issue=IssueLigne.REFUSEE,
            motif="Trop tard.",
            par=agent_instructeur("region"),
        )
    assert not ArbitrageLigne.objects.exists()


def test_un_comite_qui_donne_un_avis_n_arbitre_pas_les_montants(porteur, donnees_completes):
    comite = Comite.objects.get(code="programmation")
    Comite.objects.filter(pk=comite.pk).update(pouvoir_programmer=False)
    projet = projet_creer(donnees=donnees_completes(lignes=_lignes()), par=porteur)
    projet_transitionner(projet=projet, action=Action.DEPOSER, par=porteur)
    projet_transitionner(projet=projet, action=Action.INSTRUIRE, par=agent_instructeur("etat"))
    projet = deposer_grilles(projet)
    seance = SeanceFactory()
    secretaire = seance.comite.membres.get(role="secretariat").utilisateur
    point = seance_inscrire_projet(seance=seance, projet=projet, par=secretaire)
    with pytest.raises((EtatIncompatible, ActionNonAutorisee)):
        arbitrage_enregistrer(
            point=point,
            ligne=projet.lignes_financement.get(signataire__code="etat"),
            issue=IssueLigne.REFUSEE,
            motif="Non.",
            par=agent_instructeur("etat"),
        )
    assert not ArbitrageLigne.objects.exists()


def test_reequilibrage_refuse_sans_rien_ecrire(scene, porteur, creer_utilisateur):
    arbitrage_enregistrer(
        point=scene.point,
        ligne=scene.ligne("nord"),
        issue=IssueLigne.REFUSEE,
        motif="Non.",
        par=agent_instructeur("nord"),
    )
    scene.retenir()
    projet = Projet.objects.get(pk=scene.projet.pk)

    def empreinte():
        p = Projet.objects.get(pk=projet.pk)
        return (
            p.cout_total_ht,
            p.montant_a_reequilibrer,
            sorted((str(lf.montant), lf.financeur) for lf in p.lignes_financement.all()),
            p.historique.count(),
        )

    avant = empreinte()
    propres = SourceFinancement.FONDS_PROPRES
    # Another signatory's money is never added by re-balancing.
    somme = Signataire.objects.get(code="somme").pk
    with pytest.raises(RegleMetierError) as refus:
        plan_reequilibrer(
            projet=projet,
            lignes=[LigneSaisie(EUR("100000.00"), NatureFinancement.CPER, signataire_id=somme)],
            par=porteur,
        )
    assert "seule une décision de son comité" in refus.value.rangees["lignes"][0]["signataire"][0]
    # Not enough: the plan is still short, nothing written.
    with pytest.raises(RegleMetierError) as refus:
        plan_reequilibrer(
            projet=projet,
            lignes=[LigneSaisie(EUR("250000.00"), NatureFinancement.HORS_CPER, source=propres)],
            par=porteur,
        )
    message = refus.value.erreurs["lignes"][0].replace("\u202f", " ").replace("\xa0", " ")
    assert "il manque 50 000,00 €" in message
    # A cost raised, or an agent of a co-funder: refused.
    with pytest.raises(RegleMetierError) as refus:
        plan_reequilibrer(projet=projet, lignes=[], par=porteur, cout_total_ht=EUR("2000000.00"))
    assert "cout_total_ht" in refus.value.erreurs
    with pytest.raises(ActionNonAutorisee):
        plan_reequilibrer(
            projet=projet,
            lignes=[LigneSaisie(EUR("300000.00"), NatureFinancement.HORS_CPER, source=propres)],
            par=agent_instructeur("region"),
        )
    assert empreinte() == avant
    # A lower cost is a re-balance too: 900 000,00 € with the 200 000,00 € own funds kept.
    plan_reequilibrer(
        projet=projet,
        lignes=[LigneSaisie(EUR("200000.00"), NatureFinancement.HORS_CPER, source=propres)],
        par=porteur,
        cout_total_ht=EUR("900000.00"),
    )
    projet = Projet.objects.get(pk=projet.pk)
    assert projet.cout_total_ht == EUR("900000.00") and projet.montant_a_reequilibrer == 0
    with pytest.raises(EtatIncompatible):
        plan_reequilibrer(projet=projet, lignes=[], par=porteur)


# --- Through the pages: the session's agenda item, the minutes, the dossier page ---------------


def _texte(reponse) -> str:
    return reponse.content.decode().replace("\u202f", " ").replace("\xa0", " ")


def _url_arbitrer(scene, code):
    return reverse(
        "gouvernance:arbitrer", args=[scene.seance.pk, scene.point.pk, scene.ligne(code).pk]
    )


def test_page_un_cofinanceur_propose_sur_sa_ligne_et_pas_sur_celle_d_un_autre(client, scene):
    nord = agent_instructeur("nord")
    client.force_login(nord)
    page = client.get(reverse("gouvernance:point", args=[scene.seance.pk, scene.point.pk]))
    assert page.status_code == 200
    # The Nord's agent gets a form for its own line only.
    assert _url_arbitrer(scene, "nord") in page.content.decode()
    assert _url_arbitrer(scene, "etat") not in page.content.decode()

    prefixe = f"ligne-{scene.ligne('etat').pk}"
    refus = client.post(
        _url_arbitrer(scene, "etat"),
        {f"{prefixe}-issue": "refusee", f"{prefixe}-motif": "Pas nous."},
    )
    assert refus.status_code == 403
    assert "ne le cofinance pas" in _texte(refus) or "chaque cofinanceur" in _texte(refus)
    assert not ArbitrageLigne.objects.exists()
    assert not JournalGouvernance.objects.filter(action__startswith="arbitrage").exists()

    prefixe = f"ligne-{scene.ligne('nord').pk}"
    ok = client.post(
        _url_arbitrer(scene, "nord"),
        {f"{prefixe}-issue": "refusee", f"{prefixe}-motif": "Hors priorités."},
    )
    assert ok.status_code == 302
    arbitrage = ArbitrageLigne.objects.get()
    assert (arbitrage.ligne.signataire.code, arbitrage.issue, arbitrage.par) == (
        "nord",
        IssueLigne.REFUSEE,
        nord,
    )


def test_page_proposition_invalide_montre_l_erreur_au_champ(client, scene):
    client.force_login(agent_instructeur("etat"))
    prefixe = f"ligne-{scene.ligne('etat').pk}"
    reponse = client.post(
        _url_arbitrer(scene, "etat"),
        {
            f"{prefixe}-issue": "reduite",
            f"{prefixe}-montant": "350 000,00",
            f"{prefixe}-motif": "Crédits limités.",
        },
    )
    assert reponse.status_code == 400
    texte = _texte(reponse)
    # The French reason sits under the amount field, which is marked invalid.
    erreur = texte.index(f'id="id_{prefixe}-montant_error"')
    assert "inférieur au montant demandé (300 000,00 €)" in texte[erreur : erreur + 300]
    assert f'aria-describedby="id_{prefixe}-montant_helptext id_{prefixe}-montant_error"' in texte
    assert not ArbitrageLigne.objects.exists()


def test_proces_verbal_et_dossier_montrent_chaque_ligne(client, scene, porteur):
    arbitrage_enregistrer(
        point=scene.point,
        ligne=scene.ligne("etat"),
        issue=IssueLigne.REDUITE,
        montant=EUR("200000.00"),
        motif="Crédits 2025 limités.",
        par=agent_instructeur("etat"),
    )
    arbitrage_enregistrer(
        point=scene.point,
        ligne=scene.ligne("nord"),
        issue=IssueLigne.REFUSEE,
        motif="Hors des priorités départementales.",
        par=agent_instructeur("nord"),
    )
    scene.retenir()
    client.force_login(scene.secretaire)
    pv = _texte(client.get(reverse("gouvernance:proces_verbal", args=[scene.seance.pk])))
    for attendu in (
        "Décision du comité sur chaque ligne des cofinanceurs",
        "Réduite",
        "Refusée",
        "300 000,00 €",
        "200 000,00 €",
        "Hors des priorités départementales.",
    ):
        assert attendu in pv, attendu

    client.force_login(porteur)
    dossier = client.get(reverse("projets:detail", args=[scene.projet.reference]))
    texte = _texte(dossier)
    assert "Prochaine étape : rééquilibrer le plan de financement" in texte
    assert "il manque 200 000,00 €" in " ".join(strip_tags(texte).split())
    assert reverse("projets:reequilibrer", args=[scene.projet.reference]) in texte
    # The porteur's dashboard gives the same next step, with the link.
    tableau = _texte(client.get(reverse("tableau_de_bord")))
    assert "il manque 200 000,00 € pour couvrir le coût du projet" in tableau
    assert reverse("projets:reequilibrer", args=[scene.projet.reference]) in tableau


def test_page_reequilibrage_par_le_porteur(client, scene, porteur):
    arbitrage_enregistrer(
        point=scene.point,
        ligne=scene.ligne("nord"),
        issue=IssueLigne.REFUSEE,
        motif="Non.",
        par=agent_instructeur("nord"),
    )
    scene.retenir()
    url = reverse("projets:reequilibrer", args=[scene.projet.reference])

    # A co-funder's agent may not re-balance: 403, nothing written.
    client.force_login(agent_instructeur("region"))
    assert client.get(url).status_code == 403

    client.force_login(porteur)
    page = client.get(url)
    assert page.status_code == 200
    assert "il manque 100 000,00 €" in " ".join(strip_tags(_texte(page)).split())
    # Signatories are not offered as funders here.
    assert "sig:" not in page.content.decode()

    def saisie(montant):
        return {
            "lignes-TOTAL_FORMS": "1",
            "lignes-INITIAL_FORMS": "1",
            "lignes-MIN_NUM_FORMS": "0",
            "lignes-MAX_NUM_FORMS": "20",
            "lignes-0-financeur": "src:fonds_propres",
            "lignes-0-nature": "",
            "lignes-0-montant": montant,
        }

    court = client.post(url, saisie("250 000,00"))
    assert court.status_code == 400
    assert "il manque 50 000,00 €" in _texte(court)
    assert Projet.objects.get(pk=scene.projet.pk).montant_a_reequilibrer == EUR("100000.00")

    ok = client.post(url, saisie("300 000,00"))
    assert ok.status_code == 302
    projet = Projet.objects.get(pk=scene.projet.pk)
    assert projet.montant_a_reequilibrer == EUR("0.00")
    assert sum(lf.montant for lf in projet.lignes_financement.all()) == EUR("1000000.00")
    assert "Prochaine étape" not in _texte(
        client.get(reverse("projets:detail", args=[projet.reference]))
    )


# --- Through the API ---------------------------------------------------------------------------


def _api(utilisateur):
    client = APIClient()
    client.force_authenticate(utilisateur)
    return client


def test_api_propositions_decision_et_reequilibrage(scene, porteur):
    base = f"/api/v1/seances/{scene.seance.pk}/points/{scene.point.pk}/lignes"
    etat, nord = agent_instructeur("etat"), agent_instructeur("nord")

    lignes = _api(nord).get(f"{base}/").json()
    assert [(x["signataire"], x["montant_demande"], x["peut_proposer"]) for x in lignes] == [
        ("region", "400000.00", False),
        ("etat", "300000.00", False),
        ("nord", "100000.00", True),
    ]

    # Another signatory's line: 403, nothing written.
    refus = _api(nord).put(
        f"{base}/{scene.ligne('etat').pk}/", {"issue": "refusee", "motif": "Non."}, format="json"
    )
    assert refus.status_code == 403 and refus.json()["detail"]
    # A reduced amount above what was asked: 400 keyed by the field.
    trop = _api(etat).put(
        f"{base}/{scene.ligne('etat').pk}/",
        {"issue": "reduite", "montant": "300000.01", "motif": "Crédits."},
        format="json",
    )
    assert trop.status_code == 400 and "montant" in trop.json()
    assert not ArbitrageLigne.objects.exists()

    ok = _api(etat).put(
        f"{base}/{scene.ligne('etat').pk}/",
        {"issue": "reduite", "montant": "200000.00", "motif": "Crédits 2025 limités."},
        format="json",
    )
    assert ok.status_code == 200
    assert ok.json()["proposition"]["montant"] == "200000.00"
    assert ok.json()["proposition"]["par"] == etat.username
    _api(nord).put(
        f"{base}/{scene.ligne('nord').pk}/", {"issue": "refusee", "motif": "Non."}, format="json"
    )
    scene.retenir()

    decisions = _api(scene.secretaire).get(f"/api/v1/seances/{scene.seance.pk}/decisions/").json()
    (decision,) = decisions
    assert {x["signataire"]: (x["issue"], x["montant_retenu"]) for x in decision["lignes"]} == {
        "region": ("programmee", "400000.00"),
        "etat": ("reduite", "200000.00"),
        "nord": ("refusee", "0.00"),
    }
    # After the close, nobody proposes any more: 409.
    tard = _api(etat).put(
        f"{base}/{scene.ligne('etat').pk}/", {"issue": "refusee", "motif": "Non."}, format="json"
    )
    assert tard.status_code == 409

    reference = scene.projet.reference
    dossier = _api(porteur).get(f"/api/v1/projets/{reference}/").json()
    assert dossier["montant_a_reequilibrer"] == "200000.00"
    url = f"/api/v1/projets/{reference}/reequilibrer/"
    # The Région's agent may not re-balance; a signatory's line is refused; too little is a 400.
    assert (
        _api(agent_instructeur("region"))
        .post(url, {"lignes": [{"source": "fonds_propres", "montant": "400000.00"}]}, format="json")
        .status_code
        == 403
    )
    court = _api(porteur).post(
        url, {"lignes": [{"source": "fonds_propres", "montant": "300000.00"}]}, format="json"
    )
    assert court.status_code == 400 and "n'est pas équilibré" in court.json()["non_field_errors"][0]
    cper = _api(porteur).post(
        url,
        {"lignes": [{"source": "fonds_propres", "nature": "cper", "montant": "400000.00"}]},
        format="json",
    )
    assert cper.status_code == 400 and set(cper.json()["lignes"][0]) == {"nature"}
    assert Projet.objects.get(pk=scene.projet.pk).montant_a_reequilibrer == EUR("200000.00")
    fait = _api(porteur).post(
        url,
        {
            "lignes": [
                {"source": "fonds_propres", "montant": "300000.00"},
                {"source": "fonds_europeens", "montant": "100000.00"},
            ]
        },
        format="json",
    )
    assert fait.status_code == 200, fait.json()
    assert fait.json()["montant_a_reequilibrer"] == "0.00"
    again = _api(porteur).post(url, {"lignes": []}, format="json")
    assert again.status_code == 409


def test_le_porteur_recoit_la_decision_ligne_par_ligne_et_l_ecart(
    scene, porteur, django_capture_on_commit_callbacks
):
    from django.core import mail

    porteur.email = "porteur@univ-lille.fr"
    porteur.save(update_fields=["email"])
    arbitrage_enregistrer(
        point=scene.point,
        ligne=scene.ligne("nord"),
        issue=IssueLigne.REFUSEE,
        motif="Non.",
        par=agent_instructeur("nord"),
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        scene.retenir()
    (courriel,) = [m for m in mail.outbox if m.subject.startswith("Décision du")]
    assert porteur.email in courriel.to
    corps = courriel.body.replace("\u202f", " ").replace("\xa0", " ")
    assert "- Région Hauts-de-France : programmée au montant demandé, 400 000,00 € retenus" in corps
    assert "- Département du Nord : refusée, 0,00 € retenus sur 100 000,00 € demandés (Non.)" in (
        corps
    )
    assert "Il manque 100 000,00 € pour couvrir le coût du projet" in corps
    assert f"/projets/{scene.projet.reference}/reequilibrer/" in corps
