"""Idempotent loading: create what is missing, update what differs, touch nothing else.

What the portal owns once created (`proteges`: what the secretariat configures, what an avenant
or a dossier's edit changed) is set only on creation; a later load leaves it as it is and says
so (`Bilan.laisses`)."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.db import models

M = TypeVar("M", bound=models.Model)


def _libelle(objet: models.Model, nom: str) -> str:
    champ = objet._meta.get_field(nom)
    return str(getattr(champ, "verbose_name", nom))


@dataclass
class Bilan:
    """What a load changed, per model."""

    crees: dict[str, int] = field(default_factory=dict)
    modifies: dict[str, int] = field(default_factory=dict)
    laisses: list[str] = field(default_factory=list)
    noms: dict[str, tuple[str, str]] = field(default_factory=dict)

    def noter(self, modele: type[models.Model], cree: bool, modifie: bool) -> None:
        nom = str(modele._meta.label)
        self.noms[nom] = (str(modele._meta.verbose_name), str(modele._meta.verbose_name_plural))
        if cree:
            self.crees[nom] = self.crees.get(nom, 0) + 1
        elif modifie:
            self.modifies[nom] = self.modifies.get(nom, 0) + 1

    def laisser(self, objet: models.Model, champs: Iterable[str]) -> None:
        """Note what the load left as the portal has it."""
        noms = ", ".join(_libelle(objet, nom) for nom in champs)
        self.laisses.append(
            f"{objet._meta.verbose_name} « {objet} » : {noms} laissé tel quel : "
            "modifié dans le portail"
        )

    def _compte(self, nombres: dict[str, int]) -> str:
        """« 1 contrat, 5 articles du contrat »: the singular or the plural name of each model."""
        parties = []
        for nom, n in nombres.items():
            singulier, pluriel = self.noms[nom]
            parties.append(f"{n} {singulier if n == 1 else pluriel}")
        return ", ".join(parties)

    @property
    def inchange(self) -> bool:
        return not self.crees and not self.modifies

    def resume(self) -> str:
        if self.inchange:
            resume = "aucune modification : la base est déjà conforme au contrat"
        else:
            parties = []
            if self.crees:
                parties.append("créations : " + self._compte(self.crees))
            if self.modifies:
                parties.append("mises à jour : " + self._compte(self.modifies))
            resume = " ; ".join(parties)
        if self.laisses:
            resume += " ; " + " ; ".join(self.laisses)
        return resume


def synchroniser(
    modele: type[M],
    bilan: Bilan,
    cles: dict[str, Any],
    valeurs: dict[str, Any],
    creation_seule: dict[str, Any] | None = None,
    proteges: dict[str, Any] | None = None,
) -> M:
    """Make the row found by `cles` hold `valeurs`; `creation_seule` is set only on creation,
    and so is `proteges`, whose differences on an existing row are reported as left alone.

    The row is saved only when a value differs, so running a load twice writes nothing.
    """
    lignes: models.Manager[M] = modele._default_manager
    objet = lignes.filter(**cles).first()
    if objet is None:
        objet = lignes.create(**cles, **valeurs, **(creation_seule or {}), **(proteges or {}))
        bilan.noter(modele, cree=True, modifie=False)
        return objet
    laisses = [nom for nom, valeur in (proteges or {}).items() if getattr(objet, nom) != valeur]
    if laisses:
        bilan.laisser(objet, laisses)
    differents = [nom for nom, valeur in valeurs.items() if getattr(objet, nom) != valeur]
    if differents:
        for nom in differents:
            setattr(objet, nom, valeurs[nom])
        objet.save(update_fields=differents)
        bilan.noter(modele, cree=False, modifie=True)
    return objet


def synchroniser_m2m(
    gestionnaire: Any, objets: Iterable[models.Model], bilan: Bilan, *, protege: bool = False
) -> None:
    """Make a many-to-many relation hold exactly `objets` (a change counts for its owner).

    `protege`: the relation is filled only while empty (on creation); a different relation is
    the portal's and is reported as left alone."""
    objets = list(objets)
    voulus = {o.pk for o in objets}
    actuels = set(gestionnaire.values_list("pk", flat=True))
    if protege and actuels and voulus != actuels:
        bilan.laisser(gestionnaire.instance, [gestionnaire.prefetch_cache_name])
        return
    if voulus != actuels:
        gestionnaire.set(objets)
        if actuels:
            bilan.noter(gestionnaire.instance.__class__, cree=False, modifie=True)
