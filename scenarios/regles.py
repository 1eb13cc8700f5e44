"""Settings of the scenarios, read in one place (pages say « réglage fixé par le
secrétariat »)."""

from django.conf import settings

from axes.models import Niveau, Noeud

# The headings a scenario may cover: the mobility sub-axes and their measures (the vélo
# committee works on the measure V.2.1, seed l. 3526), not the sub-measures.
NIVEAUX = (Niveau.SOUS_AXE, Niveau.MESURE)


def est_ouvert(noeud: Noeud) -> bool:
    """Whether scenarios may be written for this heading: a sub-axis or measure of an axis of
    `SCENARIOS_AXES` (the Mobilités volet, axis V, by default), or a heading where the text
    asks for parity (II.6)."""
    if noeud.niveau not in NIVEAUX:
        return False
    axe = noeud.code.split(".")[0]
    return axe in settings.SCENARIOS_AXES or noeud.code in settings.SCENARIOS_SOUS_AXES_PARITE


def sous_axes_ouverts() -> list[Noeud]:
    """The headings open to scenarios, in the contract's order."""
    return [
        n for n in Noeud.objects.filter(niveau__in=NIVEAUX).order_by("position") if est_ouvert(n)
    ]
