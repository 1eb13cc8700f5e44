"""A committee's decision line by line, as it changes the financing plan, and the re-balancing
that follows (issue 13).

At the committee each CPER co-funder's line of a retained dossier is programmed as asked,
reduced (to a new amount) or refused. The decision takes what it did not grant off the plan —
a reduced line keeps the granted amount, a refused line leaves the plan — and records the gap
on the dossier (`Projet.montant_a_reequilibrer`): the plan is then short by exactly that, which
the plan's rules count as covered (`projets.services.verifier_plan`) until the porteur or the
secretariat re-balances it with its own funds, another funder that is not a signatory, or a
reduced cost. A signatory's line is never raised here: only a committee's decision commits a
signatory's money.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import cast

from django.db import transaction

from comptes.models import Utilisateur
from projets.droits import ActionDossier, Relation, relations, verdict
from projets.models import LignePlanFinancement, NatureFinancement, Projet, Statut
from projets.services import LigneSaisie, _historise, verifier_plan
from projets.signals import projet_modifie
from projets.workflow import MandatComite
from socle.exceptions import (
    ActionNonAutorisee,
    ErreursDeRangee,
    EtatIncompatible,
    RegleMetierError,
)
from socle.montants import format_euros

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class LigneDecidee:
    """What the decision did to one CPER line: asked, granted (0 when refused)."""

    ligne_id: int
    signataire_id: int
    montant_demande: Decimal
    montant_retenu: Decimal


@transaction.atomic
def plan_appliquer_decision(
    *, projet: Projet, retenus: Mapping[int, Decimal], par: Utilisateur, mandat: MandatComite
) -> list[LigneDecidee]:
    """Apply a committee's decision to the plan of the dossier it retained: each CPER line
    named in `retenus` (plan line → granted amount) is reduced to it, or leaves the plan when
    the amount is 0; the others stay as asked. Returns every CPER line's outcome, and adds
    what was not granted to the dossier's amount to re-balance. Only a committee's decision
    does this (`mandat` with its decision), on a retained dossier."""
    if mandat.decision_id is None:
        raise ActionNonAutorisee("Seule une décision de comité réduit ou refuse une ligne du plan.")
    projet = Projet.objects.select_for_update().get(pk=projet.pk)
    if projet.statut != Statut.RETENU:
        raise EtatIncompatible(
            f"Le dossier est « {projet.get_statut_display()} » : seule la décision qui le "
            "retient arbitre ses lignes."
        )
    lignes = list(
        projet.lignes_financement.filter(nature=NatureFinancement.CPER)
        .select_for_update()
        .order_by("ordre", "pk")
    )
    inconnues = set(retenus) - {ligne.pk for ligne in lignes}
    if inconnues:
        raise RegleMetierError(
            erreurs={"lignes": ["Une ligne arbitrée n'est pas une ligne CPER de ce dossier."]}
        )
    issues, retire = [], ZERO
    for ligne in lignes:
        accorde = retenus.get(ligne.pk, ligne.montant)
        if accorde < 0 or accorde > ligne.montant:
            raise RegleMetierError(
                erreurs={
                    "montant": [
                        f"Le montant retenu pour {ligne.financeur} doit être compris entre "
                        f"0,00 € et le montant demandé ({format_euros(ligne.montant)})."
                    ]
                }
            )
        # A CPER line always names its signatory (a database constraint).
        signataire_id = cast(int, ligne.signataire_id)
        issues.append(LigneDecidee(ligne.pk, signataire_id, ligne.montant, accorde))
        retire += ligne.montant - accorde
        _historise(ligne)._history_user = par
        if accorde == 0:
            _historise(ligne)._change_reason = "Ligne refusée par le comité"
            ligne.delete()
        elif accorde < ligne.montant:
            _historise(ligne)._change_reason = "Ligne réduite par le comité"
            ligne.montant = accorde
            ligne.save(update_fields=["montant"])
    if retire:
        projet.montant_a_reequilibrer += retire
        projet.save(update_fields=["montant_a_reequilibrer", "modifie_le"])
    return issues


def _verifier_lignes_de_reequilibrage(lignes: list[LigneSaisie]) -> None:
    """Each line's errors beside it (by position from 0), all of them at once."""
    rangees: list[ErreursDeRangee] = []
    for ligne in lignes:
        erreurs: ErreursDeRangee = {}
        if ligne.signataire_id is not None or ligne.nature == NatureFinancement.CPER:
            champ = "signataire" if ligne.signataire_id is not None else "nature"
            erreurs[champ] = [
                "Le rééquilibrage ne nomme pas de signataire du contrat ; seule une décision "
                "de son comité engage l'argent d'un signataire."
            ]
        elif not ligne.source:
            erreurs["source"] = ["Indiquez le financeur."]
        if ligne.montant is None or ligne.montant <= 0:
            erreurs["montant"] = ["Le montant doit être supérieur à zéro."]
        rangees.append(erreurs)
    if any(rangees):
        raise RegleMetierError(rangees={"lignes": rangees})


@transaction.atomic
def plan_reequilibrer(
    *,
    projet: Projet,
    lignes: list[LigneSaisie],
    par: Utilisateur,
    cout_total_ht: Decimal | None = None,
) -> Projet:
    """Re-balance the plan after a committee's decision: the lines that name no signatory
    (own funds, other funders) are replaced by `lignes`, the cost may be lowered (never below
    what the signatories' lines hold), and the plan must then add up to the cost to the cent,
    with the measure's minimum own share; the gap is then closed. By the porteur or the
    secretariat (`projets.droits`); refused with nothing written otherwise."""
    projet = Projet.objects.select_for_update().get(pk=projet.pk)
    avis = verdict(par, projet, ActionDossier.REEQUILIBRER)
    if not avis.permis:
        raise (EtatIncompatible if avis.etat else ActionNonAutorisee)(avis.motif)
    if projet.montant_a_reequilibrer <= 0:
        raise EtatIncompatible(
            "Le plan de financement de ce dossier est équilibré : il n'y a rien à rééquilibrer."
        )
    _verifier_lignes_de_reequilibrage(lignes)
    signataires = sum(
        (ligne.montant for ligne in projet.lignes_financement.exclude(signataire=None)), ZERO
    )
    cout = projet.cout_total_ht or ZERO
    if cout_total_ht is not None:
        if cout_total_ht > cout:
            raise RegleMetierError(
                erreurs={
                    "cout_total_ht": [
                        f"Le coût ne peut que baisser au rééquilibrage (il est de "
                        f"{format_euros(cout)})."
                    ]
                }
            )
        if cout_total_ht < signataires:
            raise RegleMetierError(
                erreurs={
                    "cout_total_ht": [
                        f"Le coût ne peut pas être inférieur à ce que les signataires financent "
                        f"({format_euros(signataires)})."
                    ]
                }
            )
        cout = cout_total_ht
    for ancienne in projet.lignes_financement.filter(signataire=None):
        _historise(ancienne)._history_user = par
        _historise(ancienne)._change_reason = "Rééquilibrage du plan"
        ancienne.delete()
    rang = projet.lignes_financement.count()
    for ligne in lignes:
        rang += 1
        nouvelle = LignePlanFinancement(
            projet=projet,
            source=ligne.source,
            nature=ligne.nature,
            montant=ligne.montant,
            ordre=rang,
        )
        _historise(nouvelle)._history_user = par
        _historise(nouvelle)._change_reason = "Rééquilibrage du plan"
        nouvelle.save()
    ecart = projet.montant_a_reequilibrer
    projet.cout_total_ht = cout
    projet.montant_a_reequilibrer = ZERO
    _historise(projet)._history_user = par
    _historise(projet)._change_reason = "Rééquilibrage du plan après la décision du comité"
    projet.save()
    erreurs = verifier_plan(projet)
    if erreurs:
        raise RegleMetierError(
            f"Le plan ne couvre pas encore les {format_euros(ecart)} retirés par le comité : "
            "rien n'a été enregistré.",
            erreurs=erreurs,
        )
    if Relation.PORTEUR not in relations(par, projet):
        projet_modifie.send(sender=Projet, projet=projet, par=par)
    return projet
