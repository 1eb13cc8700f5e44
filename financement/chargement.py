from axes.models import Contrat, Signataire
from financement.models import Enveloppe, VersionEnveloppe
from socle.chargement import Bilan, synchroniser


def charger_enveloppes(*, contrat: Contrat, bilan: Bilan) -> None:
    """Opens each signatory's envelope at its Article 2 amount.

    An existing envelope is never changed here: after signature, only an avenant in force
    changes an envelope (Article 4); the load says which envelope it left at another amount.
    """
    for signataire in Signataire.objects.filter(contrat=contrat):
        synchroniser(
            Enveloppe,
            bilan,
            {"signataire": signataire},
            {},
            proteges={"montant": signataire.montant_article_2},
        )
        # The envelope as signed is its first version, in force from the signature.
        synchroniser(
            VersionEnveloppe,
            bilan,
            {"signataire": signataire, "avenant": None},
            {},
            creation_seule={
                "montant": signataire.montant_article_2,
                "depuis": contrat.date_signature,
            },
        )
