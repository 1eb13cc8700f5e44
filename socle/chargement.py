"""Idempotent loading: create what is missing, update what differs, touch nothing else."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.db import models

M = TypeVar("M", bound=models.Model)


@dataclass
class Bilan:
    """What a load changed, per model."""

    crees: dict[str, int] = field(default_factory=dict)
    modifies: dict[str, int] = field(default_factory=dict)

    def noter(self, modele: type[models.Model], cree: bool, modifie: bool) -> None:
        nom = str(modele._meta.verbose_name_plural)
        if cree:
            self.crees[nom] = self.crees.get(nom, 0) + 1
        elif modifie:
            self.modifies[nom] = self.modifies.get(nom, 0) + 1

    @property
    def inchange(self) -> bool:
        return not self.crees and not self.modifies

    def resume(self) -> str:
        if self.inchange:
            return "aucune modification : la base est déjà conforme au contrat"
        parties = [f"{n} {nom} créé(e)s" for nom, n in self.crees.items()]
        parties += [f"{n} {nom} mis(es) à jour" for nom, n in self.modifies.items()]
        return ", ".join(parties)


def synchroniser(
    modele: type[M],
    bilan: Bilan,
    cles: dict[str, Any],
    valeurs: dict[str, Any],
    creation_seule: dict[str, Any] | None = None,
) -> M:
    """Make the row found by `cles` hold `valeurs`; `creation_seule` is set only on creation.

    The row is saved only when a value differs, so running a load twice writes nothing.
    """
    lignes: models.Manager[M] = modele._default_manager
    objet = lignes.filter(**cles).first()
    if objet is None:
        objet = lignes.create(**cles, **valeurs, **(creation_seule or {}))
        bilan.noter(modele, cree=True, modifie=False)
        return objet
    differents = [nom for nom, valeur in valeurs.items() if getattr(objet, nom) != valeur]
    if differents:
        for nom in differents:
            setattr(objet, nom, valeurs[nom])
        objet.save(update_fields=differents)
        bilan.noter(modele, cree=False, modifie=True)
    return objet


def synchroniser_m2m(gestionnaire: Any, objets: Iterable[models.Model], bilan: Bilan) -> None:
    """Make a many-to-many relation hold exactly `objets` (a change counts for its owner)."""
    voulus = {o.pk for o in objets}
    actuels = set(gestionnaire.values_list("pk", flat=True))
    if voulus != actuels:
        gestionnaire.set(objets)
        if actuels:
            bilan.noter(gestionnaire.instance.__class__, cree=False, modifie=True)
