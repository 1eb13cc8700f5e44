"""Quorum and majority rules (pure functions): the defaults and each setting."""

import pytest

from gouvernance.regles import issue_du_vote, quorum_atteint, quorum_requis


@pytest.mark.parametrize(
    ("regle", "votants", "presents", "atteint"),
    [
        ("moitie", 5, 3, True),
        ("moitie", 5, 2, False),
        ("moitie", 4, 2, False),  # exactly half is not more than half
        ("moitie", 4, 3, True),
        ("moitie", 0, 0, False),
        ("tiers", 6, 2, True),
        ("tiers", 7, 2, False),
        ("deux_tiers", 6, 4, True),
        ("deux_tiers", 6, 3, False),
        ("aucun", 5, 0, True),
    ],
)
def test_quorum(regle, votants, presents, atteint):
    assert quorum_atteint(regle, votants, presents) is atteint


def test_quorum_requis_par_defaut():
    assert [quorum_requis("moitie", n) for n in (1, 2, 3, 4, 5, 9)] == [1, 2, 2, 3, 3, 5]


@pytest.mark.parametrize(
    ("majorite", "egalite", "votes", "resultat"),
    [
        ("simple", "ajourne", (3, 2, 4), "retenu"),  # abstentions do not count
        ("simple", "ajourne", (2, 3, 0), "rejete"),
        ("simple", "ajourne", (2, 2, 1), "ajourne"),  # a tie adjourns by default
        ("simple", "rejete", (2, 2, 1), "rejete"),
        ("simple", "ajourne", (0, 0, 3), "ajourne"),
        ("absolue", "ajourne", (3, 2, 4), "rejete"),  # 3 of 9 is not an absolute majority
        ("absolue", "ajourne", (5, 2, 2), "retenu"),
        ("deux_tiers", "ajourne", (4, 2, 0), "retenu"),
        ("deux_tiers", "ajourne", (3, 2, 0), "rejete"),
    ],
)
def test_issue_du_vote(majorite, egalite, votes, resultat):
    pour, contre, abstention = votes
    issue = issue_du_vote(
        majorite=majorite, egalite=egalite, pour=pour, contre=contre, abstention=abstention
    )
    assert issue.resultat == resultat


def test_le_motif_dit_le_decompte_et_la_regle():
    issue = issue_du_vote(majorite="simple", egalite="ajourne", pour=2, contre=2, abstention=1)
    assert (
        issue.motif == "2 pour, 2 contre, 1 abstention : égalité des voix, le dossier est ajourné."
    )
