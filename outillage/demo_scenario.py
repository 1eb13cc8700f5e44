"""A demonstration scenario, clearly fictitious: dossiers in every state with their financing
plans, sessions with votes and decisions, commitments and payments. Everything goes through
the services, so the scenario obeys the same rules as real use.

Every dossier of the scenario is titled « [Démo] … » and its maître d'ouvrage is a fictitious
organisation; nothing of it is taken from the contract.
"""

from datetime import date, timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from axes.models import Departement, Noeud, Signataire
from comptes.models import Organisation, TypeOrganisation, Utilisateur
from financement.models import LigneProgrammee
from financement.services import (
    credits_ouvrir,
    date_de_programmation,
    engagement_enregistrer,
    paiement_enregistrer,
    projet_faire_avancer,
)
from gouvernance.models import Comite, Critere, Membre, RoleMembre
from gouvernance.selectors import etat_instruction
from gouvernance.services import (
    NoteSaisie,
    evaluation_deposer,
    presence_enregistrer,
    seance_clore,
    seance_creer,
    seance_inscrire_projet,
    seance_ouvrir,
    vote_enregistrer,
)
from projets.models import NatureFinancement, Projet, SourceFinancement
from projets.pieces import pieces_manquantes
from projets.services import (
    DonneesProjet,
    LigneSaisie,
    PhaseSaisie,
    document_deposer,
    projet_creer,
)

MARQUE = "[Démo]"
# A one-page PDF standing for each piece the measure asks at filing.
PDF_DEMO = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n%%EOF\n"


def _joindre_pieces_requises(projet: Projet, par: Utilisateur) -> None:
    """Before filing, the pieces the secretariat's list asks, as fictitious PDFs."""
    for type_piece in pieces_manquantes(projet):
        document_deposer(
            projet=projet,
            fichier=SimpleUploadedFile(f"{type_piece}-demo.pdf", PDF_DEMO),
            type_piece=type_piece,
            par=par,
        )


def deja_charge() -> bool:
    return Projet.objects.filter(titre__startswith=MARQUE).exists()


def _donnees(titre, mesure, departement, cout, region, etat, **autres) -> DonneesProjet:
    s = {x.code: x for x in Signataire.objects.all()}
    cout = Decimal(cout) if cout else None
    lignes = autres.pop("lignes", None)
    if lignes is None:
        lignes = [
            LigneSaisie(Decimal(region), NatureFinancement.CPER, signataire_id=s["region"].pk),
            LigneSaisie(Decimal(etat), NatureFinancement.CPER, signataire_id=s["etat"].pk),
            LigneSaisie(
                cout - Decimal(region) - Decimal(etat),
                NatureFinancement.HORS_CPER,
                source=SourceFinancement.FONDS_PROPRES,
            ),
        ]
    return DonneesProjet(
        titre=f"{MARQUE} {titre}",
        description="Dossier fictif du scénario de démonstration.",
        mesure=Noeud.objects.get(code=mesure),
        departements=[Departement.objects.get(code_insee=departement)],
        date_debut=date(2026, 1, 1),
        date_fin=date(2027, 12, 31),
        cout_total_ht=cout,
        decarbonation="favorable",
        decarbonation_justification="Réduction des consommations d'énergie.",
        impact_environnemental="neutre",
        impact_environnemental_justification="Site déjà artificialisé.",
        egalite_femmes_hommes="favorable",
        egalite_femmes_hommes_justification="Équipement ouvert à toutes et à tous.",
        lignes=lignes,
        phases=[PhaseSaisie("etudes", 2026, 2026), PhaseSaisie("travaux", 2026, 2027)],
        **autres,
    )


@transaction.atomic
def charger_scenario() -> dict[str, int]:
    comptes = {u.username: u for u in Utilisateur.objects.all()}
    admin, porteur = comptes["admin"], comptes["porteur"]
    agent_region, agent_etat = comptes["agent.region"], comptes["agent.etat"]
    commune = Organisation.objects.get_or_create(
        nom="Commune fictive de Val-des-Démos", defaults={"type": TypeOrganisation.COMMUNE}
    )[0]

    def nouveau(
        titre,
        mesure="IV.2.1.a",
        departement="59",
        cout="1000000.00",
        region="400000.00",
        etat="350000.00",
        par=porteur,
        **autres,
    ):
        if par != porteur:
            autres.setdefault("maitre_ouvrage", commune)
        return projet_creer(
            donnees=_donnees(titre, mesure, departement, cout, region, etat, **autres), par=par
        )

    def action(projet, nom, par=agent_region, commentaire=""):
        # Closing and abandoning release money: the ledger's use-cases take those steps.
        if nom == "deposer":
            _joindre_pieces_requises(projet, par)
        return projet_faire_avancer(projet=projet, action=nom, par=par, commentaire=commentaire)

    notes = [
        NoteSaisie(c.code, 3, "Conforme.") for c in Critere.objects.filter(grille__active=True)
    ]

    def instruit(projet):
        action(
            projet,
            "deposer",
            par=porteur if projet.maitre_ouvrage == porteur.organisation else agent_region,
        )
        action(projet, "instruire")
        # Each co-funder files its own grid, by its demo agent (or the secretariat for it).
        for cofinanceur in etat_instruction(projet=projet).cofinanceurs:
            agent = comptes.get(f"agent.{cofinanceur.signataire.code}")
            evaluation_deposer(
                projet=projet,
                par=agent or admin,
                notes=notes,
                avis="favorable",
                commentaire=f"Avis {cofinanceur.signataire.de_nom} sur sa ligne.",
                signataire=None if agent else cofinanceur.signataire,
            )
        projet.refresh_from_db()
        return projet

    nouveau("Salle d'étude numérique (brouillon)")
    nouveau("Bibliothèque de campus (brouillon)", cout="", lignes=[])
    action(nouveau("Rénovation énergétique d'une halle (déposé)"), "deposer", par=porteur)
    incomplet = nouveau("Plateau sportif universitaire (incomplet)")
    action(incomplet, "deposer", par=porteur)
    action(incomplet, "declarer_incomplet", commentaire="Joindre l'avant-projet sommaire.")
    enquete = nouveau("Maison des étudiants (en instruction)")
    action(enquete, "deposer", par=porteur)
    action(enquete, "instruire")
    # The Région has filed its grid; the État's is still missing, so it stays in instruction.
    evaluation_deposer(projet=enquete, par=agent_region, notes=notes, avis="reserve")
    instruit(nouveau("Learning center (instruit)", departement="62", communes=[("62041", "Arras")]))

    # A committee: the demo member and two agents vote, the administrator runs the sessions.
    comite = Comite.objects.get(code="programmation")
    organisations = {s.code: s.organisation for s in Signataire.objects.all()}
    membres = []
    for utilisateur, role, code in (
        (comptes["membre"], RoleMembre.CO_PRESIDENT, "region"),
        (agent_etat, RoleMembre.CO_PRESIDENT, "etat"),
        (comptes["agent.nord"], RoleMembre.VOTANT, "nord"),
    ):
        membre, _ = Membre.objects.get_or_create(
            comite=comite,
            utilisateur=utilisateur,
            defaults={"organisation": organisations[code], "role": role, "debut": date(2023, 1, 9)},
        )
        membres.append(membre)

    def seance_avec(projets, jours):
        seance = seance_creer(
            comite=comite,
            date=timezone.now() + timedelta(days=jours),
            lieu="Préfecture de région, Lille (séance fictive)",
            par=admin,
        )
        points = [seance_inscrire_projet(seance=seance, projet=p, par=admin) for p in projets]
        for membre in membres:
            presence_enregistrer(seance=seance, membre=membre, statut="present", par=admin)
        seance_ouvrir(seance=seance, par=admin)
        return seance, points

    retenu = instruit(
        nouveau(
            "Centre de formation d'ingénieurs (retenu, programmé)",
            cout="2000000.00",
            region="800000.00",
            etat="700000.00",
            # On three communes: the territory pages split its amounts between them.
            communes=[
                ("59009", "Villeneuve-d'Ascq"),
                ("59350", "Lille"),
                ("59512", "Roubaix"),
            ],
        )
    )
    rejete = instruit(nouveau("Parking silo (rejeté)", mesure="V.2.2", departement="80"))
    ajourne = instruit(
        nouveau(
            "Passerelle piétonne (ajourné)",
            mesure="V.2.1",
            departement="60",
            par=agent_region,
            communes=[("60057", "Beauvais")],
        )
    )
    solde = instruit(
        nouveau(
            "Éclairage du campus (soldé)", cout="300000.00", region="120000.00", etat="120000.00"
        )
    )
    abandonne = instruit(
        nouveau(
            "Amphithéâtre modulaire (abandonné)", departement="02", communes=[("02408", "Laon")]
        )
    )
    seance, points = seance_avec([retenu, rejete, ajourne, solde, abandonne], 1)
    choix = {retenu.pk: "pour", rejete.pk: "contre", solde.pk: "pour", abandonne.pk: "pour"}
    for point in points:
        if point.projet_id in choix:
            for membre in membres:
                vote_enregistrer(point=point, choix=choix[point.projet_id], par=membre.utilisateur)
    seance_clore(seance=seance, par=admin)

    ouverte_projet = instruit(
        nouveau(
            "Maison de santé pluriprofessionnelle (à l'ordre du jour)",
            mesure="II.3.2",
            departement="80",
            par=agent_region,
            communes=[("80021", "Amiens")],
        )
    )
    _, points = seance_avec([ouverte_projet], 8)
    vote_enregistrer(point=points[0], choix="pour", par=membres[0].utilisateur)

    # Execution: commitments and payments by the Région and the État on their own lines.
    credits_ouvrir(
        signataire=Signataire.objects.get(code="region"),
        annee=2026,
        montant=Decimal("50000000.00"),
        par=agent_region,
    )
    for projet in (retenu, solde):
        projet.refresh_from_db()
        action(projet, "demarrer")
        for agent, code in ((agent_region, "region"), (agent_etat, "etat")):
            ligne = LigneProgrammee.objects.get(projet=projet, signataire__code=code)
            # A commitment follows the programming, done by the session closed above.
            acte = max(date(2026, 3, 2), date_de_programmation(ligne) or date(2026, 3, 2))
            engagement = engagement_enregistrer(
                ligne=ligne,
                par=agent,
                date_acte=acte,
                type_acte="convention",
                reference=f"DEMO-{projet.reference}-{code}",
                montant=ligne.montant_programme,
                annee_budgetaire=2026,
            )
            paye = (
                ligne.montant_programme
                if projet == solde
                else (ligne.montant_programme * Decimal("0.3")).quantize(Decimal("0.01"))
            )
            paiement_enregistrer(
                engagement=engagement,
                par=agent,
                date_paiement=max(date(2026, 6, 15), acte),
                montant=paye,
                type_="solde" if projet == solde else "avance",
                reference=f"MANDAT-{engagement.pk}",
            )
    action(solde, "solder")
    abandonne.refresh_from_db()
    action(abandonne, "abandonner", commentaire="Le maître d'ouvrage renonce (scénario fictif).")
    return {"dossiers": Projet.objects.filter(titre__startswith=MARQUE).count()}
