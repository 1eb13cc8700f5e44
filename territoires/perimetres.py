"""The communes of the contract's special territories, where its text gives them.

The text names the eight intercommunalities of the Sambre-Avesnois-Thiérache pact (II.4.1,
l. 1079-1083) and the eight of the Engagement pour le renouveau du bassin minier (II.4.2,
l. 1102-1105); the portal takes the communes of those intercommunalities from the official
table (`territoires.referentiel`). For the other special territories the text gives no list:
their perimeter is the secretariat's (`territoires.models.PerimetreTerritoire`).
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class PerimetreDuTexte:
    epcis: tuple[str, ...]  # SIREN of the intercommunalities the text names
    lignes: str
    note: str


PERIMETRES_DU_TEXTE: dict[str, PerimetreDuTexte] = {
    "sat": PerimetreDuTexte(
        epcis=(
            "200043396",  # CA Maubeuge Val de Sambre
            "200043321",  # CC du Pays de Mormal
            "200043263",  # CC Cœur de l'Avesnois
            "200043404",  # CC du Sud Avesnois
            "200071983",  # CC Thiérache Sambre et Oise
            "240200444",  # CC de la Thiérache du Centre
            "240200634",  # CC des Portes de la Thiérache
            "240200600",  # CC des Trois Rivières
        ),
        lignes="II.4.1, l. 1079-1083",
        note="Le contrat cite « 311 communes » regroupées dans 8 intercommunalités qu'il nomme : "
        "le portail retient les communes de ces 8 intercommunalités.",
    ),
    "bassin-minier": PerimetreDuTexte(
        epcis=(
            "200072460",  # CA de Béthune-Bruay, Artois-Lys Romane
            "246200364",  # CA de Lens-Liévin
            "246200299",  # CA d'Hénin-Carvin
            "200044618",  # CA Douaisis Agglo
            "200042190",  # CA de la Porte du Hainaut
            "245901160",  # CA Valenciennes Métropole
            "245901152",  # CA Cœur d'Ostrevent
            "200044048",  # CC Osartis Marquion
        ),
        lignes="II.4.2, l. 1102-1105",
        note="Le contrat cite « 251 communes » sans les énumérer et nomme 8 intercommunalités : "
        "le portail retient toutes les communes de ces 8 intercommunalités, qui sont plus "
        "nombreuses ; le secrétariat peut fixer la liste exacte.",
    ),
}
