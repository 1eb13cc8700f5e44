"""Write use-cases of the ledger. Each runs in one transaction, locks the rows it draws on,
says which limit refuses and how much is still available, and writes its journal row.

The database is the last word: triggers keep the running totals and CHECK constraints refuse
any excess (see `financement.models`); the checks here exist to give a clear message.

The steps of a dossier's lifecycle that move money are use-cases of the ledger
(`projet_programmer`, `projet_solder`, `projet_abandonner`): each takes the dossier's transition
and the ledger's work in the same transaction. No signal receiver moves money.
"""

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, Sum
from django.utils import timezone

from axes.models import Niveau, Noeud, Signataire
from axes.periode import verifier_date_du_contrat
from comptes.models import Utilisateur, valider_siret
from financement.models import (
    STATUTS_EXECUTABLES,
    ApprobationAvenant,
    Avenant,
    CreditsOuverts,
    Engagement,
    Enveloppe,
    GenreModificationOperation,
    JournalFinancier,
    LigneProgrammee,
    MaquetteLigne,
    ModificationEnveloppe,
    ModificationOperation,
    Paiement,
    StatutAvenant,
    TypeMouvement,
    VersionEnveloppe,
)
from financement.permissions import peut_approuver_pour, peut_executer, peut_preparer_avenant
from financement.regles import verifier_annee_budgetaire
from projets.droits import est_operation_du_contrat
from projets.models import (
    LignePlanFinancement,
    NatureFinancement,
    Projet,
    Statut,
    TransitionProjet,
)
from projets.services import operation_recadrer, projet_transitionner
from projets.workflow import Action, MandatAvenant, MandatComite, MandatReprise
from socle.exceptions import ActionNonAutorisee, EtatIncompatible, RegleMetierError
from socle.montants import format_euros
from socle.transactions import atomique


class EnveloppeInsuffisante(RegleMetierError):
    """A limit of the ledger refuses the amount; the message says which and what is left."""


def _journal(
    type_: str,
    *,
    par: Utilisateur,
    montant: Decimal,
    signataire: Signataire | None = None,
    projet: Projet | None = None,
    **details: object,
) -> None:
    JournalFinancier.objects.create(
        type=type_,
        signataire=signataire,
        projet=projet,
        montant=montant,
        par=par,
        details={cle: str(valeur) for cle, valeur in details.items()},
    )


def _noeuds_couvrants(noeud: Noeud) -> Q:
    """The node and its ancestors (codes nest: I.3 covers I.3.2.a)."""
    return Noeud.q_couvrant(noeud, prefixe="noeud")


# --- Programmation ---------------------------------------------------------------------------
def _signataire_de(ligne: LignePlanFinancement) -> Signataire:
    if ligne.signataire is None:  # projets' rule: a CPER line always names its signatory
        raise RegleMetierError(
            erreurs={
                "lignes": ["Une ligne CPER du plan de financement ne nomme pas son signataire."]
            }
        )
    return ligne.signataire


def _demandes(lignes: list[LignePlanFinancement]) -> dict[int, Decimal]:
    """What the dossier asks of each signatory, all its CPER lines added up."""
    demandes: dict[int, Decimal] = {}
    for ligne in lignes:
        signataire = _signataire_de(ligne)
        demandes[signataire.pk] = demandes.get(signataire.pk, Decimal(0)) + ligne.montant
    return demandes


def _refus_des_enveloppes(demandes: dict[int, Decimal]) -> list[str]:
    """Lock the envelopes asked for, in a fixed order (two programmings never wait on each
    other), and say which cannot take the amount."""
    enveloppes = {
        e.signataire_id: e
        for e in Enveloppe.objects.select_for_update()
        .filter(signataire_id__in=demandes)
        .select_related("signataire")
        .order_by("pk")
    }
    erreurs = []
    for signataire_id, montant in demandes.items():
        enveloppe = enveloppes[signataire_id]
        if montant > enveloppe.disponible:
            erreurs.append(
                f"L’enveloppe {enveloppe.signataire.de_nom} ne peut pas prendre "
                f"{format_euros(montant)} : il reste {format_euros(enveloppe.disponible)} "
                f"disponibles sur {format_euros(enveloppe.montant)}."
            )
    return erreurs


def _refus_de_la_maquette(projet: Projet, demandes: dict[int, Decimal]) -> list[str]:
    """Lock the maquette lines covering the dossier's measure, and say which are too small."""
    maquette = (
        MaquetteLigne.objects.select_for_update()
        .filter(_noeuds_couvrants(projet.mesure), signataire_id__in=demandes)
        .select_related("signataire", "noeud")
        .order_by("pk")
    )
    erreurs = []
    for ligne_maquette in maquette:
        montant = demandes[ligne_maquette.signataire_id]
        reste = ligne_maquette.montant - ligne_maquette.montant_programme
        if montant > reste:
            erreurs.append(
                f"La maquette {ligne_maquette.signataire.de_nom} sur {ligne_maquette.noeud.code} "
                f"ne peut pas prendre {format_euros(montant)} : il reste {format_euros(reste)} sur "
                f"{format_euros(ligne_maquette.montant)}."
            )
    return erreurs


def _creer_lignes_programmees(
    projet: Projet, lignes: list[LignePlanFinancement], par: Utilisateur
) -> list[LigneProgrammee]:
    creees = []
    try:
        with transaction.atomic():
            for ligne in lignes:
                creees.append(
                    LigneProgrammee.objects.create(
                        ligne_plan=ligne,
                        projet=projet,
                        signataire=_signataire_de(ligne),
                        noeud=projet.mesure,
                        montant_programme=ligne.montant,
                        par=par,
                    )
                )
    except IntegrityError as erreur:
        raise EnveloppeInsuffisante(
            erreurs={"lignes": ["Une limite du registre refuse cette programmation."]}
        ) from erreur
    return creees


def _programmer_lignes(*, projet: Projet, par: Utilisateur) -> list[LigneProgrammee]:
    """Programme every CPER line of a dossier against its signatory's envelope (and the
    maquette lines covering its measure, where the maquette is split). All lines or none.

    A step of `projet_programmer`, inside its transaction."""
    lignes = list(
        projet.lignes_financement.filter(nature=NatureFinancement.CPER)
        .select_related("signataire")
        .order_by("signataire_id", "pk")
    )
    if not lignes:
        return []
    demandes = _demandes(lignes)
    erreurs = _refus_des_enveloppes(demandes) + _refus_de_la_maquette(projet, demandes)
    if erreurs:
        raise EnveloppeInsuffisante(erreurs={"lignes": erreurs})
    creees = _creer_lignes_programmees(projet, lignes, par)
    for ligne_programmee in creees:
        _journal(
            TypeMouvement.PROGRAMMATION,
            par=par,
            montant=ligne_programmee.montant_programme,
            signataire=ligne_programmee.signataire,
            projet=projet,
            ligne=ligne_programmee.pk,
        )
    return creees


def degager_ligne(*, ligne: LigneProgrammee, par: Utilisateur, motif: str) -> Decimal:
    """Release what one programmed line did not use: its unpaid commitments are reduced to what
    was paid, its programmed amount to what was committed. Returns the amount released, journaled
    as a dégagement. Locks the line and its commitments; a step of a closing use-case (a dossier
    closed or abandoned, a funder's balance accepted: `financement.execution`), inside its
    transaction."""
    ligne = (
        LigneProgrammee.objects.select_for_update()
        .select_related("signataire", "projet")
        .get(pk=ligne.pk)
    )
    for engagement in Engagement.objects.select_for_update().filter(ligne=ligne).order_by("pk"):
        reste = engagement.montant - engagement.montant_paye
        if reste > 0:
            engagement.montant -= reste
            engagement.montant_degage += reste
            engagement.save(update_fields=["montant", "montant_degage"])
    ligne.refresh_from_db()
    reste = ligne.montant_programme - ligne.montant_engage
    liberes = ligne.montant_programme - ligne.montant_paye
    if reste > 0:
        ligne.montant_programme -= reste
    ligne.montant_degage += liberes
    ligne.save(update_fields=["montant_programme", "montant_degage"])
    if liberes > 0:
        _journal(
            TypeMouvement.DEGAGEMENT,
            par=par,
            montant=liberes,
            signataire=ligne.signataire,
            projet=ligne.projet,
            motif=motif,
        )
    return liberes


def _degager(*, projet: Projet, par: Utilisateur, motif: str) -> Decimal:
    """Release what a closed or abandoned dossier did not use, line by line (`degager_ligne`).
    Returns the amount released.

    A step of `projet_solder` and `projet_abandonner`, inside their transaction."""
    total = Decimal("0.00")
    for ligne in LigneProgrammee.objects.select_for_update().filter(projet=projet).order_by("pk"):
        total += degager_ligne(ligne=ligne, par=par, motif=motif)
    return total


@transaction.atomic
def projet_programmer(
    *,
    projet: Projet,
    par: Utilisateur,
    mandat: MandatComite | None = None,
    commentaire: str = "",
) -> Projet:
    """Programme a dossier: it becomes « programmé » and each of its CPER lines is taken on
    its signatory's envelope (and maquette), in one transaction — all or nothing.

    A retained dossier is programmed on the committee's `mandat` (its decision), whoever closes
    the session; a listed operation of the contract, by an instructor once its plan is complete.
    Refused, with the envelope (or maquette line) that cannot take the amount and what is left
    on it (« L'enveloppe de … ne peut pas prendre … »): then nothing is written.
    """
    projet = projet_transitionner(
        projet=projet,
        action=Action.PROGRAMMER,
        par=par,
        commentaire=commentaire
        or ("Programmé sur décision du comité." if mandat is not None else ""),
        mandat=mandat,
        par_le_registre=True,
    )
    _programmer_lignes(projet=projet, par=par)
    return projet


@transaction.atomic
def projet_reprendre(
    *, projet: Projet, par: Utilisateur, mandat: MandatReprise, commentaire: str = ""
) -> Projet:
    """Record a dossier the partners programmed before the portal (« reprise de l'existant »):
    it becomes « programmé » on the import's mandate and each of its CPER lines is taken on
    its signatory's envelope (and maquette), with the same limits as `projet_programmer` — all
    or nothing. Only the secretariat's import holds such a mandate (`reprise`)."""
    numero = mandat.import_id if isinstance(mandat, MandatReprise) else "?"
    projet = projet_transitionner(
        projet=projet,
        action=Action.REPRENDRE,
        par=par,
        commentaire=commentaire
        or f"Reprise de l'existant (import n° {numero}) : programmé hors du portail.",
        mandat=mandat,
        par_le_registre=True,
    )
    _programmer_lignes(projet=projet, par=par)
    return projet


@transaction.atomic
def projet_solder(*, projet: Projet, par: Utilisateur, commentaire: str = "") -> Projet:
    """Close a dossier under way (« soldé ») and release, in the same transaction, what it did
    not use: unpaid commitments and uncommitted programmed amounts go back to the envelopes."""
    projet = projet_transitionner(
        projet=projet, action=Action.SOLDER, par=par, commentaire=commentaire, par_le_registre=True
    )
    _degager(projet=projet, par=par, motif=projet.get_statut_display())
    return projet


@transaction.atomic
def projet_abandonner(
    *, projet: Projet, par: Utilisateur, commentaire: str, mandat: MandatAvenant | None = None
) -> Projet:
    """Abandon a dossier (the reason is required). If it was « programmé » or « en cours », what
    it did not use goes back to the envelopes in the same transaction. A listed operation is
    abandoned only on the mandate of the avenant in force that decided it."""
    depuis = Projet.objects.select_for_update().values_list("statut", flat=True).get(pk=projet.pk)
    projet = projet_transitionner(
        projet=projet,
        action=Action.ABANDONNER,
        par=par,
        commentaire=commentaire,
        mandat=mandat,
        par_le_registre=True,
    )
    if depuis in STATUTS_EXECUTABLES:
        _degager(projet=projet, par=par, motif=projet.get_statut_display())
    return projet


def projet_faire_avancer(
    *, projet: Projet, action: str, par: Utilisateur, commentaire: str = ""
) -> Projet:
    """A step of the dossier's lifecycle taken by hand (the dossier's page, the API, the demo):
    the ledger's use-case for the steps that move money, the dossier's transition otherwise."""
    if action == Action.PROGRAMMER:
        return projet_programmer(projet=projet, par=par, commentaire=commentaire)
    if action == Action.SOLDER:
        return projet_solder(projet=projet, par=par, commentaire=commentaire)
    if action == Action.ABANDONNER:
        return projet_abandonner(projet=projet, par=par, commentaire=commentaire)
    if action == Action.REPRENDRE:
        # Taken only by the import of the existing programming, on its mandate (`reprise`).
        raise ActionNonAutorisee(
            "Seule la reprise de l'existant, importée par le secrétariat du CPER, enregistre un "
            "dossier déjà programmé hors du portail."
        )
    return projet_transitionner(projet=projet, action=action, par=par, commentaire=commentaire)


# --- Engagements et paiements ---------------------------------------------------------------
def _verifier_executant(par: Utilisateur, signataire: Signataire) -> None:
    if not peut_executer(par, signataire):
        raise ActionNonAutorisee(
            f"Seuls les agents {signataire.de_nom} enregistrent ses engagements et ses paiements "
            "(article 5 : chacun exécute dans le cadre de ses engagements)."
        )


def date_de_programmation(ligne: LigneProgrammee) -> date | None:
    """The day a line was programmed in the portal, the earliest date a commitment on it may
    bear; None for a dossier taken over by the import of the existing programming: its
    partners programmed it outside the portal, on a day the portal does not hold, and its
    historical commitments predate the import (only the contract's period bounds them)."""
    repris = TransitionProjet.objects.filter(
        projet_id=ligne.projet_id, action=Action.REPRENDRE
    ).exists()
    return None if repris else timezone.localdate(ligne.programme_le)


def _verifier_apres_la_programmation(ligne: LigneProgrammee, date_acte: date) -> None:
    """A commitment follows the programming of its line (the committee's decision closed in
    the portal, or an operation of the contract programmed by its instructor)."""
    programmee_le = date_de_programmation(ligne)
    if programmee_le is not None and date_acte < programmee_le:
        raise RegleMetierError(
            erreurs={
                "date_acte": [
                    "Un engagement suit la programmation : la date de l'acte ne peut pas "
                    f"précéder celle de la programmation de la ligne ({programmee_le:%d/%m/%Y})."
                ]
            }
        )


@atomique
def engagement_enregistrer(
    *,
    ligne: LigneProgrammee,
    par: Utilisateur,
    date_acte: date,
    type_acte: str,
    reference: str,
    montant: Decimal,
    annee_budgetaire: int,
) -> Engagement:
    """Record a legal commitment on a programmed line, within the line and, where the year has
    opened credits, within them; dated within the contract's period and not before the line's
    programming (`date_de_programmation`)."""
    ligne = (
        LigneProgrammee.objects.select_for_update()
        .select_related("signataire", "projet")
        .get(pk=ligne.pk)
    )
    _verifier_executant(par, ligne.signataire)
    verifier_annee_budgetaire(annee_budgetaire, champ="annee_budgetaire")
    verifier_date_du_contrat(date_acte, champ="date_acte")
    _verifier_apres_la_programmation(ligne, date_acte)
    if ligne.projet.statut not in STATUTS_EXECUTABLES:
        raise EtatIncompatible(
            f"Le projet est « {ligne.projet.get_statut_display()} » : "
            "il ne reçoit plus d'engagement."
        )
    if montant is None or montant <= 0:
        raise RegleMetierError(erreurs={"montant": ["Le montant doit être supérieur à zéro."]})
    if montant > ligne.reste_a_engager:
        raise EnveloppeInsuffisante(
            erreurs={
                "montant": [
                    f"Le montant dépasse ce qui reste à engager sur la ligne programmée : "
                    f"{format_euros(ligne.reste_a_engager)} disponibles sur "
                    f"{format_euros(ligne.montant_programme)} programmés."
                ]
            }
        )
    credits = (
        CreditsOuverts.objects.select_for_update()
        .filter(signataire=ligne.signataire, annee=annee_budgetaire)
        .first()
    )
    if credits is not None and montant > credits.montant - credits.montant_engage:
        raise EnveloppeInsuffisante(
            erreurs={
                "montant": [
                    f"Le montant dépasse les crédits ouverts par {ligne.signataire} pour "
                    f"{annee_budgetaire} : {format_euros(credits.montant - credits.montant_engage)}"
                    f" disponibles sur {format_euros(credits.montant)}."
                ]
            }
        )
    try:
        with transaction.atomic():
            engagement = Engagement.objects.create(
                ligne=ligne,
                signataire=ligne.signataire,
                date_acte=date_acte,
                type_acte=type_acte,
                reference=reference,
                montant=montant,
                annee_budgetaire=annee_budgetaire,
                par=par,
            )
    except IntegrityError as erreur:
        ligne.refresh_from_db()
        raise EnveloppeInsuffisante(
            erreurs={
                "montant": [
                    "Le montant dépasse ce qui reste à engager : "
                    f"{format_euros(ligne.reste_a_engager)} disponibles."
                ]
            }
        ) from erreur
    _journal(
        TypeMouvement.ENGAGEMENT,
        par=par,
        montant=montant,
        signataire=ligne.signataire,
        projet=ligne.projet,
        engagement=engagement.pk,
        reference=reference,
    )
    return engagement


@atomique
def paiement_enregistrer(
    *,
    engagement: Engagement,
    par: Utilisateur,
    date_paiement: date,
    montant: Decimal,
    type_: str,
    reference: str = "",
) -> Paiement:
    """Record a payment on a commitment, within what remains to pay on it."""
    engagement = (
        Engagement.objects.select_for_update()
        .select_related("signataire", "ligne__projet")
        .get(pk=engagement.pk)
    )
    _verifier_executant(par, engagement.signataire)
    verifier_date_du_contrat(date_paiement, champ="date_paiement")
    if date_paiement < engagement.date_acte:
        raise RegleMetierError(
            erreurs={
                "date_paiement": [
                    "Un paiement suit son engagement : la date du paiement ne peut pas précéder "
                    f"celle de l'acte d'engagement ({engagement.date_acte:%d/%m/%Y})."
                ]
            }
        )
    if montant is None or montant <= 0:
        raise RegleMetierError(erreurs={"montant": ["Le montant doit être supérieur à zéro."]})
    if montant > engagement.reste_a_payer:
        raise EnveloppeInsuffisante(
            erreurs={
                "montant": [
                    f"Le paiement dépasse ce qui reste à payer sur l'engagement "
                    f"{engagement.reference} : {format_euros(engagement.reste_a_payer)} "
                    f"sur {format_euros(engagement.montant)} engagés."
                ]
            }
        )
    try:
        with transaction.atomic():
            paiement = Paiement.objects.create(
                engagement=engagement,
                date=date_paiement,
                montant=montant,
                type=type_,
                reference=reference,
                par=par,
            )
    except IntegrityError as erreur:
        raise EnveloppeInsuffisante(
            erreurs={"montant": ["Le paiement dépasse ce qui reste à payer sur l'engagement."]}
        ) from erreur
    _journal(
        TypeMouvement.PAIEMENT,
        par=par,
        montant=montant,
        signataire=engagement.signataire,
        projet=engagement.ligne.projet,
        paiement=paiement.pk,
    )
    return paiement


@transaction.atomic
def credits_ouvrir(
    *, signataire: Signataire, annee: int, montant: Decimal, par: Utilisateur
) -> CreditsOuverts:
    """Record (or correct) the credits a signatory opened for a budget year."""
    _verifier_executant(par, signataire)
    verifier_annee_budgetaire(annee, champ="annee")
    credits = (
        CreditsOuverts.objects.select_for_update()
        .filter(signataire=signataire, annee=annee)
        .first()
    )
    if credits is not None and montant < credits.montant_engage:
        raise EnveloppeInsuffisante(
            erreurs={
                "montant": [
                    f"{format_euros(credits.montant_engage)} sont déjà engagés sur {annee} : "
                    "les crédits ouverts ne peuvent pas descendre en dessous."
                ]
            }
        )
    if credits is None:
        # Commitments of that year may predate the opening: the running total starts from them.
        deja_engage = Engagement.objects.filter(
            signataire=signataire, annee_budgetaire=annee
        ).aggregate(total=Sum("montant"))["total"] or Decimal("0.00")
        if montant < deja_engage:
            raise EnveloppeInsuffisante(
                erreurs={
                    "montant": [
                        f"{format_euros(deja_engage)} sont déjà engagés sur {annee} : "
                        "les crédits ouverts ne peuvent pas descendre en dessous."
                    ]
                }
            )
        credits = CreditsOuverts.objects.create(
            signataire=signataire, annee=annee, montant=montant, montant_engage=deja_engage
        )
    else:
        credits.montant = montant
        credits.save(update_fields=["montant"])
    _journal(TypeMouvement.CREDITS, par=par, montant=montant, signataire=signataire, annee=annee)
    return credits


# --- Maquette ------------------------------------------------------------------------------
def _maquette_erreurs_de_saisie(
    lignes: list[tuple[str, str, Decimal]],
    signataires: dict[str, Signataire],
    noeuds: dict[str, Noeud],
) -> list[str]:
    erreurs = []
    for rang, (code_signataire, code_noeud, montant) in enumerate(lignes, start=1):
        if code_signataire not in signataires:
            erreurs.append(f"Ligne {rang} : signataire inconnu « {code_signataire} ».")
        if code_noeud not in noeuds:
            erreurs.append(f"Ligne {rang} : nœud du programme inconnu « {code_noeud} ».")
        if montant is None or montant < 0:
            erreurs.append(f"Ligne {rang} : montant invalide.")
    return erreurs


def _maquette_ecrire_ligne(
    *, rang: int, signataire: Signataire, noeud: Noeud, montant: Decimal
) -> str | None:
    """Create or update one maquette line; the error message if it would go below what is
    already programmed on the node and below it."""
    ligne = (
        MaquetteLigne.objects.select_for_update().filter(signataire=signataire, noeud=noeud).first()
    )
    if ligne is None:
        # What the signatory already programmed on the node and below counts from the start.
        deja = LigneProgrammee.objects.filter(
            Noeud.q_sous(noeud, prefixe="noeud"), signataire=signataire
        ).aggregate(total=Sum("montant_programme"))["total"] or Decimal("0.00")
        if montant < deja:
            return (
                f"Ligne {rang} : {format_euros(deja)} sont déjà programmés sur {noeud.code} "
                f"par {signataire.code}."
            )
        ligne = MaquetteLigne.objects.create(
            signataire=signataire, noeud=noeud, montant=montant, montant_programme=deja
        )
    if montant < ligne.montant_programme:
        return (
            f"Ligne {rang} : {format_euros(ligne.montant_programme)} sont déjà programmés "
            f"sur {noeud.code} par {signataire.code}."
        )
    ligne.montant = montant
    ligne.save(update_fields=["montant"])
    return None


def _maquette_erreurs_d_enveloppe(signataires: dict[str, Signataire]) -> list[str]:
    """A signatory's lines on the six axes cannot add up to more than its envelope."""
    erreurs = []
    for signataire in signataires.values():
        total_axes = sum(
            MaquetteLigne.objects.filter(signataire=signataire, noeud__niveau=1).values_list(
                "montant", flat=True
            ),
            Decimal(0),
        )
        if total_axes > signataire.enveloppe.montant:
            erreurs.append(
                f"La maquette {signataire.de_nom} par axe totalise {format_euros(total_axes)}, "
                f"plus que son enveloppe de {format_euros(signataire.enveloppe.montant)}."
            )
    return erreurs


@transaction.atomic
def maquette_importer(*, lignes: list[tuple[str, str, Decimal]], par: Utilisateur) -> int:
    """Create or update maquette lines from (signataire, nœud, montant) rows; all or none.

    A line cannot go below what is already programmed on it, and a signatory's lines on the
    six axes cannot add up to more than its envelope."""
    if not peut_preparer_avenant(par):
        raise ActionNonAutorisee("Seul le secrétariat du CPER importe la maquette financière.")
    signataires = {s.code: s for s in Signataire.objects.all()}
    noeuds = {n.code: n for n in Noeud.objects.all()}
    erreurs = _maquette_erreurs_de_saisie(lignes, signataires, noeuds)
    if erreurs:
        raise RegleMetierError(erreurs={"fichier": erreurs})
    for rang, (code_signataire, code_noeud, montant) in enumerate(lignes, start=1):
        erreur = _maquette_ecrire_ligne(
            rang=rang,
            signataire=signataires[code_signataire],
            noeud=noeuds[code_noeud],
            montant=montant,
        )
        if erreur:
            erreurs.append(erreur)
    erreurs += _maquette_erreurs_d_enveloppe(signataires)
    if erreurs:
        raise RegleMetierError(erreurs={"fichier": erreurs})
    _journal(TypeMouvement.MAQUETTE, par=par, montant=Decimal(0), lignes=len(lignes))
    return len(lignes)


# --- Avenants (article 4) ------------------------------------------------------------------
@dataclass(frozen=True)
class OperationModifiee:
    """What an avenant asks of one operation the contract lists: a new title or measure
    (« recadrage »), or its abandonment."""

    projet: Projet
    genre: str
    titre: str = ""
    mesure: Noeud | None = None


def _erreurs_operations(operations: Sequence[OperationModifiee]) -> list[str]:
    erreurs: list[str] = []
    vues: set[int] = set()
    for op in operations:
        projet = op.projet
        nom = projet.identifiant_contrat or projet.reference
        if not est_operation_du_contrat(projet):
            erreurs.append(
                f"{projet.reference} n'est pas une opération inscrite au contrat : un avenant "
                "ne modifie que celles-là ; un autre dossier suit son propre cycle de vie."
            )
        elif projet.pk in vues:
            erreurs.append(f"L'opération {nom} figure deux fois dans l'avenant.")
        elif op.genre == GenreModificationOperation.ABANDON:
            if projet.statut in (Statut.SOLDE, Statut.ABANDONNE):
                erreurs.append(
                    f"L'opération {nom} est « {projet.get_statut_display()} » : elle ne "
                    "s'abandonne plus."
                )
        elif op.genre == GenreModificationOperation.RECADRAGE:
            erreurs += _erreurs_recadrage(op, nom)
        else:
            erreurs.append(f"Modification inconnue pour l'opération {nom}.")
        vues.add(projet.pk)
    return erreurs


def _erreurs_recadrage(op: OperationModifiee, nom: str) -> list[str]:
    projet, mesure = op.projet, op.mesure
    titre_change = bool(op.titre.strip()) and op.titre.strip() != projet.titre.strip()
    mesure_change = mesure is not None and mesure.pk != projet.mesure_id
    if not titre_change and not mesure_change:
        return [f"Indiquez le nouveau titre ou la nouvelle mesure de l'opération {nom}."]
    if mesure is not None and (
        mesure.niveau not in (Niveau.MESURE, Niveau.SOUS_MESURE)
        or mesure.contrat_id != projet.mesure.contrat_id
    ):
        return [f"La nouvelle mesure de l'opération {nom} doit être une mesure du contrat."]
    return []


@transaction.atomic
def avenant_creer(
    *,
    numero: int,
    titre: str,
    justification: str,
    initie_par: Signataire,
    enveloppes: dict[Signataire, Decimal],
    par: Utilisateur,
    operations: Sequence[OperationModifiee] = (),
) -> Avenant:
    """Draft an avenant: its reasons are required (Article 4), its envelope changes and its
    changes to listed operations (re-scoping, abandonment) listed; nothing applies before it
    is in force."""
    if not peut_preparer_avenant(par):
        raise ActionNonAutorisee("Seul le secrétariat du CPER prépare les avenants.")
    erreurs = {}
    if not justification.strip():
        erreurs["justification"] = [
            "L'article 4 subordonne toute révision à la justification des raisons qui la "
            "motivent : indiquez-les."
        ]
    if Avenant.objects.filter(numero=numero).exists():
        erreurs["numero"] = [f"L'avenant n° {numero} existe déjà."]
    if not enveloppes and not operations:
        erreurs["enveloppes"] = [
            "Indiquez au moins une enveloppe modifiée ou une opération du contrat modifiée."
        ]
    if operations and (erreurs_operations := _erreurs_operations(operations)):
        erreurs["operations"] = erreurs_operations
    for signataire, montant in enveloppes.items():
        if montant < signataire.enveloppe.montant_programme:
            erreurs.setdefault("enveloppes", []).append(
                f"L’enveloppe {signataire.de_nom} ne peut pas descendre sous ce qui est déjà "
                f"programmé ({format_euros(signataire.enveloppe.montant_programme)})."
            )
    if erreurs:
        raise RegleMetierError(erreurs=erreurs)
    avenant = Avenant.objects.create(
        numero=numero,
        titre=titre,
        justification=justification.strip(),
        initie_par=initie_par,
        statut=StatutAvenant.EN_APPROBATION,
        cree_par=par,
    )
    ModificationEnveloppe.objects.bulk_create(
        ModificationEnveloppe(avenant=avenant, signataire=s, nouveau_montant=m)
        for s, m in enveloppes.items()
    )
    ModificationOperation.objects.bulk_create(
        ModificationOperation(
            avenant=avenant,
            projet=op.projet,
            genre=op.genre,
            nouveau_titre=op.titre.strip(),
            nouvelle_mesure=op.mesure,
            ancien_titre=op.projet.titre,
            ancienne_mesure_id=op.projet.mesure_id,
        )
        for op in operations
    )
    return avenant


@transaction.atomic
def avenant_approuver(
    *, avenant: Avenant, signataire: Signataire, date_acte: date, reference: str, par: Utilisateur
) -> ApprobationAvenant:
    """Record one signatory's approval, by its own procedure (délibération, arrêté, mandat)."""
    avenant = Avenant.objects.select_for_update().get(pk=avenant.pk)
    if not peut_approuver_pour(par, signataire):
        raise ActionNonAutorisee(
            f"Seuls les agents {signataire.de_nom} enregistrent son approbation."
        )
    if avenant.statut != StatutAvenant.EN_APPROBATION:
        raise EtatIncompatible(f"L'avenant est « {avenant.get_statut_display()} ».")
    if avenant.approbations.filter(signataire=signataire).exists():
        raise EtatIncompatible(f"{signataire} a déjà approuvé cet avenant.")
    if not reference.strip():
        raise RegleMetierError(
            erreurs={"reference": ["Indiquez la référence de la délibération ou de l'acte."]}
        )
    return ApprobationAvenant.objects.create(
        avenant=avenant, signataire=signataire, date=date_acte, reference=reference.strip(), par=par
    )


@transaction.atomic
def avenant_mettre_en_vigueur(*, avenant: Avenant, par: Utilisateur, le: date) -> Avenant:
    """Bring an avenant into force once all nine signatories approved it (« d'un commun
    accord »): the envelopes change, their previous values stay readable by date."""
    if not peut_preparer_avenant(par):
        raise ActionNonAutorisee("Seul le secrétariat du CPER met un avenant en vigueur.")
    avenant = Avenant.objects.select_for_update().get(pk=avenant.pk)
    if avenant.statut != StatutAvenant.EN_APPROBATION:
        raise EtatIncompatible(f"L'avenant est « {avenant.get_statut_display()} ».")
    manquants = Signataire.objects.exclude(
        pk__in=avenant.approbations.values_list("signataire_id", flat=True)
    ).order_by("ordre")
    if manquants:
        raise EtatIncompatible(
            "Il manque l'approbation de : " + ", ".join(str(s) for s in manquants) + "."
        )
    modifications = list(avenant.modifications.select_related("signataire"))
    enveloppes = {
        e.signataire_id: e
        for e in Enveloppe.objects.select_for_update()
        .filter(signataire_id__in=[m.signataire_id for m in modifications])
        .order_by("pk")
    }
    for modification in modifications:
        enveloppe = enveloppes[modification.signataire_id]
        if modification.nouveau_montant < enveloppe.montant_programme:
            raise EnveloppeInsuffisante(
                erreurs={
                    "enveloppes": [
                        f"L’enveloppe {modification.signataire.de_nom} ne peut pas descendre à "
                        f"{format_euros(modification.nouveau_montant)} : "
                        f"{format_euros(enveloppe.montant_programme)} sont déjà programmés."
                    ]
                }
            )
    for modification in modifications:
        enveloppe = enveloppes[modification.signataire_id]
        ancien = enveloppe.montant
        enveloppe.montant = modification.nouveau_montant
        enveloppe.save(update_fields=["montant"])
        VersionEnveloppe.objects.create(
            signataire=modification.signataire,
            montant=modification.nouveau_montant,
            depuis=le,
            avenant=avenant,
        )
        _journal(
            TypeMouvement.AVENANT,
            par=par,
            montant=modification.nouveau_montant - ancien,
            signataire=modification.signataire,
            avenant=avenant.numero,
            avant=ancien,
            apres=modification.nouveau_montant,
        )
    for operation in avenant.operations.select_related("projet", "nouvelle_mesure"):
        _appliquer_operation(operation, avenant=avenant, par=par)
    avenant.statut = StatutAvenant.EN_VIGUEUR
    avenant.entre_en_vigueur_le = le
    avenant.save(update_fields=["statut", "entre_en_vigueur_le"])
    return avenant


def _appliquer_operation(
    operation: ModificationOperation, *, avenant: Avenant, par: Utilisateur
) -> None:
    """One listed operation changed by the avenant coming into force: abandoned through the
    ledger (what it did not use goes back to the envelopes), or re-scoped, its programmed
    lines moving to the new measure with their money (the maquette lines follow, and refuse a
    measure whose maquette would be exceeded)."""
    mandat = MandatAvenant(numero=avenant.numero)
    projet = operation.projet
    if operation.genre == GenreModificationOperation.ABANDON:
        projet_abandonner(
            projet=projet,
            par=par,
            commentaire=f"Avenant n° {avenant.numero} : {avenant.justification}",
            mandat=mandat,
        )
        return
    projet = operation_recadrer(
        projet=projet,
        par=par,
        mandat=mandat,
        titre=operation.nouveau_titre,
        mesure=operation.nouvelle_mesure,
    )
    if operation.nouvelle_mesure is None:
        return
    lignes = LigneProgrammee.objects.select_for_update().filter(projet=projet)
    for ligne in lignes.exclude(noeud=operation.nouvelle_mesure).select_related("noeud"):
        ancien = ligne.noeud.code
        ligne.noeud = operation.nouvelle_mesure
        try:
            with transaction.atomic():
                ligne.save(update_fields=["noeud"])
        except IntegrityError as erreur:
            raise EnveloppeInsuffisante(
                erreurs={
                    "operations": [
                        f"La maquette {ligne.signataire.de_nom} sur la mesure "
                        f"{operation.nouvelle_mesure.code} ne peut pas recevoir les "
                        f"{format_euros(ligne.montant_programme)} programmés de l'opération "
                        f"{projet.identifiant_contrat or projet.reference}."
                    ]
                }
            ) from erreur
        _journal(
            TypeMouvement.AVENANT,
            par=par,
            montant=Decimal(0),
            signataire=ligne.signataire,
            projet=projet,
            avenant=avenant.numero,
            avant=ancien,
            apres=operation.nouvelle_mesure.code,
            programme=ligne.montant_programme,
        )


# --- SIRET des signataires (données ouvertes SCDL) ------------------------------------------
journal_siret = logging.getLogger("financement.siret")


@transaction.atomic
def signataires_siret_renseigner(*, sirets: dict[str, str], par: Utilisateur) -> list[Signataire]:
    """The CPER secretariat records the SIRET of the signatories (`idAttribuant` of the SCDL
    file); an empty value leaves the SIRET unknown. Returns the signatories changed."""
    if not peut_preparer_avenant(par):
        raise ActionNonAutorisee("Seul le secrétariat du CPER renseigne le SIRET des signataires.")
    signataires = {
        s.code: s
        for s in Signataire.objects.filter(code__in=sirets)
        .select_related("organisation")
        .select_for_update(of=("self",))
    }
    erreurs: dict[str, list[str]] = {}
    for code, siret in sirets.items():
        signataire = signataires.get(code)
        if signataire is None or signataire.organisation is None:
            erreurs[code] = ["Signataire inconnu."]
            continue
        siret = siret.strip()
        if siret:
            try:
                valider_siret(siret)
            except ValidationError as erreur:
                erreurs[code] = list(erreur.messages)
    if erreurs:
        raise RegleMetierError(erreurs=erreurs)
    changes = []
    for code, siret in sirets.items():
        organisation = signataires[code].organisation
        if organisation.siret != siret.strip():
            organisation.siret = siret.strip()
            organisation.save(update_fields=["siret"])
            changes.append(signataires[code])
            journal_siret.info(
                "SIRET du signataire %s renseigné par %s : %s",
                code,
                par.username,
                organisation.siret or "(effacé)",
            )
    return changes
