"""The commune → EPCI → département table of Hauts-de-France, with populations.

Read from `territoires/donnees/hauts-de-france.json`, extracted from the npm package
`@etalab/decoupage-administratif` (INSEE, DGCL; Licence Ouverte 2.0, see
`territoires/donnees/LICENCE.md`) by `manage.py territoires_donnees`. Read once per process;
nothing is fetched at run time.
"""

import json
from dataclasses import dataclass
from functools import cache, cached_property
from typing import Any

from territoires.extraction import FICHIER

CREDIT = (
    "Communes, intercommunalités et populations légales : INSEE et DGCL, via le paquet "
    "@etalab/decoupage-administratif, Licence Ouverte 2.0"
)


@dataclass(frozen=True)
class Commune:
    code: str
    nom: str
    departement: str
    epci: str
    population: int


@dataclass(frozen=True)
class Epci:
    siren: str
    nom: str
    type: str
    communes: tuple[str, ...]
    population: int
    departements: tuple[str, ...]


@dataclass(frozen=True)
class DepartementRef:
    code: str
    nom: str
    communes: tuple[str, ...]
    population: int


@dataclass(frozen=True)
class Referentiel:
    source: str
    licence: str
    region_code: str
    region_nom: str
    communes: dict[str, Commune]
    epcis: dict[str, Epci]
    departements: dict[str, DepartementRef]

    @cached_property
    def departement_de(self) -> dict[str, str]:
        """Commune code → département code."""
        return {c.code: c.departement for c in self.communes.values()}

    @property
    def population(self) -> int:
        return sum(d.population for d in self.departements.values())


def _construire(donnees: dict[str, Any]) -> Referentiel:
    communes = {
        code: Commune(code, nom, dep, epci, int(population))
        for code, nom, dep, epci, population in donnees["communes"]
    }
    par_epci: dict[str, list[Commune]] = {}
    par_departement: dict[str, list[Commune]] = {}
    for commune in communes.values():
        par_epci.setdefault(commune.epci, []).append(commune)
        par_departement.setdefault(commune.departement, []).append(commune)
    epcis = {
        siren: Epci(
            siren=siren,
            nom=nom,
            type=type_,
            communes=tuple(c.code for c in par_epci.get(siren, [])),
            population=sum(c.population for c in par_epci.get(siren, [])),
            departements=tuple(sorted({c.departement for c in par_epci.get(siren, [])})),
        )
        for siren, nom, type_ in donnees["epci"]
    }
    departements = {
        code: DepartementRef(
            code=code,
            nom=nom,
            communes=tuple(c.code for c in par_departement.get(code, [])),
            population=sum(c.population for c in par_departement.get(code, [])),
        )
        for code, nom in donnees["departements"]
    }
    return Referentiel(
        source=donnees["source"],
        licence=donnees["licence"],
        region_code=donnees["region"][0],
        region_nom=donnees["region"][1],
        communes=communes,
        epcis=epcis,
        departements=departements,
    )


@cache
def referentiel() -> Referentiel:
    return _construire(json.loads(FICHIER.read_text(encoding="utf-8")))
