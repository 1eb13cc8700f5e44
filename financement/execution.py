"""Execution by the porteur (issue 16): payment requests to each funder, instructed by that
funder's agents, paid through the ledger.

A porteur files, on a funder's programmed line, an advance, an instalment or the balance, with
its statement of expenses (invoices) and documents. An agent of that line's signatory (or the
secretariat) accepts it, fully or partly with the reason, asks the porteur for more, or refuses
it. An accepted request becomes payments on the funder's commitments through
`paiement_enregistrer` — the same limits, the same journal; an accepted balance closes the line
and releases what it did not use (`degager_ligne`), and the dossier is « soldé » through
`projet_solder` once every line is closed.

The rules, in one place (`plafond`), asked by the forms, the API and the pages:
- an advance: advances add up to at most `FINANCEMENT_AVANCE_TAUX_MAXIMUM` % of the funder's
  share (its line of the financing plan);
- an instalment: everything paid on the line, advances included, stays within
  `FINANCEMENT_ACOMPTES_TAUX_MAXIMUM` % of the share and within the pro-rata of the eligible
  expenses stated;
- the balance: only with the final statement of expenses; everything paid stays within the
  pro-rata of the eligible expenses, the share, and (at acceptance) the funder's commitments.
The pro-rata: a funder pays its share of what was really spent — share × eligible expenses ÷
eligible cost of the dossier, to the cent. The contract sets none of these figures: they are the
secretariat's settings, and the pages say so.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone

from comptes.models import Role, Utilisateur
from financement.models import (
    DEMANDES_OUVERTES,
    DemandePaiement,
    Engagement,
    EtapeDemande,
    EvenementDemande,
    LigneDepense,
    LigneProgrammee,
    Paiement,
    StatutDemande,
    TypePaiement,
)
from financement.permissions import peut_executer
from financement.services import degager_ligne, paiement_enregistrer, projet_solder
from projets.droits import ActionDossier
from projets.execution import verifier_action
from projets.models import Document, Projet, Statut
from projets.services import projet_transitionner
from projets.workflow import Action
from socle.exceptions import ActionNonAutorisee, EtatIncompatible, RegleMetierError
from socle.fichiers import FichierRefuse, nom_sur, verifier_fichier
from socle.francais import a
from socle.montants import arrondi_euro, format_euros
from socle.notifications import notifier

ZERO = Decimal("0.00")


# --- The rules ---------------------------------------------------------------------------------
def taux_avance() -> Decimal:
    """Advances add up to at most this percentage of the funder's share (secretariat's
    setting, 30 % by default)."""
    return Decimal(settings.FINANCEMENT_AVANCE_TAUX_MAXIMUM)


def taux_acomptes() -> Decimal:
    """Advances and instalments add up to at most this percentage of the funder's share until
    the balance (secretariat's setting, 80 % by default)."""
    return Decimal(settings.FINANCEMENT_ACOMPTES_TAUX_MAXIMUM)


def part_du_financeur(ligne: LigneProgrammee) -> Decimal:
    """The funder's share: its line of the financing plan, as programmed (a dégagement lowers
    the programmed amount, not the share)."""
    return ligne.ligne_plan.montant


def assiette_eligible(projet: Projet) -> Decimal:
    """The dossier's eligible cost, the base of every funder's rate: its eligible cost HT, or
    its financing plan's total when the cost is not given."""
    if projet.cout_total_ht:
        return projet.cout_total_ht
    total = projet.lignes_financement.aggregate(total=Sum("montant"))["total"]
    return total or ZERO


def prorata(ligne: LigneProgrammee, depenses_eligibles: Decimal) -> Decimal:
    """What the funder owes for these eligible expenses: its share × expenses ÷ eligible cost,
    rounded to the cent, never more than its share."""
    assiette = assiette_eligible(ligne.projet)
    part = part_du_financeur(ligne)
    if not assiette:
        return ZERO
    return min(part, arrondi_euro(part * depenses_eligibles / assiette))


def depenses_retenues(
    ligne: LigneProgrammee, demandes: "list[DemandePaiement] | None" = None
) -> Decimal:
    """Eligible expenses of the line's accepted requests; from `demandes` (the line's requests
    with their expenses, already read by a page) when given, else from the base."""
    if demandes is not None:
        return sum(
            (
                depense.montant_eligible
                for demande in demandes
                if demande.statut == StatutDemande.ACCEPTEE
                for depense in demande.depenses.all()
            ),
            ZERO,
        )
    total = LigneDepense.objects.filter(
        demande__ligne=ligne, demande__statut=StatutDemande.ACCEPTEE
    ).aggregate(total=Sum("montant_eligible"))["total"]
    return total or ZERO


def avances_versees(ligne: LigneProgrammee) -> Decimal:
    total = Paiement.objects.filter(engagement__ligne=ligne, type=TypePaiement.AVANCE).aggregate(
        total=Sum("montant")
    )["total"]
    return total or ZERO


def ligne_soldee(ligne: LigneProgrammee, demandes: "list[DemandePaiement] | None" = None) -> bool:
    """A funder's line is closed once its balance was accepted (`demandes`: as above)."""
    if demandes is not None:
        return any(
            d.type == TypePaiement.SOLDE and d.statut == StatutDemande.ACCEPTEE for d in demandes
        )
    return ligne.demandes_paiement.filter(
        type=TypePaiement.SOLDE, statut=StatutDemande.ACCEPTEE
    ).exists()


@dataclass(frozen=True)
class Plafond:
    """The most a request of this nature may ask (or be accepted for) now, and why."""

    montant: Decimal
    regle: str


def plafond(
    *,
    ligne: LigneProgrammee,
    type_: str,
    depenses_en_plus: Decimal = ZERO,
    a_l_acceptation=False,
    demandes: "list[DemandePaiement] | None" = None,
) -> Plafond:
    """The ceiling of a request on the line: the rule of its nature (advance, instalment,
    balance), minus what was already paid. `depenses_en_plus` are the eligible expenses of the
    request itself (not yet accepted). At acceptance, the funder's commitments cap it too.
    `demandes`: the line's requests with their expenses, when a page has read them already."""
    part = part_du_financeur(ligne)
    paye = ligne.montant_paye
    depenses = depenses_retenues(ligne, demandes) + depenses_en_plus
    du = prorata(ligne, depenses)
    if type_ == TypePaiement.AVANCE:
        maximum = arrondi_euro(part * taux_avance() / 100)
        versees = avances_versees(ligne)
        montant = maximum - versees
        regle = (
            f"les avances sont plafonnées à {taux_avance():g} % de la part du financeur, soit "
            f"{format_euros(maximum)} ; {format_euros(versees)} déjà versés"
        )
    elif type_ == TypePaiement.ACOMPTE:
        maximum = arrondi_euro(part * taux_acomptes() / 100)
        montant = min(maximum, du) - paye
        regle = (
            f"avance et acomptes cumulés sont plafonnés à {taux_acomptes():g} % de la part du "
            f"financeur ({format_euros(maximum)}) et à sa part des dépenses éligibles "
            f"({format_euros(du)}) ; {format_euros(paye)} déjà payés"
        )
    else:
        montant = du - paye
        regle = (
            f"le solde porte le total payé à la part du financeur des dépenses éligibles "
            f"({format_euros(du)}) ; {format_euros(paye)} déjà payés"
        )
    if a_l_acceptation:
        engage = ligne.montant_engage - paye
        if engage < montant:
            montant = engage
            regle += f" ; il reste {format_euros(engage)} à payer sur ses engagements"
    return Plafond(max(montant, ZERO), regle)


# --- Input -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class DepenseSaisie:
    """One invoice of a statement of expenses, as typed."""

    fournisseur: str
    date_facture: date
    montant_ht: Decimal
    montant_ttc: Decimal
    montant_eligible: Decimal
    reference: str = ""


def _erreurs_depenses(depenses: list[DepenseSaisie]) -> list[str]:
    erreurs = []
    for rang, d in enumerate(depenses, start=1):
        if not d.fournisseur.strip():
            erreurs.append(f"Facture {rang} : indiquez le fournisseur.")
        if d.montant_ht is None or d.montant_ht < 0:
            erreurs.append(f"Facture {rang} : le montant HT doit être positif.")
        elif d.montant_ttc is None or d.montant_ttc < d.montant_ht:
            erreurs.append(f"Facture {rang} : le montant TTC ne peut pas être inférieur au HT.")
        if d.montant_eligible is None or d.montant_eligible < 0:
            erreurs.append(f"Facture {rang} : le montant éligible doit être positif.")
        elif d.montant_ttc is not None and d.montant_eligible > d.montant_ttc:
            erreurs.append(f"Facture {rang} : le montant éligible dépasse le montant TTC.")
        if d.date_facture and d.date_facture > timezone.localdate():
            erreurs.append(f"Facture {rang} : la date de la facture est dans le futur.")
    return erreurs


def _eligible(depenses: list[DepenseSaisie]) -> Decimal:
    return sum((d.montant_eligible for d in depenses), ZERO)


def _documents(projet: Projet, fichiers: list[UploadedFile], par: Utilisateur) -> list[Document]:
    """Attach the request's documents to the dossier (the type read from the content, 20 Mo at
    most: `socle.fichiers`)."""
    documents = []
    for fichier in fichiers:
        try:
            type_mime = verifier_fichier(fichier)
        except FichierRefuse as erreur:
            raise RegleMetierError(erreurs={"documents": [str(erreur)]}) from erreur
        documents.append(
            Document.objects.create(
                projet=projet,
                fichier=fichier,
                nom=nom_sur(fichier.name or "", type_mime),
                type_mime=type_mime,
                taille=fichier.size or 0,
                depose_par=par,
            )
        )
    return documents


# --- E-mails -----------------------------------------------------------------------------------
def _adresses(**filtre: object) -> list[str]:
    return list(
        Utilisateur.objects.filter(is_active=True, **filtre)
        .exclude(email="")
        .values_list("email", flat=True)
    )


def _notifier(demande: DemandePaiement, *, aux_agents: bool, phrase: str, motif: str = "") -> None:
    """Tell the funder's agents (a request filed or completed) or the porteur (a decision)."""
    ligne = demande.ligne
    projet = ligne.projet
    if aux_agents:
        destinataires = _adresses(role=Role.AGENT, organisation_id=ligne.signataire.organisation_id)
    else:
        destinataires = (
            _adresses(role=Role.PORTEUR, organisation_id=projet.maitre_ouvrage_id)
            if projet.maitre_ouvrage_id
            else []
        )
    notifier(
        destinataires=destinataires,
        sujet=f"{phrase} : {projet.reference}",
        gabarit="financement/courriels/demande_paiement",
        contexte={
            "demande": demande,
            "projet": projet,
            "phrase": phrase,
            "motif": motif,
            "adresse": settings.PORTAIL_URL + reverse("financement:demande", args=[demande.pk]),
        },
    )


def _evenement(
    demande: DemandePaiement,
    etape: str,
    par: Utilisateur,
    montant: Decimal | None = None,
    commentaire: str = "",
) -> None:
    EvenementDemande.objects.create(
        demande=demande, etape=etape, montant=montant, commentaire=commentaire.strip(), par=par
    )


# --- The porteur's use-cases -------------------------------------------------------------------
def _ligne_verrouillee(ligne: LigneProgrammee) -> LigneProgrammee:
    return (
        LigneProgrammee.objects.select_for_update()
        .select_related("signataire", "projet", "ligne_plan")
        .get(pk=ligne.pk)
    )


def _verifier_montant(
    *,
    ligne: LigneProgrammee,
    type_: str,
    montant: Decimal,
    eligible: Decimal,
    champ: str,
    a_l_acceptation: bool = False,
) -> None:
    limite = plafond(
        ligne=ligne, type_=type_, depenses_en_plus=eligible, a_l_acceptation=a_l_acceptation
    )
    if montant > limite.montant:
        raise RegleMetierError(
            erreurs={
                champ: [
                    f"Le montant dépasse ce que permet la règle : au plus "
                    f"{format_euros(limite.montant)} ({limite.regle})."
                ]
            }
        )


def _verifier_demande(
    *,
    ligne: LigneProgrammee,
    type_: str,
    montant: Decimal,
    depenses: list[DepenseSaisie],
    etat_final: bool,
) -> None:
    erreurs: dict[str, list[str]] = {}
    if type_ not in TypePaiement.values:
        erreurs["type"] = ["Choisissez la nature de la demande : avance, acompte ou solde."]
    if montant is None or montant < 0 or (montant == 0 and type_ != TypePaiement.SOLDE):
        erreurs["montant_demande"] = ["Le montant demandé doit être supérieur à zéro."]
    if type_ == TypePaiement.SOLDE and not etat_final:
        erreurs["etat_final"] = [
            "Le solde se demande avec l'état récapitulatif final des dépenses : cochez la case "
            "et joignez toutes les factures."
        ]
    if type_ == TypePaiement.ACOMPTE and not depenses:
        erreurs["depenses"] = ["Un acompte se demande au vu d'un état des dépenses réalisées."]
    if type_ == TypePaiement.SOLDE and not depenses and not depenses_retenues(ligne):
        erreurs["depenses"] = ["Le solde se demande au vu de l'état des dépenses réalisées."]
    erreurs_depenses = _erreurs_depenses(depenses)
    if erreurs_depenses:
        erreurs["depenses"] = erreurs.get("depenses", []) + erreurs_depenses
    if erreurs:
        raise RegleMetierError(erreurs=erreurs)
    _verifier_montant(
        ligne=ligne,
        type_=type_,
        montant=montant,
        eligible=_eligible(depenses),
        champ="montant_demande",
    )


def _verifier_ligne_ouverte(ligne: LigneProgrammee) -> None:
    if ligne_soldee(ligne):
        raise EtatIncompatible(
            f"La ligne {ligne.signataire.de_nom} est soldée : elle ne reçoit plus de demande."
        )


@transaction.atomic
def demande_deposer(
    *,
    ligne: LigneProgrammee,
    par: Utilisateur,
    type_: str,
    montant: Decimal,
    depenses: list[DepenseSaisie],
    etat_final: bool = False,
    commentaire: str = "",
    fichiers: list[UploadedFile] | None = None,
) -> DemandePaiement:
    """The porteur of a programmed or running dossier (or the secretariat) asks one funder for
    an advance, an instalment or the balance, with its statement of expenses and documents.

    Refused with the rule and the ceiling (« au plus … ») when the amount goes beyond it, when
    the line is closed or already has a request waiting; nothing written then. The funder's
    agents are told by e-mail."""
    ligne = _ligne_verrouillee(ligne)
    verifier_action(par=par, projet=ligne.projet, action=ActionDossier.DEMANDER_PAIEMENT)
    _verifier_ligne_ouverte(ligne)
    if ligne.demandes_paiement.filter(statut__in=DEMANDES_OUVERTES).exists():
        raise EtatIncompatible(
            f"Une demande {a(ligne.signataire.nom)} attend déjà son instruction ou vos "
            "compléments : une seule demande à la fois par financeur."
        )
    _verifier_demande(
        ligne=ligne, type_=type_, montant=montant, depenses=depenses, etat_final=etat_final
    )
    try:
        with transaction.atomic():
            demande = DemandePaiement.objects.create(
                ligne=ligne,
                type=type_,
                montant_demande=montant,
                etat_final=etat_final or type_ == TypePaiement.SOLDE,
                commentaire=commentaire.strip(),
                deposee_par=par,
            )
    except IntegrityError as erreur:  # a request filed at the same moment
        raise EtatIncompatible(
            "Une autre demande vient d'être déposée sur cette ligne : rechargez la page."
        ) from erreur
    _ajouter_depenses(demande, depenses)
    demande.documents.add(*_documents(ligne.projet, fichiers or [], par))
    _evenement(demande, EtapeDemande.DEPOSEE, par, montant, commentaire)
    _notifier(
        demande,
        aux_agents=True,
        phrase=f"Demande de paiement ({demande.get_type_display().lower()}) déposée",
    )
    return demande


def _ajouter_depenses(demande: DemandePaiement, depenses: list[DepenseSaisie]) -> None:
    LigneDepense.objects.bulk_create(
        LigneDepense(
            demande=demande,
            fournisseur=d.fournisseur.strip(),
            date_facture=d.date_facture,
            reference=d.reference.strip(),
            montant_ht=d.montant_ht,
            montant_ttc=d.montant_ttc,
            montant_eligible=d.montant_eligible,
        )
        for d in depenses
    )


def _demande_verrouillee(demande: DemandePaiement) -> DemandePaiement:
    demande = DemandePaiement.objects.select_for_update().get(pk=demande.pk)
    demande.ligne = _ligne_verrouillee(demande.ligne)
    return demande


@transaction.atomic
def demande_completer(
    *,
    demande: DemandePaiement,
    par: Utilisateur,
    depenses: list[DepenseSaisie],
    montant: Decimal | None = None,
    commentaire: str = "",
    fichiers: list[UploadedFile] | None = None,
) -> DemandePaiement:
    """The porteur answers a request for more: adds invoices and documents, may change the
    amount asked; the request goes back to the funder's agents, with the same rules."""
    demande = _demande_verrouillee(demande)
    ligne = demande.ligne
    verifier_action(par=par, projet=ligne.projet, action=ActionDossier.DEMANDER_PAIEMENT)
    if demande.statut != StatutDemande.COMPLEMENTS:
        raise EtatIncompatible(
            f"La demande est « {demande.libelle_statut} » : seule une demande à compléter se "
            "complète."
        )
    montant = demande.montant_demande if montant is None else montant
    anciennes = [
        DepenseSaisie(
            d.fournisseur, d.date_facture, d.montant_ht, d.montant_ttc, d.montant_eligible
        )
        for d in demande.depenses.all()
    ]
    _verifier_demande(
        ligne=ligne,
        type_=demande.type,
        montant=montant,
        depenses=anciennes + depenses,
        etat_final=demande.etat_final,
    )
    _ajouter_depenses(demande, depenses)
    demande.documents.add(*_documents(ligne.projet, fichiers or [], par))
    demande.montant_demande = montant
    demande.statut = StatutDemande.DEPOSEE
    demande.save(update_fields=["montant_demande", "statut"])
    _evenement(demande, EtapeDemande.COMPLETEE, par, montant, commentaire)
    _notifier(demande, aux_agents=True, phrase="Demande de paiement complétée")
    return demande


# --- The funder's use-cases --------------------------------------------------------------------
def _verifier_instructeur(par: Utilisateur, demande: DemandePaiement) -> None:
    ligne = demande.ligne
    verifier_action(par=par, projet=ligne.projet, action=ActionDossier.INSTRUIRE_PAIEMENT)
    if not peut_executer(par, ligne.signataire):
        raise ActionNonAutorisee(
            f"Seuls les agents {ligne.signataire.de_nom} instruisent les demandes qui lui sont "
            "adressées (article 5 : chacun exécute dans le cadre de ses engagements)."
        )
    if demande.statut != StatutDemande.DEPOSEE:
        raise EtatIncompatible(
            f"La demande est « {demande.libelle_statut} » : elle n'attend pas d'instruction."
        )


def _motif_requis(motif: str, texte: str) -> None:
    if not motif.strip():
        raise RegleMetierError(erreurs={"motif": [texte]})


def _payer(
    demande: DemandePaiement, par: Utilisateur, montant: Decimal, le: date, reference: str
) -> list[Paiement]:
    """Pay the accepted amount on the funder's commitments of the line, oldest first, through
    the ledger's `paiement_enregistrer` (its limits, its journal). A payment follows its
    commitment: only the commitments dated on or before the payment's day are drawn on."""
    engagements = list(
        Engagement.objects.select_for_update()
        .filter(ligne=demande.ligne, date_acte__lte=le)
        .order_by("pk")
    )
    reste = sum((e.reste_a_payer for e in engagements), ZERO)
    if montant > reste:
        raise RegleMetierError(
            erreurs={
                "montant_accepte": [
                    f"Il reste {format_euros(reste)} à payer sur les engagements "
                    f"{demande.ligne.signataire.de_nom} datés au plus tard du {le:%d/%m/%Y} : "
                    "enregistrez d'abord l'engagement juridique qui couvre ce paiement."
                ]
            }
        )
    paiements, a_payer = [], montant
    for engagement in engagements:
        tranche = min(engagement.reste_a_payer, a_payer)
        if tranche <= 0:
            continue
        paiements.append(
            paiement_enregistrer(
                engagement=engagement,
                par=par,
                date_paiement=le,
                montant=tranche,
                type_=demande.type,
                reference=reference or f"Demande de paiement n° {demande.pk}",
            )
        )
        a_payer -= tranche
        if a_payer <= 0:
            break
    return paiements


def _cloturer(demande: DemandePaiement, par: Utilisateur) -> Projet:
    """An accepted balance closes the line: what it did not use is released; the dossier is
    « soldé » once every line is closed."""
    ligne = demande.ligne
    libere = degager_ligne(ligne=ligne, par=par, motif=f"Solde accepté ({ligne.signataire})")
    _evenement(
        demande,
        EtapeDemande.LIGNE_CLOTUREE,
        par,
        libere,
        f"Ligne soldée : {format_euros(libere)} rendus à l'enveloppe {ligne.signataire.de_nom}.",
    )
    projet = Projet.objects.get(pk=ligne.projet_id)
    ouvertes = [
        lp
        for lp in LigneProgrammee.objects.filter(projet=projet).order_by("pk")
        if not ligne_soldee(lp)
    ]
    if not ouvertes and projet.statut == Statut.EN_COURS:
        projet = projet_solder(
            projet=projet,
            par=par,
            commentaire="Soldé : chaque cofinanceur a payé son solde.",
        )
    return projet


@transaction.atomic
def demande_accepter(
    *,
    demande: DemandePaiement,
    par: Utilisateur,
    montant: Decimal,
    motif: str = "",
    date_paiement: date | None = None,
    reference: str = "",
) -> DemandePaiement:
    """An agent of the line's signatory (or the secretariat) accepts the request, fully or
    partly (then the reason is required). The accepted amount is paid on the funder's
    commitments through the ledger, within the rules; a first payment makes a programmed
    dossier « en cours »; an accepted balance closes the line and releases the remainder."""
    demande = _demande_verrouillee(demande)
    _verifier_instructeur(par, demande)
    if montant is None or montant < 0:
        raise RegleMetierError(erreurs={"montant_accepte": ["Le montant accepté est positif."]})
    if montant > demande.montant_demande:
        raise RegleMetierError(
            erreurs={
                "montant_accepte": [
                    f"Le montant accepté dépasse le montant demandé "
                    f"({format_euros(demande.montant_demande)})."
                ]
            }
        )
    if montant == 0 and demande.type != TypePaiement.SOLDE:
        raise RegleMetierError(
            erreurs={"montant_accepte": ["Pour ne rien payer, refusez la demande."]}
        )
    if montant < demande.montant_demande:
        _motif_requis(motif, "Une acceptation partielle se motive : indiquez la raison.")
    eligible = sum((d.montant_eligible for d in demande.depenses.all()), ZERO)
    _verifier_montant(
        ligne=demande.ligne,
        type_=demande.type,
        montant=montant,
        eligible=eligible,
        champ="montant_accepte",
        a_l_acceptation=True,
    )
    le = date_paiement or timezone.localdate()
    projet = Projet.objects.get(pk=demande.ligne.projet_id)
    if projet.statut == Statut.PROGRAMME:
        projet_transitionner(
            projet=projet,
            action=Action.DEMARRER,
            par=par,
            commentaire="Premier paiement accepté sur demande du porteur.",
        )
    paiements = _payer(demande, par, montant, le, reference) if montant > 0 else []
    demande.statut = StatutDemande.ACCEPTEE
    demande.montant_accepte = montant
    demande.motif = motif.strip()
    demande.instruite_par = par
    demande.instruite_le = timezone.now()
    demande.save(
        update_fields=["statut", "montant_accepte", "motif", "instruite_par", "instruite_le"]
    )
    demande.paiements.add(*paiements)
    _evenement(demande, EtapeDemande.ACCEPTEE, par, montant, motif)
    if demande.type == TypePaiement.SOLDE:
        _cloturer(demande, par)
    phrase = (
        "Demande de paiement acceptée en partie"
        if demande.acceptee_en_partie
        else "Demande de paiement acceptée"
    )
    _notifier(demande, aux_agents=False, phrase=phrase, motif=motif)
    return demande


@transaction.atomic
def demande_demander_complements(
    *, demande: DemandePaiement, par: Utilisateur, motif: str
) -> DemandePaiement:
    """The funder's agent asks the porteur for more (invoices, documents): the request goes
    back to the porteur, who completes it (`demande_completer`). The reason is required."""
    demande = _demande_verrouillee(demande)
    _verifier_instructeur(par, demande)
    _motif_requis(motif, "Indiquez au porteur ce qui manque à sa demande.")
    demande.statut = StatutDemande.COMPLEMENTS
    demande.motif = motif.strip()
    demande.save(update_fields=["statut", "motif"])
    _evenement(demande, EtapeDemande.COMPLEMENTS, par, None, motif)
    _notifier(
        demande,
        aux_agents=False,
        phrase="Compléments demandés sur votre demande de paiement",
        motif=motif,
    )
    return demande


@transaction.atomic
def demande_refuser(*, demande: DemandePaiement, par: Utilisateur, motif: str) -> DemandePaiement:
    """The funder's agent refuses the request (the reason is required); nothing is paid."""
    demande = _demande_verrouillee(demande)
    _verifier_instructeur(par, demande)
    _motif_requis(motif, "Un refus se motive : indiquez la raison.")
    demande.statut = StatutDemande.REFUSEE
    demande.motif = motif.strip()
    demande.instruite_par = par
    demande.instruite_le = timezone.now()
    demande.save(update_fields=["statut", "motif", "instruite_par", "instruite_le"])
    _evenement(demande, EtapeDemande.REFUSEE, par, None, motif)
    _notifier(demande, aux_agents=False, phrase="Demande de paiement refusée", motif=motif)
    return demande


class Decision:
    ACCEPTER = "accepter"
    COMPLETER = "completer"
    REFUSER = "refuser"
    CHOIX = (
        (ACCEPTER, "Accepter (en tout ou en partie)"),
        (COMPLETER, "Demander des compléments au porteur"),
        (REFUSER, "Refuser"),
    )


def demande_instruire(
    *,
    demande: DemandePaiement,
    par: Utilisateur,
    decision: str,
    montant: Decimal | None = None,
    motif: str = "",
    reference: str = "",
) -> DemandePaiement:
    """The funder's decision on a request, as the page and the API take it."""
    if decision == Decision.ACCEPTER:
        if montant is None:
            raise RegleMetierError(erreurs={"montant_accepte": ["Indiquez le montant accepté."]})
        return demande_accepter(
            demande=demande, par=par, montant=montant, motif=motif, reference=reference
        )
    if decision == Decision.COMPLETER:
        return demande_demander_complements(demande=demande, par=par, motif=motif)
    if decision == Decision.REFUSER:
        return demande_refuser(demande=demande, par=par, motif=motif)
    raise RegleMetierError(erreurs={"decision": ["Décision inconnue."]})
