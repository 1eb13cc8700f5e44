"""What `projets` tells the apps above it, without importing them (imports point one way).

`transition_effectuee` is sent inside the transition's transaction, after the new state and
its journal row are written: a receiver that raises cancels the whole transition. The ledger
(`financement`) uses it to programme the CPER lines of a dossier that becomes « programmé » and
to release what a closed or abandoned dossier did not use.
"""

from django.dispatch import Signal

# Arguments: projet, action, depuis, vers, par, decision.
transition_effectuee = Signal()
