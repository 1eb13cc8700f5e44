"""The long lists written in Python (`suivi.rangees`) give the markup the template gave,
texts escaped the same way: checked against the template rows they replace."""

from datetime import date
from decimal import Decimal

from django.db.models import Prefetch
from django.template import Context, Template

from financement.models import LigneProgrammee
from projets.models import Projet
from suivi.mi_parcours import LigneMesure, revue_mi_parcours
from suivi.models import Echeance
from suivi.rangees import rangees_dormants, rangees_echeanciers, rangees_mesures
from suivi.selectors import echeances_des_lignes, lignes_avec_echeancier, rangees_de_la_page
from suivi.services import echeancier_definir

D = Decimal
LIGNES_MESURES = (
    '{% for m in revue.mesures %}<tr><td data-label="Mesure">{{ m.mesure }} {{ m.titr'
    'e|truncatechars:50 }}</td><td data-label="Signataire">{{ m.signataire }}</td><td'
    ' class="fr-cell--right montant" data-label="Maquette">{% if m.maquette is not No'
    'ne %}{{ m.maquette|euros }}{% else %}—{% endif %}</td><td class="fr-cell--right '
    'montant" data-label="Programmé">{{ m.programme|euros }}</td><td class="fr-cell--'
    'right montant" data-label="Engagé">{{ m.engage|euros }}</td><td class="fr-cell--'
    'right montant" data-label="Payé">{{ m.paye|euros }}</td><td class="fr-cell--righ'
    't" data-label="Engagé / programmé">{{ m.taux_engagement|pourcent }}</td><td clas'
    's="fr-cell--right" data-label="Payé / programmé">{{ m.taux_paiement|pourcent }}<'
    "/td></tr>{% endfor %}"
)
LIGNES_DORMANTS = (
    "{% for r in revue.dormants %}<li><a href=\"{% url 'financement:ligne' r.ligne.pk "
    '%}">{{ r.ligne.projet.reference }}</a> — {{ r.ligne.signataire.nom }} — <span cl'
    'ass="montant">{{ r.ligne.montant_programme|euros }}</span> : {{ r.motif }}</li>{'
    "% endfor %}"
)
LIGNES_ECHEANCIERS = (
    '{% for l in page.object_list %}<tr><th scope="row"><a href="{% url \'suivi:echean'
    "cier' l.pk %}\">{{ l.projet.reference }}</a> {{ l.projet.titre|truncatechars:60 }"
    '}</th><td data-label="Mesure">{{ l.noeud.code }}</td><td class="fr-cell--right m'
    'ontant" data-label="Programmé">{{ l.montant_programme|euros }}</td><td class="fr'
    '-cell--right montant" data-label="Engagé">{{ l.montant_engage|euros }}</td><td d'
    'ata-label="Échéancier (AE / CP)">{% for e in l.echeances.all %}{{ e.annee }} : <'
    'span class="montant">{{ e.montant_ae|euros }}</span> / <span class="montant">{{ '
    "e.montant_cp|euros }}</span>{% if not forloop.last %}<br>{% endif %}{% empty %}à"
    " établir{% endfor %}</td></tr>{% endfor %}"
)


def _gabarit(texte: str, **contexte) -> str:
    return Template("{% load cper %}" + texte).render(Context(contexte))


def test_les_rangees_des_mesures_sont_celles_du_gabarit():
    titre = "Réseau <b>d'eau</b> & assainissement des communes « rurales » du littoral"
    mesures = [
        LigneMesure("I.1", titre, "region", None, D("1000.00"), D("0.00"), D("0.00")),
        LigneMesure("I.1", titre, "etat", D("5000.5"), D("1234567.891"), D("12.5"), D("-3")),
        LigneMesure("II.2", "Court", "nord", D("0"), D("0.00"), D("0.00"), D("0.00")),
    ]
    attendu = _gabarit(LIGNES_MESURES, revue={"mesures": mesures})
    assert rangees_mesures(mesures) == attendu
    assert "&lt;b&gt;d&#x27;eau" in attendu


def test_les_dormants_et_les_echeanciers_sont_ceux_du_gabarit(
    projet_programme, ligne_region, agent
):
    projet_programme.titre = "Pôle d'échanges <multimodal> & gare routière de Villeneuve-d'Ascq"
    projet_programme.save()
    echeancier_definir(
        ligne=ligne_region,
        echeances={2026: (D("100000.00"), D("50000.00")), 2027: (D("300000.00"), D("0"))},
        par=agent,
    )
    revue = revue_mi_parcours(le=date(2026, 12, 3))
    assert revue.dormants
    assert _gabarit(LIGNES_DORMANTS, revue=revue) == rangees_dormants(revue.dormants)
    attendu = _gabarit(LIGNES_ECHEANCIERS, page={"object_list": _lignes(ligne_region)})
    lignes = rangees_de_la_page(lignes_avec_echeancier(signataire=ligne_region.signataire))
    assert rangees_echeanciers(lignes, echeances_des_lignes(lignes)) == attendu
    assert "<br>" in attendu and "&lt;multimodal&gt;" in attendu


def _lignes(ligne):
    """The lines as the page read them before (model instances, schedules prefetched)."""
    return list(
        LigneProgrammee.objects.filter(signataire=ligne.signataire, montant_programme__gt=0)
        .select_related("projet", "noeud")
        .prefetch_related(Prefetch("echeances", queryset=Echeance.objects.order_by("annee")))
        .order_by("projet__reference", "pk")
    )


TITRES = [
    "",
    "x" * 60,
    "x" * 61,
    "Réhabilitation du campus « Cité scientifique » & <laboratoires> 'partagés' et \"neufs\"",
    "e\u0301" * 61,
    "Cafe\u0301 " * 20,
]


def test_les_echeanciers_s_ecrivent_comme_le_gabarit_les_ecrivait(ligne_region, agent):
    """Every title (cut as truncatechars:60), a line without schedule, then with one."""
    for rang, titre in enumerate(TITRES):
        Projet.objects.filter(pk=ligne_region.projet_id).update(titre=titre)
        LigneProgrammee.objects.filter(pk=ligne_region.pk).update(montant_engage=D(rang) / 3)
        if rang == 3:
            echeancier_definir(
                ligne=ligne_region,
                echeances={2027: (D("1.10"), D("0")), 2026: (D("2.5"), D("2.5"))},
                par=agent,
            )
        attendu = _gabarit(LIGNES_ECHEANCIERS, page={"object_list": _lignes(ligne_region)})
        lignes = rangees_de_la_page(lignes_avec_echeancier(signataire=ligne_region.signataire))
        assert rangees_echeanciers(lignes, echeances_des_lignes(lignes)) == attendu
        assert attendu.count("<tr>") == 1
        assert ("à établir" in attendu) == (rang < 3)
    assert echeances_des_lignes([]) == {}
