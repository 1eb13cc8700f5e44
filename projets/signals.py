"""What `projets` tells the apps above it, without importing them (imports point one way).

`transition_effectuee` is sent inside the transition's transaction, after the new state and
its journal row are written. It is only for side effects that may fail without harm, such as
the e-mails of `rapports.receivers`: a receiver catches its own errors and never writes
business data. Money never moves through it: the ledger's work is done by the ledger's own
use-cases (`financement.services.projet_programmer`, `projet_solder`, `projet_abandonner`),
which call the transition themselves, in one transaction.
"""

from django.dispatch import Signal

# Arguments: projet, action, depuis, vers, par, mandat (a `MandatComite` or None).
transition_effectuee = Signal()
# Arguments: projet, par. Sent when someone other than the porteur edits a dossier, inside
# the edit's transaction (the history row names the person).
projet_modifie = Signal()
# Arguments: projet, demande (a `DemandePieces`), par. Sent when an instructor asks the porteur
# for more pieces after filing, inside the request's transaction.
pieces_demandees = Signal()
