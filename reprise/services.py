"""Write use-cases of the import of the existing programming.

An import moves en_attente → verification → erreurs | valide, then (the secretariat asks for
it) valide → application → applique | echec. Every move is a conditional UPDATE on the row, so
that two deliveries of the same Celery message never apply a file twice.

Applying a file is one transaction, through the same use-cases as the pages: `projet_creer`
(dossier and financing plan), `projet_reprendre` (programmed on the import's mandate, each CPER
line taken on its envelope), `engagement_enregistrer`, `paiement_enregistrer`, then the
dossier's own steps (`demarrer`, `projet_solder`). Any refusal rolls everything back and the
import says which row was refused.

The mandate (`projets.workflow.MandatReprise`): a dossier the partners programmed before the
portal was decided by their own committees, outside it. The import does not invent a committee
decision: it records the dossier as programmed « au titre de la reprise de l'existant », on the
mandate of the import (its number), which only the secretariat holds; each dossier's journal
says so, and so does the import's page.
"""

import hashlib
import logging
import time
import uuid
from collections.abc import Callable
from decimal import Decimal

from celery import signature
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import connections, transaction
from django.utils import timezone

from comptes.models import Organisation, Utilisateur
from financement.models import Engagement, LigneProgrammee
from financement.services import (
    engagement_enregistrer,
    paiement_enregistrer,
    projet_reprendre,
    projet_solder,
)
from projets.models import Statut
from projets.services import DonneesProjet, LigneSaisie, projet_creer, projet_transitionner
from projets.workflow import Action, MandatReprise
from reprise import gabarit
from reprise.models import DossierRepris, EtatImport, ImportProgrammation
from reprise.permissions import peut_reprendre
from reprise.verification import (
    DossierFichier,
    EngagementFichier,
    LigneFichier,
    Verification,
    verifier,
)
from socle.exceptions import ActionNonAutorisee, EtatIncompatible, RegleMetierError

logger = logging.getLogger(__name__)

TACHE_VERIFIER = "reprise.tasks.import_verifier_task"
TACHE_APPLIQUER = "reprise.tasks.import_appliquer_task"
TAILLE_MAXIMALE = 10 * 1024 * 1024
MESSAGE_INATTENDU = (
    "Le fichier n'a pas pu être traité à cause d'une erreur inattendue ; rien n'a été "
    "enregistré. Le secrétariat technique en a été informé."
)


def _verifier_droit(par: Utilisateur) -> None:
    if not peut_reprendre(par):
        raise ActionNonAutorisee("Seul le secrétariat du CPER importe la programmation existante.")


def _planifier(nom: str, import_: ImportProgrammation) -> None:
    transaction.on_commit(signature(nom, args=[import_.pk]).apply_async)


@transaction.atomic
def import_deposer(*, fichier: UploadedFile, par: Utilisateur) -> ImportProgrammation:
    """Keep an uploaded file and schedule its check; nothing of the programme is written."""
    _verifier_droit(par)
    if (fichier.size or 0) > TAILLE_MAXIMALE:
        raise RegleMetierError(erreurs={"fichier": ["Le fichier dépasse 10 Mo."]})
    contenu = fichier.read()
    if not contenu.startswith(b"PK"):
        raise RegleMetierError(
            erreurs={"fichier": ["Déposez le modèle rempli, au format Excel (.xlsx)."]}
        )
    import_ = ImportProgrammation(
        nom_fichier=(fichier.name or "programmation.xlsx")[:255],
        empreinte=hashlib.sha256(contenu).hexdigest(),
        depose_par=par,
    )
    import_.fichier.save(f"{uuid.uuid4().hex}.xlsx", ContentFile(contenu), save=False)
    import_.save()
    _planifier(TACHE_VERIFIER, import_)
    return import_


def _progresser(import_id: int, progression: int) -> None:
    ImportProgrammation.objects.filter(pk=import_id).update(progression=min(progression, 99))


def _lire(import_: ImportProgrammation) -> list[gabarit.RangeeLue]:
    with import_.fichier.open("rb") as flux:
        return list(gabarit.lire(flux.read()))


def import_verifier(*, import_id: int) -> ImportProgrammation | None:
    """Check every row of the file (no write but the import's report). Called by the task,
    possibly twice: an import no longer waiting is left alone."""
    pris = ImportProgrammation.objects.filter(
        pk=import_id, etat__in=[EtatImport.EN_ATTENTE, EtatImport.VERIFICATION]
    ).update(etat=EtatImport.VERIFICATION, progression=5)
    if not pris:
        return None
    debut = time.monotonic()
    import_ = ImportProgrammation.objects.get(pk=import_id)
    try:
        rangees = _lire(import_)
    except gabarit.FichierIllisible as erreur:
        return _terminer_verification(import_, None, debut, message=str(erreur))
    _progresser(import_id, 10)
    resultat = verifier(rangees, progression=lambda p: _progresser(import_id, p))
    return _terminer_verification(import_, resultat, debut)


def _terminer_verification(
    import_: ImportProgrammation,
    resultat: Verification | None,
    debut: float,
    *,
    message: str = "",
) -> ImportProgrammation:
    import_.refresh_from_db()
    if resultat is None:
        import_.etat = EtatImport.ERREURS
        import_.erreurs = [{"ligne": 1, "colonne": "", "message": message}]
        import_.nombre_lignes = 0
        import_.bilan = {}
    else:
        import_.etat = EtatImport.ERREURS if resultat.erreurs else EtatImport.VALIDE
        import_.erreurs = [e.en_dict() for e in resultat.erreurs]
        import_.nombre_lignes = resultat.nombre_lignes
        import_.bilan = resultat.bilan()
    import_.progression = 100
    import_.verifie_le = timezone.now()
    import_.duree_verification = Decimal(f"{time.monotonic() - debut:.2f}")
    import_.save()
    return import_


@transaction.atomic
def import_demander_application(
    *, import_: ImportProgrammation, par: Utilisateur
) -> ImportProgrammation:
    """The secretariat asks for a checked file to be applied; the task does it."""
    _verifier_droit(par)
    pris = ImportProgrammation.objects.filter(pk=import_.pk, etat=EtatImport.VALIDE).update(
        etat=EtatImport.APPLICATION, applique_par=par, progression=0, message_erreur=""
    )
    if not pris:
        import_.refresh_from_db()
        raise EtatIncompatible(
            f"Cet import est « {import_.get_etat_display()} » : seul un fichier vérifié sans "
            "erreur peut être appliqué."
        )
    import_.refresh_from_db()
    _planifier(TACHE_APPLIQUER, import_)
    return import_


class _Progression:
    """Progress of a long transaction, written on a connection of its own (committed at once,
    so that the page polling it sees it while the import's transaction is still open)."""

    def __init__(self, import_id: int, total: int) -> None:
        self.import_id = import_id
        self.total = max(total, 1)
        self.connexion = connections.create_connection("default")

    def __call__(self, fait: int) -> None:
        with self.connexion.cursor() as curseur:
            curseur.execute(
                "UPDATE reprise_importprogrammation SET progression = %s WHERE id = %s",
                [min(99, 10 + 89 * fait // self.total), self.import_id],
            )

    def fermer(self) -> None:
        self.connexion.close()


class ApplicationRefusee(Exception):
    def __init__(self, numero: int, message: str) -> None:
        super().__init__(message)
        self.numero = numero
        self.message = message


def import_appliquer(*, import_id: int) -> ImportProgrammation | None:
    """Apply a checked file, all at once. The file is checked again first (the portal may
    have changed since): if it no longer holds, nothing is written and the report says why."""
    import_ = ImportProgrammation.objects.filter(pk=import_id, etat=EtatImport.APPLICATION).first()
    if import_ is None or import_.applique_par is None:
        return None
    debut = time.monotonic()
    resultat = verifier(_lire(import_))
    if resultat.erreurs:
        import_.etat = EtatImport.ERREURS
        import_.erreurs = [e.en_dict() for e in resultat.erreurs]
        import_.bilan = resultat.bilan()
        import_.progression = 100
        import_.save()
        return import_
    progression = _Progression(import_id, len(resultat.dossiers))
    try:
        with transaction.atomic():
            _appliquer(import_, resultat, import_.applique_par, progression)
            import_.etat = EtatImport.APPLIQUE
            import_.progression = 100
            import_.applique_le = timezone.now()
            import_.duree_application = Decimal(f"{time.monotonic() - debut:.2f}")
            import_.bilan = {**resultat.bilan(), "applique": True}
            import_.save()
    except ApplicationRefusee as refus:
        ImportProgrammation.objects.filter(pk=import_id).update(
            etat=EtatImport.ECHEC,
            progression=100,
            message_erreur=(
                f"Ligne {refus.numero} : {refus.message} Rien n'a été enregistré : corrigez "
                "le fichier et déposez-le de nouveau."
            ),
        )
    finally:
        progression.fermer()
    import_.refresh_from_db()
    return import_


def import_echouer(*, import_id: int, message: str = MESSAGE_INATTENDU) -> None:
    ImportProgrammation.objects.filter(
        pk=import_id,
        etat__in=[EtatImport.EN_ATTENTE, EtatImport.VERIFICATION, EtatImport.APPLICATION],
    ).update(etat=EtatImport.ECHEC, message_erreur=message, progression=100)


# --- Applying ------------------------------------------------------------------------------
def _appliquer(
    import_: ImportProgrammation,
    resultat: Verification,
    par: Utilisateur,
    progression: Callable[[int], None],
) -> None:
    mandat = MandatReprise(import_id=import_.pk)
    organisations = _Organisations()
    for rang, dossier in enumerate(resultat.dossiers, start=1):
        numero = dossier.numero
        try:
            if dossier.existant is None:
                _creer_dossier(import_, dossier, par, mandat, organisations)
            else:
                for ligne in dossier.lignes.values():
                    numero = ligne.numero
                    _executer_ligne(ligne, par, ligne_programmee=ligne.existante)
        except RegleMetierError as refus:
            raise ApplicationRefusee(numero, refus.message) from refus
        if rang % 25 == 0:
            progression(rang)


class _Organisations:
    """The maîtres d'ouvrage already known, by SIRET and by name, read once per application
    (`projet_creer` creates the missing ones, found here for the next dossiers)."""

    def __init__(self) -> None:
        self.par_siret: dict[str, Organisation] = {}
        self.par_nom: dict[str, Organisation] = {}
        for organisation in Organisation.objects.all():
            self.retenir(organisation)

    def retenir(self, organisation: Organisation | None) -> None:
        if organisation is None:
            return
        if organisation.siret:
            self.par_siret.setdefault(organisation.siret, organisation)
        self.par_nom.setdefault(organisation.nom.casefold(), organisation)

    def de(self, dossier: DossierFichier) -> Organisation | None:
        if dossier.siret and dossier.siret in self.par_siret:
            return self.par_siret[dossier.siret]
        return self.par_nom.get(dossier.maitre_ouvrage.casefold())


def _creer_dossier(
    import_: ImportProgrammation,
    dossier: DossierFichier,
    par: Utilisateur,
    mandat: MandatReprise,
    organisations: _Organisations,
) -> None:
    lignes = list(dossier.lignes.values())
    projet = projet_creer(
        donnees=DonneesProjet(
            titre=dossier.titre,
            mesure=dossier.mesure,
            description=(
                f"Dossier repris de la programmation existante (identifiant d'origine "
                f"« {dossier.identifiant} », import n° {import_.pk})."
            ),
            maitre_ouvrage=organisations.de(dossier),
            maitre_ouvrage_nom=dossier.maitre_ouvrage,
            maitre_ouvrage_siret=dossier.siret,
            departements=dossier.departements,
            communes=[(code, "") for code in dossier.communes],
            cout_total_ht=sum((ligne.montant for ligne in lignes), Decimal("0.00")),
            lignes=[
                LigneSaisie(
                    ligne.montant,
                    ligne.nature,
                    signataire_id=ligne.signataire.pk if ligne.signataire else None,
                    source=ligne.source,
                )
                for ligne in lignes
            ],
        ),
        par=par,
    )
    organisations.retenir(projet.maitre_ouvrage)
    DossierRepris.objects.create(
        identifiant_origine=dossier.identifiant, projet=projet, import_origine=import_
    )
    projet_reprendre(projet=projet, par=par, mandat=mandat)
    programmees = {lp.ligne_plan_id: lp for lp in LigneProgrammee.objects.filter(projet=projet)}
    plan = list(projet.lignes_financement.order_by("ordre", "pk"))
    for ligne, ligne_plan in zip(lignes, plan, strict=True):
        _executer_ligne(ligne, par, ligne_programmee=programmees.get(ligne_plan.pk))
    if dossier.statut in (Statut.EN_COURS, Statut.SOLDE):
        commentaire = f"Reprise de l'existant (import n° {import_.pk})."
        projet = projet_transitionner(
            projet=projet, action=Action.DEMARRER, par=par, commentaire=commentaire
        )
        if dossier.statut == Statut.SOLDE:
            projet_solder(projet=projet, par=par, commentaire=commentaire)


def _executer_ligne(ligne: LigneFichier, par: Utilisateur, *, ligne_programmee: object) -> None:
    """The commitments and payments of one line that the portal does not hold yet."""
    if not isinstance(ligne_programmee, LigneProgrammee):
        return
    for engagement in ligne.engagements.values():
        enregistre = engagement.existant or _engager(engagement, ligne_programmee, par)
        for paiement in engagement.paiements.values():
            if paiement.existant is not None:
                continue
            try:
                paiement_enregistrer(
                    engagement=enregistre,
                    par=par,
                    date_paiement=paiement.date,
                    montant=paiement.montant,
                    type_=paiement.type,
                    reference=paiement.reference,
                )
            except RegleMetierError as refus:
                raise ApplicationRefusee(paiement.numero, refus.message) from refus


def _engager(
    engagement: EngagementFichier, ligne_programmee: LigneProgrammee, par: Utilisateur
) -> Engagement:
    try:
        return engagement_enregistrer(
            ligne=ligne_programmee,
            par=par,
            date_acte=engagement.date_acte,
            type_acte=engagement.type_acte,
            reference=engagement.reference,
            montant=engagement.montant,
            annee_budgetaire=engagement.annee,
        )
    except RegleMetierError as refus:
        raise ApplicationRefusee(engagement.numero, refus.message) from refus
